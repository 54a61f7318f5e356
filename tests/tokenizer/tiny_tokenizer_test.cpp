// Tiny Phi-style tokenizers for test checkpoints: the reported vocabulary size, the id layout (bytes, learned
// merges, Phi's added tokens), that merges shorten the encoding, and that Hugging Face tokenizers reads the same
// file to the same ids.
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

const std::string kTrainingText =
    "Let $x$ be a real number such that $x^2 + 4x + 4 = 0$. Find $x$. The answer is $-2$. "
    "Let $y$ be a real number such that $y^2 = 9$. Find all $y$. The answers are $3$ and $-3$.";

TEST(TokenizerTiny, VocabularyLayoutAndSize) {
  const auto dir = test::scratch_dir("tiny_layout");
  write_tiny_tokenizer(dir, kTrainingText, 30);
  const auto tokenizer = load_tokenizer(dir);
  const int32_t n = tokenizer->vocab_size();
  EXPECT_EQ(tiny_tokenizer_vocab_size(dir), n);
  EXPECT_EQ(n, 256 + 30 + 12);  // the text repeats enough pairs for 30 merges
  EXPECT_EQ(tokenizer->token_id("<|endoftext|>"), n - 12);
  EXPECT_EQ(tokenizer->token_id("<|end|>"), n - 9);
  EXPECT_EQ(tokenizer->token_id("<|user|>"), n - 8);
  EXPECT_EQ(tokenizer->token_id("<|tag|>"), n - 1);
  EXPECT_EQ(tokenizer->token_id("a"), static_cast<int32_t>('a'));
  EXPECT_TRUE(tokenizer->is_special(n - 9));
  EXPECT_FALSE(tokenizer->is_special(n - 6));  // <|tool|> is an added token but not special
  EXPECT_EQ(ChatTemplate::for_model(dir).name(), "phi4-flash");
}

TEST(TokenizerTiny, MergesShortenTheEncodingAndRoundTrip) {
  const auto bytes_only = test::scratch_dir("tiny_bytes");
  const auto merged = test::scratch_dir("tiny_merged");
  write_tiny_tokenizer(bytes_only, kTrainingText, 0);
  write_tiny_tokenizer(merged, kTrainingText, 60);
  const auto a = load_tokenizer(bytes_only), b = load_tokenizer(merged);
  EXPECT_EQ(a->vocab_size(), 256 + 12);
  EXPECT_EQ(a->encode(kTrainingText).size(), kTrainingText.size());
  EXPECT_LT(b->encode(kTrainingText).size(), kTrainingText.size() * 2 / 3);
  EXPECT_EQ(b->decode(b->encode(kTrainingText)), kTrainingText);
  const std::string unseen = "Ünïcödé 😀 text it never saw";
  EXPECT_EQ(b->decode(b->encode(unseen)), unseen);
}

TEST(TokenizerTiny, HuggingFaceTokenizersReadsTheSameIds) {
  const auto dir = test::scratch_dir("tiny_hf");
  write_tiny_tokenizer(dir, kTrainingText, 50);
  const auto tokenizer = load_tokenizer(dir);
  const std::vector<std::string> texts = {kTrainingText, "<|user|>  Find $x$.<|end|><|assistant|>", "  x\n\n y  "};
  {
    std::ofstream texts_file(dir / "texts.jsonl");
    for (const auto& t : texts) texts_file << nlohmann::json{{"text", t}}.dump() << "\n";
  }
  const std::string script = test::env_or_throw("RBENCH_SOURCE_DIR") + "/scripts/reference/tokenizer_hf_ids.py";
  const std::string output = test::run_command(test::env_or_throw("RBENCH_PYTHON") + " " + script + " " +
                                               (dir / "tokenizer.json").string() + " < " + (dir / "texts.jsonl").string());
  std::istringstream lines(output);
  std::string line;
  for (const auto& text : texts) {
    ASSERT_TRUE(std::getline(lines, line)) << output;
    const std::vector<int32_t> hf = nlohmann::json::parse(line)["ids"];
    EXPECT_EQ(tokenizer->encode(text, true), hf) << text;
  }
}

}  // namespace
}  // namespace rbench::runtime
