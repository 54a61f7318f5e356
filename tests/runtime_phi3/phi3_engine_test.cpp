// Phi3 through the shared engine (tokenizer, chat template, sampler, generation loop): greedy generation whose
// prompt + max_new_tokens passes original_max_position_embeddings runs with the long RoPE factors from its first
// token, so its tokens equal a greedy loop over the model with the sequence planned to that length.
#include <gtest/gtest.h>

#include "runtime/engine.h"
#include "runtime/models/registry.h"
#include "runtime/tokenizer.h"
#include "tests/runtime/test_support.h"

namespace rbench::runtime {
namespace {

TEST(RuntimePhi3Engine, GreedyGenerationPlansPromptPlusNewTokens) {
  TinyCheckpointOptions o;
  o.arch = "phi3";
  o.n_layers = 2;
  o.original_max_positions = 32;
  o.seed = 9;
  const auto dir = test::tiny_checkpoint("phi3-engine", o);
  EngineOptions e;
  e.model_dir = dir;
  auto engine = Engine::open(e);
  EXPECT_EQ(engine->info().architecture, "phi3");

  GenerationRequest request;
  request.id = 1;
  request.messages = {{"user", "What is two plus three? Think step by step."}};
  request.sampling.max_new_tokens = 24;
  request.sampling.ignore_eos = true;
  const std::vector<int32_t> prompt = engine->prompt_ids(request);
  ASSERT_LT(static_cast<int64_t>(prompt.size()), 32);
  ASSERT_GT(static_cast<int64_t>(prompt.size()) + 24, 32);  // the plan needs the long factors

  std::vector<Completion> done;
  engine->generate({request}, [&](Completion c) { done.push_back(std::move(c)); });
  ASSERT_EQ(done.size(), 1u);
  ASSERT_EQ(done[0].finish_reason, FinishReason::length) << done[0].error;
  ASSERT_EQ(done[0].tokens.size(), 24u);

  auto model = load_model(dir, "cpu");
  const int64_t n_sampleable = load_tokenizer(dir)->vocab_size();  // rows past it are padding the engine never samples
  ASSERT_LE(n_sampleable, model->vocab_size());
  SequenceState state = model->new_sequence();
  state.plan_length(static_cast<int64_t>(prompt.size()) + 24);
  at::Tensor logits = prefill_chunked(*model, state, prompt, 0, LogitsWanted::last);
  std::vector<int32_t> expected;
  for (int t = 0; t < 24; ++t) {
    expected.push_back(static_cast<int32_t>(logits[0].narrow(0, 0, n_sampleable).argmax().item<int64_t>()));
    if (t + 1 < 24) logits = prefill_chunked(*model, state, {expected.back()}, 0, LogitsWanted::last);
  }
  EXPECT_EQ(done[0].tokens, expected);
}

}  // namespace
}  // namespace rbench::runtime
