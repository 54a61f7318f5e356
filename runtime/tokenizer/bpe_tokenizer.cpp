// Encoding and decoding of BpeTokenizer, plus the non-virtual parts of the public Tokenizer.
#include "runtime/tokenizer/bpe_tokenizer.h"

#include <algorithm>
#include <stdexcept>

#include "runtime/tokenizer/utf8.h"

namespace rbench::runtime {

Tokenizer::~Tokenizer() = default;

std::string Tokenizer::decode_bytes(std::span<const int32_t> ids, bool skip_special) const {
  std::string bytes;
  for (const int32_t id : ids) append_token_bytes(bytes, id, bytes.empty(), skip_special);
  return bytes;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special) const {
  std::string text;
  tokenizer::append_utf8_lossy(text, decode_bytes(ids, skip_special));
  return text;
}

}  // namespace rbench::runtime

namespace rbench::runtime::tokenizer {

BpeTokenizer::BpeTokenizer(BpeModel model, SplitPattern split, AddedTokens added, std::string description)
    : model_(std::move(model)), split_(std::move(split)), added_(std::move(added)),
      description_(std::move(description)) {}

void BpeTokenizer::encode_ordinary(std::string_view text, std::vector<int32_t>& out) const {
  SplitPattern::Cursor cursor(split_, text);
  std::string_view piece;
  while (cursor.next(piece)) model_.encode_piece(piece, out);
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool allow_special) const {
  std::vector<int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  if (!allow_special || added_.empty()) {
    encode_ordinary(text, ids);
    return ids;
  }
  AddedTokens::Scanner scanner(added_, text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto match = scanner.next(pos);
    if (!match) break;
    encode_ordinary(text.substr(pos, match->start - pos), ids);
    ids.push_back(match->token->id);
    pos = match->end;
  }
  encode_ordinary(text.substr(pos), ids);
  return ids;
}

std::optional<int32_t> BpeTokenizer::token_id(std::string_view token) const {
  if (const AddedToken* added = added_.by_content(token)) return added->id;
  return model_.find(token);
}

int32_t BpeTokenizer::vocab_size() const { return std::max(model_.id_limit(), added_.id_limit()); }

bool BpeTokenizer::is_special(int32_t id) const {
  const AddedToken* added = added_.by_id(id);
  return added != nullptr && added->special;
}

void BpeTokenizer::append_token_bytes(std::string& out, int32_t id, bool, bool skip_special) const {
  if (const AddedToken* added = added_.by_id(id)) {
    if (!(skip_special && added->special)) out += added->content;
    return;
  }
  const std::string_view bytes = model_.bytes_of(id);
  if (bytes.empty()) {
    throw std::out_of_range("token id " + std::to_string(id) + " has no token in " + description_ +
                            " (vocab size " + std::to_string(vocab_size()) + ")");
  }
  out.append(bytes);
}

}  // namespace rbench::runtime::tokenizer
