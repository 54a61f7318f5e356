// GPU tests (registered only with -DRBENCH_GPU_TESTS=ON, run on an H100): CUDA bfloat16 against CPU float32 on
// the same checkpoint within bf16 tolerance, greedy generations equal for the first tokens, and random weights
// at the real Phi-4-mini-flash shape (3.85B parameters, bf16) loaded and generating a few hundred tokens, with
// peak GPU memory and tokens/s printed as a RESULT line for docs/PERFORMANCE.md.
#include <ATen/Context.h>
#include <ATen/DeviceAccelerator.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/models/registry.h"
#include "runtime/models/sambay.h"
#include "runtime/scheduler/continuous_batcher.h"
#include "runtime/scheduler/generation.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

std::vector<int32_t> sequence(int n, int vocab) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 131 + 17) % vocab);
  return ids;
}

std::string no_text(int32_t) { return ""; }

TEST(RuntimeGpu, CudaBf16MatchesCpuF32) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  TinyCheckpointOptions o;
  o.hidden = 128;
  o.n_heads = 8;
  o.n_kv_heads = 4;
  o.intermediate = 256;
  o.window = 16;
  o.dtype = "bf16";
  o.write_tokenizer = false;
  const auto dir = test::tiny_checkpoint("gpu-parity", o);
  auto cpu = load_model(dir, "cpu");
  auto gpu = load_model(dir, "cuda");
  EXPECT_EQ(gpu->dtype_name(), "bfloat16");
  const auto ids = sequence(80, static_cast<int>(cpu->vocab_size()));  // 5x the window

  SequenceState s_cpu = cpu->new_sequence(), s_gpu = gpu->new_sequence(), s_step = gpu->new_sequence();
  at::Tensor ref = prefill_chunked(*cpu, s_cpu, ids, 0, LogitsWanted::all);
  at::Tensor got = prefill_chunked(*gpu, s_gpu, ids, 0, LogitsWanted::all).cpu();
  std::vector<at::Tensor> rows;
  for (int32_t id : ids) rows.push_back(prefill_chunked(*gpu, s_step, {id}, 0, LogitsWanted::all).cpu());
  at::Tensor stepwise = at::cat(rows, 0);
  const double max_diff = (got - ref).abs().max().item<double>();
  const double mean_diff = (got - ref).abs().mean().item<double>();
  const double step_diff = (stepwise - ref).abs().max().item<double>();
  std::cout << "cuda bf16 vs cpu f32: max " << max_diff << " mean " << mean_diff << " stepwise max " << step_diff
            << " (logit std " << ref.std().item<double>() << ")\n";
  // Same relative tolerances as RuntimeBf16 (the CPU run of these numerics).
  const double spread = ref.std().item<double>();
  EXPECT_LT(max_diff, 0.25 * spread);
  EXPECT_LT(mean_diff, 0.03 * spread);
  EXPECT_LT(step_diff, 0.25 * spread);

  // Greedy continuations agree; a divergence is only acceptable where the CPU's top-2 margin is within bf16 noise.
  SamplingParams greedy;
  greedy.max_new_tokens = 16;
  const std::vector<int32_t> prompt(ids.begin(), ids.begin() + 40);
  auto a = run_generation(*cpu, prompt, greedy, GenerationLimits{}, no_text);
  auto b = run_generation(*gpu, prompt, greedy, GenerationLimits{}, no_text);
  std::size_t same = 0;
  while (same < a.tokens.size() && a.tokens[same] == b.tokens[same]) ++same;
  std::cout << "greedy tokens equal for the first " << same << " of " << a.tokens.size() << "\n";
  if (same < 8) {
    std::vector<int32_t> context = prompt;
    context.insert(context.end(), a.tokens.begin(), a.tokens.begin() + static_cast<std::ptrdiff_t>(same));
    SequenceState s = cpu->new_sequence();
    at::Tensor top2 = std::get<0>(prefill_chunked(*cpu, s, context, 0, LogitsWanted::last)[0].topk(2));
    EXPECT_LT((top2[0] - top2[1]).item<double>(), 2 * max_diff) << "diverged at a clear argmax";
  }
}

