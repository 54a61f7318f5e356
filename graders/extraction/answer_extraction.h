// The named extraction rules per answer kind. Strict reads only an explicit final-answer marker in the final
// region (a \boxed{} after </think>, or for choices an "Answer: X" statement); lenient falls back to boxes inside
// the reasoning, final-answer phrases, and the last value written. Both return the raw answer text or nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rbench::graders::extraction {

// MATH-500 style: a LaTeX answer.
std::optional<std::string> extract_math_strict(std::string_view output);
std::optional<std::string> extract_math_lenient(std::string_view output);

// AIME style: an integer, returned without leading zeros ("025" -> "25").
std::optional<std::string> extract_integer_strict(std::string_view output);
std::optional<std::string> extract_integer_lenient(std::string_view output);

// GPQA style: one option letter A-D; the last decisive statement wins, stray capitals never count.
std::optional<std::string> extract_choice_strict(std::string_view output);
std::optional<std::string> extract_choice_lenient(std::string_view output);

}  // namespace rbench::graders::extraction
