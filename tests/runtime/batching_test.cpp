// Continuous batching against its plain references, on tiny random checkpoints (float32, CPU):
// - each architecture's batched decode step (one op per block, state addressed by slot) equals Model's default
//   decode_step (forward() on each sequence over views of its slot), for every layout, with non-monotone slots,
//   sequences of different lengths, sliding windows that wrap, and a slot reused by a new sequence;
// - the continuous batcher (more requests than slots, greedy and sampled, different lengths and stop reasons)
//   gives every request exactly the tokens run_generation gives it alone.
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/models/registry.h"
#include "runtime/scheduler/continuous_batcher.h"
#include "runtime/scheduler/generation.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

struct BatchCase {
  std::string name, arch, layout;
  bool differential;
  int64_t heads, kv_heads;
  bool tied = true;                        // phi3: tied embeddings
  int64_t original_max_positions = 4096;  // phi3: sequences planned longer use the long RoPE factors
};

void PrintTo(const BatchCase& c, std::ostream* out) { *out << c.name; }

class RuntimeBatching : public ::testing::TestWithParam<BatchCase> {};

std::unique_ptr<Model> tiny_model(const BatchCase& c, const std::string& tag) {
  TinyCheckpointOptions o;
  o.arch = c.arch;
  o.layout = c.layout;
  o.differential = c.differential;
  o.n_heads = c.heads;
  o.n_kv_heads = c.kv_heads;
  o.tie_embeddings = c.tied;
  o.original_max_positions = c.original_max_positions;
  o.window = 8;
  o.seed = 5;
  o.write_tokenizer = false;
  return load_model(test::tiny_checkpoint(tag + "-" + c.name, o), "cpu");
}

std::vector<int32_t> sequence(int n, int vocab, int salt) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 131 + 17 * salt + 3) % vocab);
  return ids;
}

at::Tensor longs(const std::vector<int64_t>& v) { return at::tensor(v, at::kLong); }

// Sequences in `slots` with prompts of `positions` tokens (the window is 8) decode `steps` steps batched and through
// the per-sequence reference; halfway, the sequence in the second slot leaves and a new one of 3 tokens takes it.
void expect_decode_steps_match(Model& model, std::vector<int64_t> slots, std::vector<int64_t> positions, int steps) {
  const int vocab = static_cast<int>(model.vocab_size());
  const int64_t capacity = 64;
  const int64_t n_slots = *std::max_element(slots.begin(), slots.end()) + 2;
  StatePool batched(model.state_spec(), n_slots, capacity), reference(model.state_spec(), n_slots, capacity);
  for (std::size_t b = 0; b < slots.size(); ++b) {
    const auto prompt = sequence(static_cast<int>(positions[b]), vocab, static_cast<int>(b));
    for (StatePool* pool : {&batched, &reference}) {
      SequenceState s = pool->open(slots[b], capacity);
      prefill_chunked(model, s, prompt, 0, LogitsWanted::none);
    }
  }
  for (int step = 0; step < steps; ++step) {
    if (step == steps / 2) {
      const auto prompt = sequence(3, vocab, 9);
      for (StatePool* pool : {&batched, &reference}) {
        SequenceState s = pool->open(slots[1], capacity);
        prefill_chunked(model, s, prompt, 0, LogitsWanted::none);
      }
      positions[1] = 3;
    }
    std::vector<int64_t> ids;
    for (std::size_t b = 0; b < slots.size(); ++b) ids.push_back((step * 37 + static_cast<int>(b) * 11 + 1) % vocab);
    const at::Tensor got = model.decode_step(batched, longs(ids), longs(slots), longs(positions));
    const at::Tensor want = model.Model::decode_step(reference, longs(ids), longs(slots), longs(positions));
    ASSERT_EQ(got.sizes(), want.sizes());
    ASSERT_GT(want.std().item<double>(), 0.1);
    ASSERT_LT((got - want).abs().max().item<double>(), 1e-4) << "step " << step << ", " << slots.size() << " rows";
    for (auto& p : positions) ++p;
  }
}

TEST_P(RuntimeBatching, DecodeStepEqualsPerSequenceReference) {
  auto model = tiny_model(GetParam(), "step");
  // Two sequences (the skinny fused linears) in slots 3 and 0, then three in slots 3, 0, 2 (matrix products),
  // with prompts of 5, 11 and 20 tokens.
  expect_decode_steps_match(*model, {3, 0}, {5, 11}, 14);
  expect_decode_steps_match(*model, {3, 0, 2}, {5, 11, 20}, 14);
  // Ten: the residual add folded into the next LayerNorm across many rows.
  expect_decode_steps_match(*model, {9, 0, 2, 4, 1, 3, 5, 6, 7, 8}, {5, 11, 20, 2, 9, 13, 1, 7, 16, 4}, 6);
}

