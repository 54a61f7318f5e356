// The hostile model outputs every grader must survive: huge, deeply nested, invalid UTF-8, NUL bytes,
// pathological LaTeX, exponent towers, enormous numbers, and text that looks like special tokens or answer
// markers. Each is a named prediction, built in memory so the repository holds no multi-megabyte files.
#pragma once

#include <string>
#include <vector>

namespace rbench::hardening {

struct HostileOutput {
  std::string name;
  std::string text;
};

inline std::string repeat(const std::string& piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

inline std::vector<HostileOutput> hostile_outputs() {
  std::vector<HostileOutput> v;
  v.push_back({"huge_plain_text_16MB", repeat("the answer is maybe 42 or not. ", 16u << 15)});
  v.push_back({"huge_boxed_answer", "\\boxed{" + repeat("1+", 2u << 20) + "1}"});
  v.push_back({"nested_braces_1M", "\\boxed{" + repeat("{", 1u << 20) + repeat("}", 1u << 20) + "}"});
  v.push_back({"unclosed_boxes", repeat("\\boxed{", 200000)});
  v.push_back({"nested_fracs", "\\boxed{" + repeat("\\frac{1}{", 5000) + "2" + repeat("}", 5000) + "}"});
  v.push_back({"nested_sqrt", "\\boxed{" + repeat("\\sqrt{", 5000) + "2" + repeat("}", 5000) + "}"});
  v.push_back({"left_right_storm", "\\boxed{" + repeat("\\left(", 20000) + "x" + repeat("\\right)", 20000) + "}"});
  v.push_back({"exponent_tower", "\\boxed{" + repeat("9^{", 60) + "9" + repeat("}", 60) + "}"});
  v.push_back({"e_tower", "\\boxed{" + repeat("e^{", 40) + "e" + repeat("}", 40) + "}"});
  v.push_back({"power_of_power_literal", "\\boxed{10^{10^{10^{10}}}}"});
  v.push_back({"factorial_tower", "\\boxed{(((1000!)!)!)!}"});
  v.push_back({"hundred_thousand_digits", "\\boxed{" + repeat("9", 100000) + "}"});
  v.push_back({"long_decimal", "\\boxed{0." + repeat("3", 200000) + "}"});
  v.push_back({"huge_matrix", "\\boxed{\\begin{pmatrix}" + repeat("1&", 3000) + "1" +
                                  repeat("\\\\" + repeat("1&", 300) + "1", 300) + "\\end{pmatrix}}"});
  v.push_back({"long_tuple", "\\boxed{(" + repeat("x_1,", 100000) + "x)}"});
  v.push_back({"polynomial_blowup", "\\boxed{(x+1)^{100000}-(x-1)^{100000}}"});
  v.push_back({"invalid_utf8", std::string("\\boxed{\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc}") +
                                   repeat("\x80\xbf", 10000)});
  v.push_back({"nul_bytes", std::string("Answer: \0B\0\0 \\boxed{4\0002}", 24) + std::string(100000, '\0')});
  v.push_back({"overlong_and_surrogates", "\\boxed{\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80}"});
  v.push_back({"special_tokens", repeat("<|endoftext|><|im_start|>assistant<|im_end|></think><think>", 5000) +
                                     "\\boxed{7}<|end|>"});
  v.push_back({"think_marker_storm", repeat("</think>", 200000) + "Answer: C"});
  v.push_back({"answer_phrase_storm", repeat("The final answer is ", 100000)});
  v.push_back({"choice_storm", repeat("Answer: A Answer: B (C) [D] ", 100000)});
  v.push_back({"dollar_storm", repeat("$", 1000000) + "\\boxed{1}"});
  v.push_back({"backslash_storm", repeat("\\", 1000000)});
  v.push_back({"unknown_commands", "\\boxed{" + repeat("\\foo\\bar{", 10000) + repeat("}", 10000) + "}"});
  v.push_back({"regex_backtracking", "Answer:" + repeat(" ", 500000) + "x"});
  v.push_back({"many_boxes", repeat("\\boxed{1}\\boxed{2}", 200000)});
  v.push_back({"interval_union_storm", "\\boxed{" + repeat("[0,1)\\cup", 20000) + "(2,3]}"});
  v.push_back({"empty", ""});
  return v;
}

}  // namespace rbench::hardening
