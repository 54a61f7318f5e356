// Splits a normalised LaTeX answer into tokens: numbers, single letters, commands (\frac, \pi), \text contents,
// and punctuation. Spacing commands are dropped here; anything outside printable ASCII is refused, so invalid
// UTF-8 or NUL bytes end as an UnparsableAnswer, never as undefined behaviour further on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rbench::graders::math {

enum class TokenKind { Number, Letter, Command, Text, Punct, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;  // Number: digits; Letter: the letter; Command: name without '\'; Text: content; Punct: the char
                     // (and the two-character forms "\{", "\}", "\\", "<=", ">=", "!=")
};

// Throws UnparsableAnswer on characters it cannot read.
std::vector<Token> tokenize_latex(std::string_view latex);

}  // namespace rbench::graders::math
