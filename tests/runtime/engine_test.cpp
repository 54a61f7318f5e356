// The engine end to end on a tiny checkpoint written by make-tiny (with tokenizer files): chat prompt,
// streaming, reproducible seeds, model info, and a failing request that becomes an error completion.
#include <gtest/gtest.h>

#include "runtime/engine.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

class RuntimeEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TinyCheckpointOptions o;
    o.seed = 5;
    dir_ = new std::filesystem::path(test::tiny_checkpoint("engine", o));
    EngineOptions e;
    e.model_dir = *dir_;
    engine_ = Engine::open(e).release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    delete dir_;
  }
  static std::vector<Completion> run(std::vector<GenerationRequest> requests, std::map<uint64_t, std::string>* streamed = nullptr) {
    std::vector<Completion> done;
    engine_->generate(std::move(requests), [&](Completion c) { done.push_back(std::move(c)); },
                      [&](uint64_t id, std::string_view piece) {
                        if (streamed) (*streamed)[id] += piece;
                      });
    return done;
  }
  static GenerationRequest chat(uint64_t id, uint64_t seed, double temperature) {
    GenerationRequest r;
    r.id = id;
    r.messages = {{"user", "What is 3 + 4?"}};
    r.sampling.temperature = temperature;
    r.sampling.seed = seed;
    r.sampling.max_new_tokens = 12;
    r.sampling.ignore_eos = true;
    return r;
  }
  static inline std::filesystem::path* dir_ = nullptr;
  static inline Engine* engine_ = nullptr;
};

TEST_F(RuntimeEngine, InfoDescribesTheModel) {
  const auto& info = engine_->info();
  EXPECT_EQ(info.architecture, "phi4flash");
  EXPECT_EQ(info.config_sha256.size(), 64u);
  EXPECT_EQ(info.weights_sha256.size(), 64u);
  EXPECT_EQ(info.dtype, "float32");
  EXPECT_GT(info.n_params, 100000);
}

TEST_F(RuntimeEngine, GeneratesReproduciblyAndStreams) {
  std::map<uint64_t, std::string> streamed;
  auto done = run({chat(1, 7, 0.8), chat(2, 7, 0.8), chat(3, 8, 0.8), chat(4, 0, 0.0)}, &streamed);
  ASSERT_EQ(done.size(), 4u);
  for (const auto& c : done) {
    EXPECT_EQ(c.finish_reason, FinishReason::length) << c.error;
    EXPECT_EQ(c.tokens.size(), 12u);
    EXPECT_GT(c.n_prompt_tokens, 3);
    EXPECT_EQ(streamed[c.id], c.text);
  }
  EXPECT_EQ(done[0].tokens, done[1].tokens);  // same seed
  EXPECT_NE(done[0].tokens, done[2].tokens);  // another seed
  const auto prompt = engine_->prompt_ids(chat(1, 0, 0));
  EXPECT_EQ(done[0].n_prompt_tokens, static_cast<int32_t>(prompt.size()));
}

TEST_F(RuntimeEngine, FailingRequestIsAnErrorCompletionAndOthersRun) {
  GenerationRequest bad;
  bad.id = 9;
  bad.prompt_ids = {1, 2, 1 << 20};  // outside the vocabulary
  GenerationRequest good = chat(10, 1, 0.0);
  auto done = run({bad, good});
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].finish_reason, FinishReason::error);
  EXPECT_NE(done[0].error.find("outside the vocabulary"), std::string::npos) << done[0].error;
  EXPECT_EQ(done[1].finish_reason, FinishReason::length);
}

}  // namespace
}  // namespace rbench::runtime
