// Streaming detokenization: token bytes accumulate until they end on a character boundary. Only a trailing,
// still-valid prefix of a multi-byte character is held back, so emitted pieces are exactly the lossy UTF-8
// decoding of everything so far, and their concatenation equals Tokenizer::decode of the whole sequence.
#include "runtime/tokenizer.h"
#include "runtime/tokenizer/utf8.h"

namespace rbench::runtime {

IncrementalDecoder::IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special)
    : tokenizer_(&tokenizer), skip_special_(skip_special) {}

std::string IncrementalDecoder::push(int32_t id) {
  const std::size_t before = pending_.size();
  tokenizer_->append_token_bytes(pending_, id, first_, skip_special_);
  if (pending_.size() > before) first_ = false;
  const std::size_t keep = tokenizer::incomplete_utf8_tail(pending_);
  std::string piece;
  tokenizer::append_utf8_lossy(piece, std::string_view(pending_).substr(0, pending_.size() - keep));
  pending_.erase(0, pending_.size() - keep);
  return piece;
}

std::string IncrementalDecoder::flush() {
  std::string piece;
  tokenizer::append_utf8_lossy(piece, pending_);
  pending_.clear();
  return piece;
}

}  // namespace rbench::runtime
