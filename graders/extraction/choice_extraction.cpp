// Extraction rules for multiple-choice letters (GPQA, A-D): see answer_extraction.h. Every decisive form is
// searched and the one that appears last wins; a capital letter counts only inside such a statement.
#include <cctype>
#include <vector>

#include "graders/extraction/answer_extraction.h"
#include "graders/extraction/answer_region.h"
#include "graders/extraction/regex_search.h"

namespace rbench::graders::extraction {
namespace {

// \boxed{B}, \boxed{(B)}, \boxed{\text{B}}, \boxed{\textbf{(B)}}, \boxed{B) 4.2 eV}
const RegexPattern& boxed_letter() {
  static const RegexPattern p(
      R"(\\(?:boxed|fbox)\s*\{\s*(?:\\(?:text|textbf|mathrm|mathbf)\s*\{)?\s*[\(\[]?\s*([A-D])\s*(?:[\)\]]|\}|\s*$|\s*[.:,]|\s+))");
  return p;
}

// "Answer: B", "**Answer:** (B)", "the correct answer is (B)", "The final answer is $\boxed{C}$",
// "correct option is B", "the answer would be D". Keywords in any case; the letter upper case and alone.
const RegexPattern& statement_letter() {
  static const RegexPattern p(
      R"((?i:\b(?:answer|option|choice))(?:\s*(?i:is|:|would\s+be|should\s+be|must\s+be|=|-|\*\*|__)\s*)+[*_\s]*(?:\$?\\boxed\{\s*)?(?:\\text(?:bf)?\{\s*)?\$?[\(\[]?\s*([A-D])(?![A-Za-z0-9]))");
  return p;
}

// "Option B is correct", "choice (C) is the right one", "the answer C) 14 nm": no separator, but a closing
// parenthesis or a verdict after the letter makes it decisive.
const RegexPattern& bare_statement_letter() {
  static const RegexPattern p(
      R"((?i:\b(?:answer|option|choice))\s+(?:\(([A-D])\)|([A-D])\)|([A-D])(?=\s+(?i:is\s+(?:the\s+)?(?:correct|right|answer)))))");
  return p;
}

// "I'd go with B", "I choose (C)", "we select option D": a choosing verb right before the letter.
const RegexPattern& chosen_letter() {
  static const RegexPattern p(
      R"((?i:\b(?:go\s+with|choose|select|pick))\s+(?i:option\s+|choice\s+|answer\s+)?[\(\[]?([A-D])(?![A-Za-z0-9]))");
  return p;
}

// A final line that starts with the option: "(B) 4.2 eV", "**(B)**", "B) text", "**B**".
const RegexPattern& final_line_letter() {
  static const RegexPattern p(R"(^\s*[*_]*\s*(?:\(([A-D])\)|([A-D])\)|([A-D])[*_]+\s*$|([A-D])\s*$))");
  return p;
}

// The last capital A-D standing alone in a matched statement (after any keyword).
std::string letter_in(std::string_view matched) {
  for (std::size_t i = matched.size(); i-- > 0;) {
    const char c = matched[i];
    const bool alone = (i == 0 || !std::isalpha(static_cast<unsigned char>(matched[i - 1]))) &&
                       (i + 1 == matched.size() || !std::isalpha(static_cast<unsigned char>(matched[i + 1])));
    if (c >= 'A' && c <= 'D' && alone) return std::string(1, c);
  }
  return {};
}

std::optional<std::string> last_decisive(std::string_view text) {
  std::optional<std::string> best;
  std::size_t best_end = 0;
  for (const RegexPattern* pattern :
       {&boxed_letter(), &statement_letter(), &bare_statement_letter(), &chosen_letter()}) {
    for (const RegexMatch& m : pattern->find_all(text)) {
      // Patterns with alternatives capture the letter in different groups: read it from the match.
      const std::string letter = m.group.empty() ? letter_in(text.substr(m.start, m.end - m.start)) : m.group;
      if (!letter.empty() && (!best || m.end >= best_end)) {
        best = letter;
        best_end = m.end;
      }
    }
  }
  return best;
}

std::optional<std::string> final_line_choice(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  const std::size_t line_start = text.rfind('\n', end == 0 ? 0 : end - 1);
  std::string_view line = text.substr(line_start == std::string_view::npos ? 0 : line_start + 1,
                                      end - (line_start == std::string_view::npos ? 0 : line_start + 1));
  std::string stripped = strip_math_delimiters(line);
  // The pattern has one group per alternative: take whichever matched.
  static const RegexPattern kAnyGroup(R"(([A-D]))");
  const std::vector<RegexMatch> m = final_line_letter().find_all(stripped);
  if (m.empty()) return std::nullopt;
  const std::string matched = stripped.substr(m.front().start, m.front().end - m.front().start);
  const std::vector<RegexMatch> letter = kAnyGroup.find_all(matched);
  if (letter.empty()) return std::nullopt;
  return letter.front().group;
}

}  // namespace

std::optional<std::string> extract_choice_strict(std::string_view output) {
  return last_decisive(tail(final_region(output)));
}

std::optional<std::string> extract_choice_lenient(std::string_view output) {
  const std::string_view region = final_region(output);
  if (auto letter = last_decisive(tail(region))) return letter;
  if (auto letter = final_line_choice(region)) return letter;
  return last_decisive(tail(output));
}

}  // namespace rbench::graders::extraction
