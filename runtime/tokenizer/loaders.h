// The readers behind load_tokenizer(), one per file format. Each throws std::runtime_error whose message
// starts with the file's path and names the offending line, entry or field.
#pragma once

#include <filesystem>
#include <memory>

#include "runtime/tokenizer.h"

namespace rbench::runtime::tokenizer {

// <encoding>.tiktoken: "base64-token rank" per line; the file name picks the split pattern and special tokens.
std::unique_ptr<Tokenizer> load_tiktoken_file(const std::filesystem::path& path);
// Hugging Face tokenizer.json with a byte-level BPE model.
std::unique_ptr<Tokenizer> load_tokenizer_json(const std::filesystem::path& path);
// SentencePiece .model (protobuf), through libsentencepiece.
std::unique_ptr<Tokenizer> load_sentencepiece_model(const std::filesystem::path& path);

}  // namespace rbench::runtime::tokenizer