TEST_P(RuntimeBatching, ContinuousBatcherGivesEachRequestItsOwnTokens) {
  auto model = tiny_model(GetParam(), "batcher");
  const int vocab = static_cast<int>(model->vocab_size());
  const PieceDecoder piece = [](int32_t id) { return std::to_string(id) + " "; };
  GenerationLimits limits;
  limits.eos_ids = {7};
  limits.prefill_chunk = 6;
  std::vector<BatchJob> jobs;
  for (int i = 0; i < 7; ++i) {
    BatchJob job;
    job.prompt = sequence(3 + 4 * i, vocab, i);
    job.params.max_new_tokens = 5 + 3 * i;
    job.params.seed = 100 + static_cast<uint64_t>(i);
    if (i % 2 == 1) {
      job.params.temperature = 0.9;
      job.params.top_p = 0.9;
      job.params.top_k = i == 3 ? 20 : 0;
    }
    if (i == 5) job.params.stop = {"1"};  // a stop string some tokens will contain
    job.decode_piece = piece;
    jobs.push_back(job);
  }
  StatePool pool(model->state_spec(), 4, 64);  // 3 sequences at a time + the scratch slot
  ContinuousBatcher batcher(*model, pool, limits, BatcherOptions{6, true});
  std::vector<std::optional<GenerationOutcome>> got(jobs.size());
  batcher.run(jobs, [&](std::size_t i, GenerationOutcome out) {
    ASSERT_FALSE(got[i].has_value()) << "job " << i << " finished twice";
    got[i] = std::move(out);
  });
  EXPECT_EQ(batcher.stats().max_in_flight, 3);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_TRUE(got[i].has_value()) << "job " << i << " never finished";
    const GenerationOutcome alone = run_generation(*model, jobs[i].prompt, jobs[i].params, limits, piece);
    EXPECT_EQ(got[i]->tokens, alone.tokens) << "job " << i;
    EXPECT_EQ(got[i]->text, alone.text) << "job " << i;
    EXPECT_EQ(got[i]->finish_reason, alone.finish_reason) << "job " << i;
  }
}

TEST(RuntimeBatchingErrors, OversizedRequestFailsAloneOthersFinish) {
  auto model = tiny_model(BatchCase{"sambay", "phi4flash", "sambay", true, 4, 2}, "errors");
  GenerationLimits limits;
  std::vector<BatchJob> jobs(3);
  for (auto& j : jobs) {
    j.prompt = {1, 2, 3};
    j.params.max_new_tokens = 4;
    j.decode_piece = [](int32_t) { return std::string("x"); };
  }
  jobs[1].params.max_new_tokens = 100;  // 103 tokens do not fit a slot of 32
  jobs[2].prompt.clear();
  StatePool pool(model->state_spec(), 3, 32);
  ContinuousBatcher batcher(*model, pool, limits, BatcherOptions{});
  std::vector<GenerationOutcome> got(3);
  batcher.run(jobs, [&](std::size_t i, GenerationOutcome out) { got[i] = std::move(out); });
  EXPECT_EQ(got[0].finish_reason, FinishReason::length);
  EXPECT_EQ(got[0].tokens.size(), 4u);
  EXPECT_EQ(got[1].finish_reason, FinishReason::error);
  EXPECT_NE(got[1].error.find("exceed the 32 tokens"), std::string::npos) << got[1].error;
  EXPECT_EQ(got[2].finish_reason, FinishReason::error);
  EXPECT_EQ(got[2].error, "empty prompt");
}

INSTANTIATE_TEST_SUITE_P(Layouts, RuntimeBatching,
                         ::testing::Values(BatchCase{"sambay_diff_r2", "phi4flash", "sambay", true, 4, 2},
                                           BatchCase{"sambay_diff_r1", "phi4flash", "sambay", true, 4, 4},
                                           BatchCase{"sambay_plain_r4", "phi4flash", "sambay", false, 8, 2},
                                           BatchCase{"samba_diff", "phi4flash", "samba", true, 4, 2},
                                           BatchCase{"sambayoco_diff", "phi4flash", "sambayoco", true, 4, 2},
                                           // Phi3: slots of 64 planned tokens; the batcher plans 8 .. 50 tokens, so
                                           // with original_max_positions 32 or 20 its batches mix short and long
                                           // factor sets, with 64 every sequence is short.
                                           BatchCase{"phi3_short_gqa2_tied", "phi3", "", false, 4, 2, true, 64},
                                           BatchCase{"phi3_long_gqa4_untied", "phi3", "", false, 4, 1, false, 32},
                                           BatchCase{"phi3_long_mha_tied", "phi3", "", false, 4, 4, true, 20}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rbench::runtime
