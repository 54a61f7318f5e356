// Where in a long chain-of-thought the final answer lives: the text after the last </think> (when there is
// any), the last \boxed{} / \fbox{} groups with balanced nested braces, and the tail in which final-answer
// phrases are searched. Every function here is linear in the input and bounded, so 10 MB of braces is cheap.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rbench::graders::extraction {

// Longest boxed content and phrase tail that extraction looks at.
constexpr std::size_t kMaxBoxedChars = 4000;
constexpr std::size_t kTailChars = 6000;

// The text after the last "</think>" when it holds anything but whitespace; otherwise the whole text.
std::string_view final_region(std::string_view text);

// The content of the last \boxed{...} or \fbox{...} in text; when several boxes stand close together at the end
// (separated only by commas, "and", spacing or math delimiters) their contents are joined as a list "a, b".
std::optional<std::string> last_boxed(std::string_view text);

// The last kTailChars of text (cut at a byte boundary: bytes, not characters, are all this needs).
std::string_view tail(std::string_view text);

// The answer after the last final-answer phrase ("final answer is", "answer is", "answer:"), up to the end
// of its line or sentence, with $ and \( \) delimiters removed.
std::optional<std::string> phrase_answer(std::string_view text);

// Strip surrounding whitespace, $...$, \(...\), \[...\] and a trailing period.
std::string strip_math_delimiters(std::string_view s);

}  // namespace rbench::graders::extraction