// The batched decode step (fused CUDA kernels: decode attention with head_dim 64, slot-indexed Mamba steps, add +
// LayerNorm, SiLU gates) against the per-sequence reference on the same pool layout, bf16 on the GPU; then the
// continuous batcher with CUDA graphs gives the same greedy tokens as without.
TEST(RuntimeGpu, BatchedDecodeStepAndGraphsMatchReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  TinyCheckpointOptions o;
  o.hidden = 256;
  o.n_heads = 4;  // head_dim 64: the kernel's shape
  o.n_kv_heads = 2;
  o.intermediate = 512;
  o.window = 16;
  o.dtype = "bf16";
  o.write_tokenizer = false;
  auto model = load_model(test::tiny_checkpoint("gpu-batched", o), "cuda");
  const int vocab = static_cast<int>(model->vocab_size());
  const int64_t capacity = 128;
  // Two sequences take the skinny fused linears; four and ten the matrix products (past kSkinnyMaxRows).
  const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> batches = {
      {{4, 1}, {7, 20}},
      {{4, 1, 2, 0}, {7, 20, 33, 50}},
      {{4, 1, 2, 0, 9, 5, 6, 3, 8, 7}, {7, 20, 33, 50, 3, 12, 41, 9, 27, 64}}};
  for (auto [slots, positions] : batches) {
    StatePool batched(model->state_spec(), 11, capacity), reference(model->state_spec(), 11, capacity);
    for (std::size_t b = 0; b < slots.size(); ++b) {
      const auto prompt = sequence(static_cast<int>(positions[b]) + static_cast<int>(b), vocab);
      const std::vector<int32_t> head(prompt.begin(), prompt.begin() + positions[b]);
      for (StatePool* pool : {&batched, &reference}) {
        SequenceState s = pool->open(slots[b], capacity);
        prefill_chunked(*model, s, head, 0, LogitsWanted::none);
      }
    }
    const auto dev = at::TensorOptions().dtype(at::kLong).device(at::kCUDA);
    double worst = 0.0, spread = 0.0;
    for (int step = 0; step < 24; ++step) {
      std::vector<int64_t> ids;
      for (std::size_t b = 0; b < slots.size(); ++b) ids.push_back((step * 37 + static_cast<int>(b) * 11 + 1) % vocab);
      const at::Tensor t_ids = at::tensor(ids, dev), t_slots = at::tensor(slots, dev);
      const at::Tensor t_pos = at::tensor(positions, dev);
      const at::Tensor got = model->decode_step(batched, t_ids, t_slots, t_pos).cpu();
      const at::Tensor want = model->Model::decode_step(reference, t_ids, t_slots, t_pos).cpu();
      worst = std::max(worst, (got - want).abs().max().item<double>());
      spread = std::max(spread, want.std().item<double>());
      for (auto& p : positions) ++p;
    }
    std::cout << "RESULT batched decode step vs per-sequence reference (bf16, " << slots.size()
              << " sequences, 24 steps): max |diff| " << worst << " at logit std " << spread << "\n";
    EXPECT_GT(spread, 0.1);
    EXPECT_LT(worst, 0.1 * spread);
  }

  std::vector<BatchJob> jobs;
  for (int i = 0; i < 9; ++i) {
    BatchJob job;
    job.prompt = sequence(5 + 7 * i, vocab);
    job.params.max_new_tokens = 20 + 3 * i;
    job.params.ignore_eos = true;
    if (i % 3 == 1) job.params.temperature = 0.7, job.params.top_p = 0.95, job.params.seed = 17 + i;
    job.decode_piece = no_text;
    jobs.push_back(job);
  }
  std::vector<std::vector<int32_t>> with_graphs(jobs.size()), eager(jobs.size());
  for (bool graphs : {true, false}) {
    StatePool pool(model->state_spec(), 6, capacity);
    ContinuousBatcher batcher(*model, pool, GenerationLimits{}, BatcherOptions{16, graphs});
    batcher.run(jobs, [&](std::size_t i, GenerationOutcome out) {
      EXPECT_NE(out.finish_reason, FinishReason::error) << out.error;
      (graphs ? with_graphs : eager)[i] = out.tokens;
    });
    if (graphs) EXPECT_GT(batcher.stats().graphs_captured, 0);
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) EXPECT_EQ(with_graphs[i], eager[i]) << "job " << i;
}

