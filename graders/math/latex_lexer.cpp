// Tokenizer for LaTeX answers: see latex_lexer.h.
#include "graders/math/latex_lexer.h"

#include <cctype>
#include <set>

#include "graders/math/expression_tree.h"

namespace rbench::graders::math {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Commands that only change spacing or size and carry no meaning for the value.
const std::set<std::string, std::less<>>& ignored_commands() {
  static const std::set<std::string, std::less<>> names = {
      "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
      "displaystyle", "textstyle", "quad", "qquad", "limits", "nolimits", "mathstrut"};
  return names;
}

// Reads a {...} group starting at `pos` (which holds '{'); returns the inside and moves pos past the '}'.
std::string read_braced(std::string_view s, std::size_t& pos) {
  int depth = 0;
  const std::size_t start = pos + 1;
  for (; pos < s.size(); ++pos) {
    if (s[pos] == '\\' && pos + 1 < s.size()) {
      ++pos;
      continue;
    }
    if (s[pos] == '{') ++depth;
    if (s[pos] == '}' && --depth == 0) {
      std::string inside(s.substr(start, pos - start));
      ++pos;
      return inside;
    }
  }
  throw UnparsableAnswer("unbalanced braces in \\text{...}");
}

}  // namespace

std::vector<Token> tokenize_latex(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char c = s[pos];
    const auto uc = static_cast<unsigned char>(c);
    if (uc < 0x20 || uc >= 0x7f) {
      if (c == '\n' || c == '\t' || c == '\r') {
        ++pos;
        continue;
      }
      throw UnparsableAnswer("unexpected byte 0x" + std::to_string(uc) + " at offset " + std::to_string(pos));
    }
    if (c == ' ' || c == '~' || c == '$') {
      ++pos;
      continue;
    }
    if (is_digit(c) || (c == '.' && pos + 1 < s.size() && is_digit(s[pos + 1]))) {
      std::size_t end = pos;
      bool seen_point = false;
      while (end < s.size() && (is_digit(s[end]) || (s[end] == '.' && !seen_point && end + 1 < s.size() &&
                                                       is_digit(s[end + 1])))) {
        seen_point = seen_point || s[end] == '.';
        ++end;
      }
      tokens.push_back({TokenKind::Number, std::string(s.substr(pos, end - pos))});
      pos = end;
      continue;
    }
    if (is_alpha(c)) {
      tokens.push_back({TokenKind::Letter, std::string(1, c)});
      ++pos;
      continue;
    }
    if (c == '\\') {
      if (pos + 1 >= s.size()) throw UnparsableAnswer("a lone backslash ends the answer");
      const char next = s[pos + 1];
      if (!is_alpha(next)) {
        pos += 2;
        if (next == '{' || next == '}') tokens.push_back({TokenKind::Punct, std::string("\\") + next});
        else if (next == '\\') tokens.push_back({TokenKind::Punct, "\\\\"});
        else if (next == '%') tokens.push_back({TokenKind::Punct, "%"});
        else if (next == '|') tokens.push_back({TokenKind::Punct, "|"});
        // \, \; \! \: \  and \$ are spacing or currency: dropped.
        continue;
      }
      std::size_t end = pos + 1;
      while (end < s.size() && is_alpha(s[end])) ++end;
      std::string name(s.substr(pos + 1, end - pos - 1));
      pos = end;
      if (ignored_commands().count(name)) continue;
      if (name == "text" || name == "textbf" || name == "textit" || name == "mbox" || name == "mathrm" ||
          name == "textrm" || name == "mathbf" || name == "operatorname" || name == "textnormal") {
        while (pos < s.size() && s[pos] == ' ') ++pos;
        if (pos >= s.size() || s[pos] != '{') throw UnparsableAnswer("\\" + name + " without a {...} argument");
        std::string inside = read_braced(s, pos);
        tokens.push_back({name == "operatorname" ? TokenKind::Command : TokenKind::Text, inside});
        continue;
      }
      tokens.push_back({TokenKind::Command, name});
      continue;
    }
    if ((c == '<' || c == '>' || c == '!') && pos + 1 < s.size() && s[pos + 1] == '=') {
      tokens.push_back({TokenKind::Punct, std::string(1, c) + "="});
      pos += 2;
      continue;
    }
    static const std::string_view kPunct = "+-*/^_()[]{},=<>!|%;&:'";
    if (kPunct.find(c) != std::string_view::npos) {
      tokens.push_back({TokenKind::Punct, std::string(1, c)});
      ++pos;
      continue;
    }
    throw UnparsableAnswer(std::string("unexpected character '") + c + "' at offset " + std::to_string(pos));
  }
  tokens.push_back({TokenKind::End, ""});
  return tokens;
}

}  // namespace rbench::graders::math
