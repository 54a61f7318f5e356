// Finding added tokens in text. There are a handful of them, so a search per token content is enough; the
// earliest start wins and, at one position, the longest content.
#include "runtime/tokenizer/added_tokens.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/tokenizer/utf8.h"

namespace rbench::runtime::tokenizer {
namespace {

bool is_white_space(char32_t c) {
  // Unicode's White_Space property (PropList.txt).
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

char32_t code_point_at(std::string_view s, std::size_t pos, std::size_t length) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (length == 1) return b0;
  char32_t cp = b0 & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
  return cp;
}

}  // namespace

std::size_t whitespace_length_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const std::size_t length = valid_utf8_char_length(text, pos);
  if (length == 0) return 0;
  return is_white_space(code_point_at(text, pos, length)) ? length : 0;
}

std::size_t whitespace_length_before(std::string_view text, std::size_t end) {
  std::size_t start = end;
  while (start > 0) {
    // Step back to the start of the previous character (at most 4 bytes back).
    std::size_t prev = start - 1;
    while (prev > 0 && start - prev < 4 && (static_cast<unsigned char>(text[prev]) & 0xC0) == 0x80) --prev;
    const std::size_t length = whitespace_length_at(text, prev);
    if (length == 0 || prev + length != start) break;
    start = prev;
  }
  return end - start;
}

AddedTokens::AddedTokens(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)) {
  if (tokens_.empty()) return;
  int32_t min_id = tokens_[0].id, max_id = tokens_[0].id;
  for (const auto& t : tokens_) {
    if (t.content.empty()) throw std::invalid_argument("added token " + std::to_string(t.id) + " has no content");
    min_id = std::min(min_id, t.id);
    max_id = std::max(max_id, t.id);
  }
  min_id_ = min_id;
  by_id_.assign(static_cast<std::size_t>(max_id - min_id) + 1, nullptr);
  for (const auto& t : tokens_) by_id_[t.id - min_id_] = &t;
}

AddedTokens::Scanner::Scanner(const AddedTokens& tokens, std::string_view text)
    : tokens_(&tokens), text_(text), next_at_(tokens.tokens_.size(), 0) {
  for (std::size_t k = 0; k < next_at_.size(); ++k) next_at_[k] = text_.find(tokens.tokens_[k].content);
}

std::optional<AddedTokens::Match> AddedTokens::Scanner::next(std::size_t from) {
  const auto& tokens = tokens_->tokens_;
  const AddedToken* best = nullptr;
  std::size_t best_pos = std::string_view::npos;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (next_at_[k] != std::string_view::npos && next_at_[k] < from) next_at_[k] = text_.find(tokens[k].content, from);
    const std::size_t pos = next_at_[k];
    if (pos == std::string_view::npos) continue;
    if (pos < best_pos || (pos == best_pos && tokens[k].content.size() > best->content.size())) {
      best = &tokens[k];
      best_pos = pos;
    }
  }
  if (best == nullptr) return std::nullopt;
  Match m{best_pos, best_pos + best->content.size(), best};
  if (best->lstrip) m.start -= whitespace_length_before(text_.substr(from), best_pos - from);
  if (best->rstrip) {
    while (const std::size_t n = whitespace_length_at(text_, m.end)) m.end += n;
  }
  return m;
}

const AddedToken* AddedTokens::by_id(int32_t id) const {
  if (by_id_.empty() || id < min_id_ || id - min_id_ >= static_cast<int32_t>(by_id_.size())) return nullptr;
  return by_id_[id - min_id_];
}

const AddedToken* AddedTokens::by_content(std::string_view content) const {
  for (const auto& t : tokens_) {
    if (t.content == content) return &t;
  }
  return nullptr;
}

int32_t AddedTokens::id_limit() const { return by_id_.empty() ? 0 : min_id_ + static_cast<int32_t>(by_id_.size()); }

}  // namespace rbench::runtime::tokenizer
