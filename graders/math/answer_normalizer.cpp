// Answer clean-up before parsing: see answer_normalizer.h.
#include "graders/math/answer_normalizer.h"

#include <cctype>
#include <regex>
#include <utility>
#include <vector>

#include "graders/math/expression_tree.h"

namespace rbench::graders::math {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  while (!s.empty() && !not_space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && !not_space(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

std::string normalize_answer(std::string_view raw) {
  if (raw.size() > kMaxAnswerChars) {
    throw UnparsableAnswer("answer of " + std::to_string(raw.size()) + " characters exceeds the limit of " +
                           std::to_string(kMaxAnswerChars));
  }
  std::string s(raw);
  static const std::vector<std::pair<std::string_view, std::string_view>> kReplacements = {
      {"\xe2\x88\x92", "-"},        {"\xc3\x97", "\\times "},     {"\xc3\xb7", "\\div "},
      {"\xcf\x80", "\\pi "},        {"\xe2\x88\x9e", "\\infty "}, {"\xe2\x88\x9a", "\\sqrt"},
      {"\xe2\x89\xa4", "\\le "},    {"\xe2\x89\xa5", "\\ge "},    {"\xe2\x89\xa0", "\\ne "},
      {"\xc2\xb0", ""},             {"\xc2\xb7", "\\cdot "},      {"\xc2\xb1", "\\pm "},
      {"^{\\circ}", ""},            {"^\\circ", ""},              {"\\circ", ""},
      {"\\degree", ""},             {"^{\\prime}", "'"},          {"\\$", ""},
      {"\\dollar", ""},             {"{,}", ","},                 {"\\emptyset", "\\{\\}"},
      {"\\varnothing", "\\{\\}"},   {"\\dfrac", "\\frac"},        {"\\tfrac", "\\frac"},
      {"\\mathrm{i}", "i"},         {"\\%", "%"}};
  for (const auto& [from, to] : kReplacements) replace_all(s, from, to);
  s = trim(std::move(s));
  while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ';')) s = trim(s.substr(0, s.size() - 1));
  // "10,\! 080" and "1{,}000" are thousands separators.
  static const std::regex kThinSpaceComma(R"((\d),\\!\s*(\d))");
  s = std::regex_replace(s, kThinSpaceComma, "$1,$2");
  static const std::regex kThousands(R"(^([-+]?\$?)(\d{1,3}(?:,\d{3})+)(\.\d+)?(.*)$)");
  std::smatch m;
  if (std::regex_match(s, m, kThousands) && (m[4].length() == 0 || m[4].str().find(',') == std::string::npos)) {
    std::string digits = m[2].str();
    std::erase(digits, ',');
    s = m[1].str() + digits + m[3].str() + m[4].str();
  }
  // \text{} around a plain number is the number.
  static const std::regex kTextNumber(R"(\\(?:text|textbf|mbox|mathrm|mathbf)\{\s*([-+]?[\d.,/]+)\s*\})");
  s = std::regex_replace(s, kTextNumber, "$1");
  // Trailing unit words after a value ("5 cm", "864 inches^2", "12 square units").
  static const std::regex kTrailingUnits(
      R"(^(.*[\d}\)])\s+(?:square\s+|sq\.?\s+|cubic\s+)?(?:units?|cm|mm|km|m|inches|inch|in|feet|foot|ft|meters?|metres?|degrees?|cents?|dollars?|hours?|minutes?|seconds?|days?|weeks?|years?|miles?|mph|pounds?|lbs?|grams?|kg|g|liters?|ml|students|people|ways|points)(?:\^\{?[23]\}?)?\s*$)");
  if (std::regex_match(s, m, kTrailingUnits)) s = trim(m[1].str());
  if (s.empty()) throw UnparsableAnswer("empty answer");
  return s;
}

std::string normalize_text_answer(std::string_view raw) {
  std::string s(raw);
  for (std::string_view wrapper : {"\\textbf", "\\textit", "\\text", "\\mathrm", "\\mbox", "\\mathbf", "\\left",
                                   "\\right", "\\boxed"}) {
    replace_all(s, wrapper, "");
  }
  std::string out;
  for (char c : s) {
    // Letters and digits decide; a minus sign is kept so that "-(\text{east})" is not "east".
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace rbench::graders::math
