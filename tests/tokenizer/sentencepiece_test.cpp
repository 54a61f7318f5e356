// SentencePiece through our interface: a BPE and a unigram model trained here with libsentencepiece_train on
// benchmark text give the same ids as the library called directly, decode like the library, and stream exactly.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

std::vector<std::string> problem_texts() {
  std::ifstream in(std::filesystem::path(test::env_or_throw("RBENCH_TEST_DATA")) / "math500.jsonl");
  std::vector<std::string> texts;
  std::string line;
  while (std::getline(in, line)) texts.push_back(nlohmann::json::parse(line)["problem"].get<std::string>());
  return texts;
}

std::filesystem::path train(const std::string& model_type, const std::vector<std::string>& texts) {
  const auto dir = test::scratch_dir("sentencepiece_" + model_type);
  {
    std::ofstream corpus(dir / "corpus.txt");
    for (const auto& t : texts) corpus << t << "\n";
  }
  const auto prefix = dir / "model";
  const auto status = sentencepiece::SentencePieceTrainer::Train(
      "--input=" + (dir / "corpus.txt").string() + " --model_prefix=" + prefix.string() + " --model_type=" +
      model_type + " --vocab_size=400 --byte_fallback=true --character_coverage=0.9995 --minloglevel=2");
  if (!status.ok()) throw std::runtime_error("SentencePiece training failed: " + status.ToString());
  return prefix.string() + ".model";
}

void expect_same_as_library(const std::string& model_type) {
  const auto texts = problem_texts();
  ASSERT_GT(texts.size(), 100u);
  const auto model_path = train(model_type, texts);
  sentencepiece::SentencePieceProcessor library;
  ASSERT_TRUE(library.Load(model_path.string()).ok());
  const auto ours = load_tokenizer(model_path);
  EXPECT_EQ(ours->vocab_size(), library.GetPieceSize());

  std::vector<std::string> cases = texts;
  cases.push_back("  leading spaces, emoji 😀 and 日本語 (byte fallback)  ");
  cases.push_back("x");
  std::size_t mismatches = 0, decode_mismatches = 0;
  for (const auto& text : cases) {
    std::vector<int> want;
    ASSERT_TRUE(library.Encode(text, &want).ok());
    const auto got = ours->encode(text);
    if (std::vector<int>(got.begin(), got.end()) != want && ++mismatches <= 3) ADD_FAILURE() << "ids differ: " << text;
    std::string library_text;
    ASSERT_TRUE(library.Decode(want, &library_text).ok());
    std::string streamed;
    IncrementalDecoder decoder(*ours);
    for (const int32_t id : got) streamed += decoder.push(id);
    streamed += decoder.flush();
    if ((ours->decode(got) != library_text || streamed != library_text) && ++decode_mismatches <= 3) {
      ADD_FAILURE() << "decode differs: '" << ours->decode(got) << "' / streamed '" << streamed << "' vs '"
                    << library_text << "'";
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(decode_mismatches, 0u);
  // Control pieces: <s> / </s> only from text when asked, and never in decoded text.
  const int32_t eos = *ours->token_id("</s>");
  EXPECT_TRUE(ours->is_special(eos));
  const auto with_eos = ours->encode("two</s>", true);
  EXPECT_EQ(with_eos.back(), eos);
  EXPECT_EQ(ours->decode(with_eos), "two");
  EXPECT_NE(ours->encode("two</s>").back(), eos);
}

TEST(TokenizerSentencePiece, BpeModelMatchesTheLibrary) { expect_same_as_library("bpe"); }
TEST(TokenizerSentencePiece, UnigramModelMatchesTheLibrary) { expect_same_as_library("unigram"); }

TEST(TokenizerSentencePiece, NotAModelIsAnErrorNamingTheFile) {
  const auto dir = test::scratch_dir("sentencepiece_bad");
  std::ofstream(dir / "broken.model") << "not a protobuf";
  try {
    (void)load_tokenizer(dir / "broken.model");
    FAIL() << "a broken model must not load";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "broken.model").string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rbench::runtime