// Continuous batching at the real shape: 64 requests of 512 prompt tokens generating 128 each, with CUDA graphs;
// decode tokens/s of all sequences together as a RESULT line (the full table comes from rbench bench).
TEST(RuntimeGpu, FullSizeContinuousBatchingThroughput) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto dir = test::temp_dir("gpu-full-size-batched");
  nlohmann::json config = {{"model_type", "phi4flash"}, {"hidden_size", 2560}, {"intermediate_size", 10240},
                           {"num_hidden_layers", 32}, {"num_attention_heads", 40}, {"num_key_value_heads", 20},
                           {"vocab_size", 200064}, {"sliding_window", 512}, {"mb_per_layer", 2},
                           {"layer_norm_eps", 1e-5}, {"tie_word_embeddings", true}};
  std::ofstream(dir / "config.json") << config.dump();
  RandomSource source(2);
  auto model = build_sambay(parse_sambay_config(dir / "config.json"), source, "cuda");
  for (int concurrency : {1, 16, 64}) {
    std::vector<BatchJob> jobs;
    for (int i = 0; i < concurrency; ++i) {
      BatchJob job;
      job.prompt = sequence(512 + i, 199990);
      job.params.max_new_tokens = 128;
      job.params.ignore_eos = true;
      job.decode_piece = no_text;
      jobs.push_back(job);
    }
    StatePool pool(model->state_spec(), concurrency + 1, 512 + concurrency + 128);
    ContinuousBatcher batcher(*model, pool, GenerationLimits{{}, 2048, 200029}, BatcherOptions{2048, true});
    std::size_t finished = 0;
    batcher.run(jobs, [&](std::size_t, GenerationOutcome out) {
      EXPECT_EQ(out.tokens.size(), 128u) << out.error;
      ++finished;
    });
    EXPECT_EQ(finished, jobs.size());
    const BatcherStats& st = batcher.stats();
    std::cout << "RESULT full-size continuous batching, " << concurrency << " requests x 512+128 tokens: prefill "
              << st.prefill_tokens / st.prefill_seconds << " tok/s, decode " << st.decode_tokens / st.decode_seconds
              << " tok/s over " << st.decode_steps << " steps (max in flight " << st.max_in_flight << ", "
              << st.graphs_captured << " graphs)\n";
  }
}

TEST(RuntimeGpu, FullSizeRandomWeightsLoadAndGenerate) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto dir = test::temp_dir("gpu-full-size");
  nlohmann::json config = {{"model_type", "phi4flash"}, {"hidden_size", 2560}, {"intermediate_size", 10240},
                           {"num_hidden_layers", 32}, {"num_attention_heads", 40}, {"num_key_value_heads", 20},
                           {"vocab_size", 200064}, {"sliding_window", 512}, {"mb_per_layer", 2},
                           {"layer_norm_eps", 1e-5}, {"tie_word_embeddings", true}};
  std::ofstream(dir / "config.json") << config.dump();
  const SambaYConfig parsed = parse_sambay_config(dir / "config.json");
  // The caching allocator knows a device only once CUDA is initialised on it; before that resetPeakStats throws
  // "Invalid device argument".
  (void)at::zeros({1}, at::TensorOptions().device(at::kCUDA));
  at::accelerator::resetPeakStats(0);
  auto t0 = std::chrono::steady_clock::now();
  RandomSource source(1);
  auto model = build_sambay(parsed, source, "cuda");
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(model->n_params(), 3852562944);

  SamplingParams params;  // greedy: on random weights the nucleus is most of the vocabulary, which times the sort
  params.max_new_tokens = 300;
  params.ignore_eos = true;
  const auto prompt = sequence(1024, 199990);
  auto out = run_generation(*model, prompt, params, GenerationLimits{{}, 2048, 200029}, no_text);
  at::accelerator::synchronizeDevice(0);
  ASSERT_EQ(out.tokens.size(), 300u);
  const auto stats = at::accelerator::getDeviceStats(0);
  const double peak_gib = static_cast<double>(stats.allocated_bytes[0].peak) / (1 << 30);
  std::cout << "RESULT full-size random bf16: load " << load_s << " s, peak allocated " << peak_gib
            << " GiB, prefill 1024 tokens " << out.prefill_seconds << " s (" << 1024 / out.prefill_seconds
            << " tok/s), decode 300 tokens " << out.decode_seconds << " s (" << 300 / out.decode_seconds
            << " tok/s)\n";
  EXPECT_LT(peak_gib, 20.0);
}

}  // namespace
}  // namespace rbench::runtime
