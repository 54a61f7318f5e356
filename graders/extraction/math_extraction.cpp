// Extraction rules for LaTeX math answers: see answer_extraction.h.
#include <algorithm>
#include <array>

#include "graders/extraction/answer_extraction.h"
#include "graders/extraction/answer_region.h"
#include "graders/extraction/regex_search.h"

namespace rbench::graders::extraction {
namespace {

constexpr std::size_t kMaxInlineMathChars = 300;

// The last occurrence of a delimiter starting at or before `before`; a '$' escaped as "\$" is currency, not math.
std::size_t rfind_delimiter(std::string_view text, std::string_view delimiter, std::size_t before) {
  std::size_t at = text.rfind(delimiter, before);
  while (delimiter[0] == '$' && at != std::string_view::npos && at > 0 && text[at - 1] == '\\') {
    at = at >= 2 ? text.rfind(delimiter, at - 2) : std::string_view::npos;
  }
  return at;
}

// The content of the last $...$, \(...\) or \[...\] in text (after its last '=' when it is an equation chain
// like "x = 3 + 4 = 7"; a lone "x = 5" keeps its form for the comparison).
std::optional<std::string> last_inline_math(std::string_view text) {
  struct Delimiters {
    std::string_view open, close;
  };
  static constexpr std::array<Delimiters, 4> kDelimiters = {
      {{"\\[", "\\]"}, {"\\(", "\\)"}, {"$$", "$$"}, {"$", "$"}}};
  std::optional<std::string> best;
  std::size_t best_end = 0;
  for (const Delimiters& d : kDelimiters) {
    const std::size_t close = rfind_delimiter(text, d.close, text.size());
    if (close == std::string_view::npos || close == 0) continue;
    const std::size_t open = rfind_delimiter(text, d.open, close - 1);
    if (open == std::string_view::npos) continue;
    const std::size_t content_start = open + d.open.size();
    if (content_start > close || close - content_start > kMaxInlineMathChars) continue;
    if (close + d.close.size() > best_end || !best) {
      best_end = close + d.close.size();
      best = std::string(text.substr(content_start, close - content_start));
    }
  }
  if (best) {
    const std::size_t first_eq = best->find('=');
    if (first_eq != std::string::npos && best->find('=', first_eq + 1) != std::string::npos) {
      *best = best->substr(best->rfind('=') + 1);
    }
    *best = strip_math_delimiters(*best);
    if (best->empty()) best.reset();
  }
  return best;
}

std::optional<std::string> last_number(std::string_view text) {
  static const RegexPattern kNumber(R"(-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?)");
  const std::vector<RegexMatch> matches = kNumber.find_all(tail(text));
  if (matches.empty()) return std::nullopt;
  const RegexMatch& last = matches.back();
  return std::string(tail(text).substr(last.start, last.end - last.start));
}

}  // namespace

std::optional<std::string> extract_math_strict(std::string_view output) {
  return last_boxed(final_region(output));
}

std::optional<std::string> extract_math_lenient(std::string_view output) {
  const std::string_view region = final_region(output);
  if (auto boxed = last_boxed(region)) return boxed;
  if (auto phrase = phrase_answer(region)) return phrase;
  if (auto boxed = last_boxed(output)) return boxed;
  if (auto math = last_inline_math(tail(region))) return math;
  return last_number(region);
}

}  // namespace rbench::graders::extraction
