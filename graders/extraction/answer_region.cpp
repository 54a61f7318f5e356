// Final-answer regions, boxed groups and answer phrases: see answer_region.h.
#include "graders/extraction/answer_region.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace rbench::graders::extraction {
namespace {

constexpr std::size_t kMaxBoxCandidates = 16;
constexpr std::size_t kMaxConnectorChars = 40;
constexpr std::size_t kMaxPhraseAnswerChars = 300;

struct BoxedGroup {
  std::size_t start = 0;  // offset of the backslash of \boxed
  std::size_t end = 0;    // one past the closing brace
  std::string content;
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Reads the group after a \boxed / \fbox command at `start` (name_length characters long).
std::optional<BoxedGroup> read_box(std::string_view text, std::size_t start, std::size_t name_length) {
  std::size_t pos = start + name_length;
  if (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) return std::nullopt;  // \boxedx
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] != '{') {
    // "\boxed 5": the answer is the next run of non-space characters.
    std::size_t end = pos;
    while (end < text.size() && !is_space(text[end]) && text[end] != '$' && end - pos < kMaxBoxedChars) ++end;
    if (end == pos) return std::nullopt;
    return BoxedGroup{start, end, std::string(text.substr(pos, end - pos))};
  }
  int depth = 0;
  const std::size_t limit = std::min(text.size(), pos + kMaxBoxedChars);
  for (std::size_t i = pos; i < limit; ++i) {
    if (text[i] == '\\') {
      ++i;  // \{ and \} are literal braces, not grouping
      continue;
    }
    if (text[i] == '{') ++depth;
    if (text[i] == '}' && --depth == 0) {
      return BoxedGroup{start, i + 1, std::string(text.substr(pos + 1, i - pos - 1))};
    }
  }
  return std::nullopt;
}

// Box command positions, last first, at most kMaxBoxCandidates of them.
std::vector<std::pair<std::size_t, std::size_t>> box_commands_from_end(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> found;  // (offset, command length)
  for (std::string_view command : {std::string_view("\\boxed"), std::string_view("\\fbox")}) {
    std::size_t from = text.size();
    for (std::size_t n = 0; n < kMaxBoxCandidates; ++n) {
      const std::size_t at = text.rfind(command, from);
      if (at == std::string_view::npos) break;
      found.emplace_back(at, command.size());
      if (at == 0) break;
      from = at - 1;
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (found.size() > kMaxBoxCandidates) found.resize(kMaxBoxCandidates);
  return found;
}

// True when the text between two boxes only joins them into a list.
bool is_list_connector(std::string_view gap) {
  if (gap.size() > kMaxConnectorChars) return false;
  std::string rest(gap);
  for (std::string_view filler : {"\\text{and}", "\\text{ and }", "\\quad", "\\qquad", "\\(", "\\)",
                                  "\\[", "\\]", "\\\\", "and", "&"}) {
    for (std::size_t at = rest.find(filler); at != std::string::npos; at = rest.find(filler)) {
      rest.erase(at, filler.size());
    }
  }
  return std::all_of(rest.begin(), rest.end(), [](char c) { return is_space(c) || c == '$' || c == ',' || c == ';'; });
}

// The next '$' at or after `from` that is not the escaped currency sign "\$".
std::size_t find_unescaped_dollar(std::string_view s, std::size_t from) {
  for (std::size_t at = s.find('$', from); at != std::string_view::npos; at = s.find('$', at + 1)) {
    if (at == 0 || s[at - 1] != '\\') return at;
  }
  return std::string_view::npos;
}

}  // namespace

std::string_view final_region(std::string_view text) {
  const std::size_t close = text.rfind("</think>");
  if (close == std::string_view::npos) return text;
  std::string_view after = text.substr(close + 8);
  const bool has_content = std::any_of(after.begin(), after.end(), [](char c) { return !is_space(c); });
  return has_content ? after : text;
}

std::string_view tail(std::string_view text) {
  return text.size() <= kTailChars ? text : text.substr(text.size() - kTailChars);
}

std::optional<std::string> last_boxed(std::string_view text) {
  std::vector<BoxedGroup> chain;  // the last box first, then the boxes listed just before it
  for (const auto& [offset, length] : box_commands_from_end(text)) {
    std::optional<BoxedGroup> box = read_box(text, offset, length);
    if (!box) continue;
    if (chain.empty()) {
      chain.push_back(std::move(*box));
      continue;
    }
    const std::size_t next_start = chain.back().start;
    if (box->end > next_start || !is_list_connector(text.substr(box->end, next_start - box->end))) break;
    chain.push_back(std::move(*box));
  }
  if (chain.empty()) return std::nullopt;
  std::string joined;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!joined.empty()) joined += ", ";
    joined += trim(it->content);
  }
  return joined;
}

std::string strip_math_delimiters(std::string_view s) {
  std::string out = trim(s);
  bool changed = true;
  while (changed && !out.empty()) {
    changed = false;
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"$$", "$$"}, {"$", "$"},
                               {"\\(", "\\)"}, {"\\[", "\\]"}, {"**", "**"}}) {
      if (out.size() >= open.size() + close.size() && out.starts_with(open) && out.ends_with(close)) {
        out = trim(std::string_view(out).substr(open.size(), out.size() - open.size() - close.size()));
        changed = true;
      }
    }
    while (!out.empty() && (out.back() == '.' || out.back() == '$' || out.back() == '*')) {
      out.pop_back();
      changed = true;
    }
    while (!out.empty() && (out.front() == '$' || out.front() == '*' || out.front() == ':')) {
      out.erase(0, 1);
      changed = true;
    }
    out = trim(out);
  }
  return out;
}

std::optional<std::string> phrase_answer(std::string_view text) {
  const std::string_view window = tail(text);
  std::string lower(window);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::size_t best_end = std::string::npos;
  for (std::string_view phrase : {"final answer is", "final answer:", "answer is", "answer:"}) {
    const std::size_t at = lower.rfind(phrase);
    if (at == std::string::npos) continue;
    const std::size_t end = at + phrase.size();
    if (best_end == std::string::npos || end > best_end) best_end = end;
  }
  if (best_end == std::string::npos) return std::nullopt;
  std::string_view rest = window.substr(best_end);
  while (!rest.empty() && (is_space(rest.front()) || rest.front() == ':' || rest.front() == '*')) rest.remove_prefix(1);
  if (rest.starts_with("\\boxed") || rest.starts_with("$\\boxed")) {
    if (auto boxed = last_boxed(rest.substr(0, std::min(rest.size(), kMaxBoxedChars)))) return boxed;
  }
  std::size_t end = 0;
  if (rest.starts_with("$")) {
    const std::size_t close = find_unescaped_dollar(rest, rest.starts_with("$$") ? 2 : 1);
    end = close == std::string_view::npos ? rest.size() : close + 1;
    if (rest.starts_with("$$") && close != std::string_view::npos) end = std::min(rest.size(), close + 2);
  } else {
    for (end = 0; end < rest.size(); ++end) {
      if (rest[end] == '\n') break;
      if (rest[end] == '.' && (end + 1 == rest.size() || is_space(rest[end + 1]))) break;
    }
  }
  std::string answer = strip_math_delimiters(rest.substr(0, std::min(end, kMaxPhraseAnswerChars)));
  if (answer.empty()) return std::nullopt;
  return answer;
}

}  // namespace rbench::graders::extraction
