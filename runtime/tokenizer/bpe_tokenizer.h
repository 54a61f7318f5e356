// The byte-level BPE tokenizer: added tokens found first (when asked), then the split pattern cuts the rest into
// pieces, and each piece's bytes go through the BPE model. Built by the tokenizer.json and .tiktoken readers.
#pragma once

#include <string>

#include "runtime/tokenizer.h"
#include "runtime/tokenizer/added_tokens.h"
#include "runtime/tokenizer/bpe_model.h"
#include "runtime/tokenizer/split_pattern.h"

namespace rbench::runtime::tokenizer {

class BpeTokenizer final : public Tokenizer {
 public:
  BpeTokenizer(BpeModel model, SplitPattern split, AddedTokens added, std::string description);

  std::vector<int32_t> encode(std::string_view text, bool allow_special = false) const override;
  std::optional<int32_t> token_id(std::string_view token) const override;
  int32_t vocab_size() const override;
  bool is_special(int32_t id) const override;
  void append_token_bytes(std::string& out, int32_t id, bool first, bool skip_special) const override;
  std::string description() const override { return description_; }

  const BpeModel& model() const { return model_; }
  const AddedTokens& added_tokens() const { return added_; }

 private:
  void encode_ordinary(std::string_view text, std::vector<int32_t>& out) const;

  BpeModel model_;
  SplitPattern split_;
  AddedTokens added_;
  std::string description_;
};

}  // namespace rbench::runtime::tokenizer
