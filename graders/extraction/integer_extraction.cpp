// Extraction rules for integer answers (AIME, 0-999): see answer_extraction.h.
#include <cctype>

#include "graders/extraction/answer_extraction.h"
#include "graders/extraction/answer_region.h"
#include "graders/extraction/regex_search.h"

namespace rbench::graders::extraction {
namespace {

std::string without_leading_zeros(std::string digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

// The integer a boxed or phrase answer states: "025", "\text{25}", "25^\circ", "$25$", "25." (nothing else).
std::optional<std::string> integer_of(std::string_view answer) {
  static const RegexPattern kWrapped(
      R"(^\s*(?:\\(?:text|textbf|mathbf|mathrm)\{)?\s*\+?(\d{1,12})\s*\}?\s*(?:\^\s*\{?\\circ\}?|\\%|%)?\s*$)");
  const std::string stripped = strip_math_delimiters(answer);
  const std::vector<RegexMatch> m = kWrapped.find_all(stripped);
  if (m.empty()) return std::nullopt;
  return without_leading_zeros(m.front().group);
}

std::optional<std::string> first_integer(std::string_view text) {
  static const RegexPattern kInteger(R"((?<![\d.])(\d{1,12})(?![\d]|\.\d))");
  const std::vector<RegexMatch> m = kInteger.find_all(text);
  if (m.empty()) return std::nullopt;
  return without_leading_zeros(m.front().group);
}

std::optional<std::string> last_integer(std::string_view text) {
  static const RegexPattern kInteger(R"((?<![\d.])(\d{1,12})(?![\d]|\.\d))");
  const std::vector<RegexMatch> m = kInteger.find_all(text);
  if (m.empty()) return std::nullopt;
  return without_leading_zeros(m.back().group);
}

}  // namespace

std::optional<std::string> extract_integer_strict(std::string_view output) {
  if (auto boxed = last_boxed(final_region(output))) return integer_of(*boxed);
  return std::nullopt;
}

std::optional<std::string> extract_integer_lenient(std::string_view output) {
  const std::string_view region = final_region(output);
  if (auto boxed = last_boxed(region)) {
    if (auto value = integer_of(*boxed)) return value;
    if (auto value = first_integer(*boxed)) return value;
  }
  if (auto phrase = phrase_answer(region)) {
    if (auto value = first_integer(*phrase)) return value;
  }
  if (auto boxed = last_boxed(output)) {
    if (auto value = integer_of(*boxed)) return value;
  }
  return last_integer(tail(region));
}

}  // namespace rbench::graders::extraction
