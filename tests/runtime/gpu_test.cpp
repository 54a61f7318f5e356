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
