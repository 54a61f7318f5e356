// Phi3's batched decode step on the GPU (bfloat16; head_dim 128 so decode attention runs its CUDA kernel; the fused
// add + RMSNorm, K/V append and SiLU gate kernels) against the per-sequence reference (Model::decode_step's default)
// on the same pool layout, with sequences planned short and long in one batch (original_max_position_embeddings 32:
// per-row RoPE factor sets chosen on the device); then the continuous batcher gives the same greedy and sampled
// tokens with CUDA graphs as without. RESULT line: the largest logit difference against the logits' spread.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "runtime/models/registry.h"
#include "runtime/scheduler/continuous_batcher.h"
#include "tests/runtime/test_support.h"

namespace rbench::runtime {
namespace {

std::vector<int32_t> sequence(int n, int vocab, int salt) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 131 + 17 * salt + 3) % vocab);
  return ids;
}

TEST(RuntimePhi3Gpu, BatchedDecodeStepAndGraphsMatchReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  TinyCheckpointOptions o;
  o.arch = "phi3";
  o.n_layers = 3;
  o.hidden = 768;
  o.n_heads = 6;  // head_dim 128 (the kernel's shape), 3 query heads per K/V head as in Phi-4-mini
  o.n_kv_heads = 2;
  o.intermediate = 1024;
  o.original_max_positions = 32;
  o.dtype = "bf16";
  o.seed = 7;
  o.write_tokenizer = false;
  auto model = load_model(test::tiny_checkpoint("phi3-gpu-batched", o), "cuda");
  const int vocab = static_cast<int>(model->vocab_size());
  const int64_t capacity = 96;
  StatePool batched(model->state_spec(), 6, capacity), reference(model->state_spec(), 6, capacity);
  // Slots 4 and 2 are planned short (<= 32 tokens: short factors), 1 and 0 long (96: long factors).
  std::vector<int64_t> slots = {4, 1, 2, 0}, positions = {7, 20, 3, 50}, planned = {30, 96, 32, 96};
  for (std::size_t b = 0; b < slots.size(); ++b) {
    const auto prompt = sequence(static_cast<int>(positions[b]), vocab, static_cast<int>(b));
    for (StatePool* pool : {&batched, &reference}) {
      SequenceState s = pool->open(slots[b], planned[b]);
      prefill_chunked(*model, s, prompt, 0, LogitsWanted::none);
    }
  }
  const auto dev = at::TensorOptions().dtype(at::kLong).device(at::kCUDA);
  double worst = 0.0, spread = 0.0;
  for (int step = 0; step < 22; ++step) {  // slot 4 ends at 29 tokens, slot 2 at 25: both stay short
    std::vector<int64_t> ids;
    for (std::size_t b = 0; b < slots.size(); ++b) ids.push_back((step * 37 + static_cast<int>(b) * 11 + 1) % vocab);
    const at::Tensor t_ids = at::tensor(ids, dev), t_slots = at::tensor(slots, dev), t_pos = at::tensor(positions, dev);
    const at::Tensor got = model->decode_step(batched, t_ids, t_slots, t_pos).cpu();
    const at::Tensor want = model->Model::decode_step(reference, t_ids, t_slots, t_pos).cpu();
    ASSERT_EQ(got.sizes(), want.sizes());
    worst = std::max(worst, (got - want).abs().max().item<double>());
    spread = std::max(spread, want.std().item<double>());
    for (auto& p : positions) ++p;
  }
  std::cout << "RESULT phi3 batched decode step vs per-sequence reference (bf16, 22 steps, short and long factor "
               "sets): max |diff| "
            << worst << " at logit std " << spread << "\n";
  EXPECT_GT(spread, 0.1);
  EXPECT_LT(worst, 0.1 * spread);

  std::vector<BatchJob> jobs;
  for (int i = 0; i < 9; ++i) {
    BatchJob job;
    job.prompt = sequence(5 + 4 * i, vocab, i);
    job.params.max_new_tokens = 10 + 3 * i;  // planned 15 .. 69 tokens: short and long sequences share batches
    job.params.ignore_eos = true;
    if (i % 3 == 1) job.params.temperature = 0.7, job.params.top_p = 0.95, job.params.seed = 17 + i;
    job.decode_piece = [](int32_t) { return std::string(); };
    jobs.push_back(job);
  }
  std::vector<std::vector<int32_t>> with_graphs(jobs.size()), eager(jobs.size());
  for (bool graphs : {true, false}) {
    StatePool pool(model->state_spec(), 5, capacity);
    ContinuousBatcher batcher(*model, pool, GenerationLimits{}, BatcherOptions{16, graphs});
    batcher.run(jobs, [&](std::size_t i, GenerationOutcome out) {
      EXPECT_NE(out.finish_reason, FinishReason::error) << out.error;
      (graphs ? with_graphs : eager)[i] = out.tokens;
    });
    if (graphs) EXPECT_GT(batcher.stats().graphs_captured, 0);
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    EXPECT_EQ(with_graphs[i].size(), static_cast<std::size_t>(jobs[i].params.max_new_tokens)) << "job " << i;
    EXPECT_EQ(with_graphs[i], eager[i]) << "job " << i;
  }
}

}  // namespace
}  // namespace rbench::runtime
