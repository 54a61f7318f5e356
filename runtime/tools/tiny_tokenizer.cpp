// Tokenizer files for make-tiny through the tokenizer component's tiny BPE writer; see tiny_tokenizer.h.
#include "runtime/tools/tiny_tokenizer.h"

#include <stdexcept>

#include "runtime/tokenizer.h"

namespace rbench::runtime {

namespace {

// Enough English and arithmetic for a few hundred merges that make generated text look like words.
constexpr const char* kTrainingText =
    "Please reason step by step, and put your final answer within \\boxed{}. "
    "What is the sum of the first ten positive integers? The answer is 55. "
    "Let x be a real number such that 3x + 4 = 19. Then 3x = 15, so x = 5. "
    "The quick brown fox jumps over the lazy dog. A triangle has three sides and three angles. "
    "<think> First, we compute the product. Therefore the result is 42. </think> ";

int32_t required_id(const Tokenizer& tokenizer, const char* token) {
  auto id = tokenizer.token_id(token);
  if (!id) throw std::runtime_error(std::string("make-tiny: the tiny tokenizer has no ") + token + " token");
  return *id;
}

}  // namespace

TinyTokenizerIds write_tiny_tokenizer_files(const std::filesystem::path& model_dir) {
  write_tiny_tokenizer(model_dir, kTrainingText, 200);
  auto tokenizer = load_tokenizer(model_dir);
  TinyTokenizerIds ids;
  ids.bos = required_id(*tokenizer, "<|endoftext|>");
  ids.end = required_id(*tokenizer, "<|end|>");
  ids.vocab_size = tokenizer->vocab_size();
  return ids;
}

}  // namespace rbench::runtime
