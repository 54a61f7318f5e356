// Added tokens: whole strings such as "<|end|>" that map to one id and are found in the text before
// pre-tokenization (leftmost match first, the longest at one position). Hugging Face's flags are kept: a
// special token is left out by decode(skip_special); lstrip / rstrip make the match swallow the whitespace on its
// left / right. Only used when the caller asks for added tokens: plain text never turns into them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rbench::runtime::tokenizer {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = true;
  bool lstrip = false;
  bool rstrip = false;
};

class AddedTokens {
 public:
  AddedTokens() = default;
  explicit AddedTokens(std::vector<AddedToken> tokens);
  // Moving keeps the index valid (it points into tokens_'s buffer); copying would not.
  AddedTokens(AddedTokens&&) noexcept = default;
  AddedTokens& operator=(AddedTokens&&) noexcept = default;
  AddedTokens(const AddedTokens&) = delete;
  AddedTokens& operator=(const AddedTokens&) = delete;

  struct Match {
    std::size_t start;   // where the swallowed whitespace (lstrip) or the token begins
    std::size_t end;     // past the token and the swallowed whitespace (rstrip)
    const AddedToken* token;
  };
  // Finds the added tokens of one text from left to right. It remembers where each token next occurs, so a text
  // with many added tokens is scanned once per token content, not once per match.
  class Scanner {
   public:
    Scanner(const AddedTokens& tokens, std::string_view text);
    // The first added token at or after `from` (never starting before `from`, also with lstrip).
    std::optional<Match> next(std::size_t from);

   private:
    const AddedTokens* tokens_;
    std::string_view text_;
    std::vector<std::size_t> next_at_;  // per token: its next occurrence at or after the last `from`
  };

  const AddedToken* by_id(int32_t id) const;
  const AddedToken* by_content(std::string_view content) const;
  const std::vector<AddedToken>& all() const { return tokens_; }
  bool empty() const { return tokens_.empty(); }
  int32_t id_limit() const;  // one past the highest id, 0 when empty

 private:
  std::vector<AddedToken> tokens_;
  std::vector<const AddedToken*> by_id_;  // index: id - min_id_
  int32_t min_id_ = 0;
};

// Unicode White_Space length at text[pos] (0 when the character there is not whitespace).
std::size_t whitespace_length_at(std::string_view text, std::size_t pos);
// Length of the whitespace run that ends exactly at `end`.
std::size_t whitespace_length_before(std::string_view text, std::size_t end);

}  // namespace rbench::runtime::tokenizer
