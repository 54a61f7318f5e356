// The tokenizer files of a make-tiny checkpoint (tokenizer.json + tokenizer_config.json with Phi-4's chat
// tokens), and the ids the model files must agree with.
#pragma once

#include <cstdint>
#include <filesystem>

namespace rbench::runtime {

struct TinyTokenizerIds {
  int32_t bos = 0;        // <|endoftext|>, also eos and pad
  int32_t end = 0;        // <|end|>, the chat turn end (first generation_config eos)
  int64_t vocab_size = 0; // rows the embedding needs
};

TinyTokenizerIds write_tiny_tokenizer_files(const std::filesystem::path& model_dir);

}  // namespace rbench::runtime
