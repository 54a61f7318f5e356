// Fuzz target: Hugging Face tokenizer.json loading (model, merges, added tokens, pre-tokenizer pattern) on
// arbitrary bytes; a tokenizer that loads then encodes and decodes a fixed text with special tokens and
// invalid UTF-8, so a bad vocabulary that loads cannot crash later.
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_input_file.h"
#include "runtime/tokenizer/loaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = rbench::fuzz::write_input_file("tokenizer.json", data, size);
  try {
    auto tokenizer = rbench::runtime::tokenizer::load_tokenizer_json(path);
    const std::string text = "Hello <|endoftext|> w\xc3\xb6rld \xff\xfe 12345 \\boxed{x}";
    auto ids = tokenizer->encode(text, true);
    (void)tokenizer->decode(ids);
  } catch (const std::exception&) {
  }
  return 0;
}
