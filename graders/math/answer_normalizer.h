// String-level clean-up of an extracted answer before tokenizing: size limit, Unicode math symbols to LaTeX,
// currency and degree marks, thousands separators, trailing unit words, \text{} around plain numbers. Also the
// text normalisation used for word answers ("\text{(C)}", "East").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rbench::graders::math {

// Answers longer than this are refused as unparsable: a real final answer is far shorter.
constexpr std::size_t kMaxAnswerChars = 1000;

// Throws UnparsableAnswer when the answer is too long.
std::string normalize_answer(std::string_view raw);

// Lower-case letters, digits and minus signs only, with \text{}-style wrappers removed: for comparing word answers.
std::string normalize_text_answer(std::string_view raw);

}  // namespace rbench::graders::math
