// rbench bench's own arithmetic and its run on CPU with tiny random models: the roofline's state bytes against
// StatePool::bytes_per_slot (an independent count of the same tensors), the weight bytes, prefill FLOPs on hand
// counts, the integral of known step-time curves, the released shapes' parameter counts, a complete CPU run whose
// figures follow from each other (and its JSON), and the argument errors.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/models/phi3_config.h"
#include "runtime/models/registry.h"
#include "runtime/models/sambay_config.h"
#include "runtime/state/state_pool.h"
#include "runtime/tools.h"
#include "runtime/tools/bench_arithmetic.h"

namespace rbench::runtime {
namespace {

namespace arith = bench_arithmetic;

std::filesystem::path test_tmp() {
  const char* root = std::getenv("RBENCH_TEST_TMP");
  return std::filesystem::path(root ? root : "/tmp");
}

std::filesystem::path tiny_dir(const std::string& arch) {
  TinyCheckpointOptions o;
  o.arch = arch;
  o.out_dir = test_tmp() / ("kernels-bench-tiny-" + arch);
  std::filesystem::create_directories(o.out_dir);
  o.write_tokenizer = false;
  make_tiny_checkpoint(o);
  return o.out_dir;
}

StateSpec only_kinds(StateSpec spec, const std::vector<LayerKind>& keep) {
  StateSpec out = spec;
  out.kinds.clear();
  out.windows.clear();
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    if (std::find(keep.begin(), keep.end(), spec.kinds[i]) == keep.end()) continue;
    out.kinds.push_back(spec.kinds[i]);
    out.windows.push_back(i < spec.windows.size() ? spec.windows[i] : 0);
  }
  return out;
}

int64_t count(const StateSpec& spec, LayerKind kind) {
  return std::count(spec.kinds.begin(), spec.kinds.end(), kind);
}

TEST(KernelsBench, StepTrafficAgreesWithStatePoolBytes) {
  at::set_num_threads(1);
  const StateSpec spec = load_model(tiny_dir("phi4flash"), "cpu")->state_spec();
  const int64_t n_full = count(spec, LayerKind::full_attention), n_cross = count(spec, LayerKind::cross_attention);
  ASSERT_EQ(n_full, 1);
  ASSERT_GT(n_cross, 0);
  ASSERT_GT(count(spec, LayerKind::sliding_attention), 0);
  // One K/V row of the shared cache: what a slot grows by per token of capacity.
  const double row = static_cast<double>(StatePool::bytes_per_slot(spec, 101) - StatePool::bytes_per_slot(spec, 100));
  ASSERT_GT(row, 0);
  const arith::StepTraffic t = arith::step_traffic(spec);
  // Full attention and every cross-attention layer read the shared K/V up to the context.
  EXPECT_DOUBLE_EQ(t.per_token, static_cast<double>(n_full + n_cross) * row);
  // Mamba: conv and SSM states read and written once each.
  const StateSpec mamba = only_kinds(spec, {LayerKind::mamba, LayerKind::mamba_memory});
  ASSERT_FALSE(mamba.kinds.empty());
  EXPECT_DOUBLE_EQ(arith::step_traffic(mamba).at(777), 2.0 * static_cast<double>(StatePool::bytes_per_slot(mamba, 1) - 8));
  // Sliding windows: each ring read whole, one row written.
  const StateSpec rings = only_kinds(spec, {LayerKind::sliding_attention});
  EXPECT_DOUBLE_EQ(arith::step_traffic(rings).at(777),
                   static_cast<double>(StatePool::bytes_per_slot(rings, 5) - 8) +
                       static_cast<double>(rings.kinds.size()) * row);
  // The whole SambaY state: the slot at capacity c, plus Mamba's write-back, the rows written and the cross reads.
  const int64_t c = 300;
  const double mamba_bytes = static_cast<double>(StatePool::bytes_per_slot(mamba, 1) - 8);
  EXPECT_NEAR(t.at(c),
              static_cast<double>(StatePool::bytes_per_slot(spec, c) - 8) + mamba_bytes +
                  static_cast<double>(count(spec, LayerKind::sliding_attention) + n_full) * row +
                  static_cast<double>(n_cross * c) * row,
              1e-6 * t.at(c));

  // Phi3: every layer reads its own K/V up to the context and writes one row.
  const StateSpec phi3 = load_model(tiny_dir("phi3"), "cpu")->state_spec();
  const auto n_layers = static_cast<double>(phi3.kinds.size());
  const double phi3_row =
      static_cast<double>(StatePool::bytes_per_slot(phi3, 101) - StatePool::bytes_per_slot(phi3, 100)) / n_layers;
  EXPECT_DOUBLE_EQ(arith::step_traffic(phi3).at(c),
                   static_cast<double>(StatePool::bytes_per_slot(phi3, c) - 8) + n_layers * phi3_row);
}

TEST(KernelsBench, PrefillFlopsMatchHandCounts) {
  StateSpec spec;
  spec.kinds = {LayerKind::causal_attention, LayerKind::sliding_attention, LayerKind::mamba};
  spec.windows = {0, 4, 0};
  const int64_t hidden = 8, linear = 1000, vocab = 50, T = 10;
  // causal: 10 * 11 / 2 = 55 pairs; window 4: 1 + 2 + 3 + 4 * 7 = 34 pairs.
  EXPECT_DOUBLE_EQ(arith::prefill_flops(spec, hidden, linear, vocab, T),
                   2.0 * linear * T + 4.0 * hidden * (55 + 34) + 2.0 * vocab * hidden);
  spec.windows[1] = 64;  // a window longer than the prompt is causal attention
  EXPECT_DOUBLE_EQ(arith::prefill_flops(spec, hidden, linear, vocab, T),
                   2.0 * linear * T + 4.0 * hidden * (55 + 55) + 2.0 * vocab * hidden);
}

TEST(KernelsBench, IntegratesKnownStepCurves) {
  // A linear curve t = a + b x measured at the paper's sweep contexts: the integral is exact.
  const double a = 0.02, b = 3e-6;
  std::vector<arith::StepTimePoint> line;
  for (double x : {34816.0, 2048.0, 16384.0, 8192.0, 24576.0}) line.push_back({x, a + b * x});  // any order
  const double x0 = 2049, n = 32767, x1 = x0 + n;
  EXPECT_NEAR(arith::integrate_step_seconds(line, x0, n), a * n + b * (x1 * x1 - x0 * x0) / 2, 1e-9);
  // Piecewise: flat 1 on [0, 10], rising to 3 at 20, extended with slope 0.2 past the last point.
  const std::vector<arith::StepTimePoint> bent = {{0, 1}, {10, 1}, {20, 3}};
  EXPECT_DOUBLE_EQ(arith::integrate_step_seconds(bent, 5, 20), 5 * 1 + 10 * 2 + 5 * 3.5);
  EXPECT_DOUBLE_EQ(arith::integrate_step_seconds(bent, 12, 4), 4 * (1 + 0.2 * 4));  // inside one segment
  EXPECT_DOUBLE_EQ(arith::integrate_step_seconds(bent, -10, 5), 5.0);               // extended below the first
  EXPECT_DOUBLE_EQ(arith::integrate_step_seconds({{100, 0.5}}, 0, 40), 20.0);      // one point: constant
  EXPECT_THROW(arith::integrate_step_seconds({}, 0, 1), std::invalid_argument);
}

TEST(KernelsBench, ReleasedShapesHaveTheReleasedParameterCounts) {
  const auto dir = test_tmp() / "kernels-bench-released";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "phi3.json") << released_config_json("phi3");
  const Phi3Config c = parse_phi3_config(dir / "phi3.json");
  ASSERT_TRUE(c.rope.longrope);
  EXPECT_EQ(c.rope.rotary_dim, 96);
  const int64_t per_layer = c.hidden * (c.n_heads + 2 * c.n_kv_heads) * c.head_dim + c.hidden * c.hidden +
                            3 * c.intermediate * c.hidden + 2 * c.hidden;
  EXPECT_EQ(c.vocab * c.hidden + c.n_layers * per_layer + c.hidden, 3836021760);  // spec 6.2
  std::ofstream(dir / "flash.json") << released_config_json("phi4flash");
  const SambaYConfig f = parse_sambay_config(dir / "flash.json");
  EXPECT_EQ(f.hidden, 2560);
  EXPECT_EQ(f.kinds.size(), 32u);
  EXPECT_THROW(released_config_json("gpt2"), std::invalid_argument);
}

BenchOptions tiny_options(const std::filesystem::path& dir) {
  BenchOptions o;
  o.config_file = dir / "config.json";
  o.device = "cpu";
  o.prompt_len = 24;
  o.gen_len = 8;
  o.concurrency = 3;
  return o;
}

TEST(KernelsBench, CompleteCpuRunIsConsistentWithItsArithmetic) {
  at::set_num_threads(1);
  const auto dir = tiny_dir("phi4flash");
  BenchOptions o = tiny_options(dir);
  o.sweep_contexts = {12, 20, 32};
  o.sweep_steps = 2;
  o.temperature = 0.6;
  o.top_p = 0.95;
  const BenchResult r = bench(o);
  EXPECT_EQ(r.arch, "phi4flash");
  EXPECT_EQ(r.dtype, "float32");
  EXPECT_EQ(r.concurrency, 3);
  EXPECT_EQ(r.capacity, 32);
  EXPECT_EQ(r.decode_steps, 7);
  EXPECT_FALSE(r.cuda_graphs);
  EXPECT_EQ(r.graphs_captured, 0);
  EXPECT_EQ(r.peak_memory_gib, 0.0);
  for (double v : {r.copy_bandwidth_gbs, r.matmul_tflops, r.prefill_seconds, r.prefill_flops, r.prefill_vs_flops,
                   r.decode_seconds, r.weight_bytes_per_step, r.state_bytes_per_step, r.predicted_decode_seconds,
                   r.predicted_wall_seconds, r.predicted_vs_measured, r.state_gib_per_sequence})
    EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
  EXPECT_DOUBLE_EQ(r.weight_bytes_per_step, 4.0 * static_cast<double>(r.n_params));
  const StateSpec spec = load_model(dir, "cpu")->state_spec();
  const arith::StepTraffic t = arith::step_traffic(spec);
  EXPECT_DOUBLE_EQ(r.state_bytes_per_step, 3 * t.at(24 + 1 + 3.0));  // contexts 25..31, mean 28
  EXPECT_DOUBLE_EQ(r.state_gib_per_sequence, static_cast<double>(StatePool::bytes_per_slot(spec, 32)) / (1 << 30));
  EXPECT_NEAR(r.decode_tokens_per_s, 7 * 3 / r.decode_seconds, 1e-9 * r.decode_tokens_per_s);
  EXPECT_NEAR(r.ms_per_output_token, 1e3 * r.decode_seconds / 7, 1e-9);
  EXPECT_NEAR(r.roofline_fraction,
              r.decode_tokens_per_s * (r.weight_bytes_per_step + r.state_bytes_per_step) / (3 * r.copy_bandwidth_gbs * 1e9),
              1e-9 * r.roofline_fraction);
  EXPECT_NEAR(r.prefill_vs_flops, r.prefill_seconds * r.matmul_tflops * 1e12 / r.prefill_flops, 1e-9 * r.prefill_vs_flops);
  // Sweep: steps whose last one holds the context; two timed steps hold context - 1 and context.
  ASSERT_EQ(r.sweep.size(), 3u);
  std::vector<arith::StepTimePoint> curve;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(r.sweep[i].context, static_cast<double>(o.sweep_contexts[i]) - 0.5);
    EXPECT_NEAR(r.sweep[i].tokens_per_s * r.sweep[i].step_seconds, 3.0, 1e-9);
    curve.push_back({r.sweep[i].context, r.sweep[i].step_seconds});
  }
  EXPECT_DOUBLE_EQ(r.predicted_decode_seconds, arith::integrate_step_seconds(curve, 25, 7));
  EXPECT_DOUBLE_EQ(r.predicted_vs_measured, r.predicted_decode_seconds / r.decode_seconds);
  EXPECT_NEAR(r.predicted_wall_seconds, 3 * r.prefill_seconds + r.predicted_decode_seconds, 1e-12);

  const nlohmann::json j = nlohmann::json::parse(bench_result_json(r));
  for (const char* key : {"arch", "concurrency", "capacity", "decode_tokens_per_s", "ms_per_output_token",
                          "peak_memory_gib", "roofline_fraction", "prefill_vs_flops", "matmul_tflops",
                          "predicted_decode_tokens_per_s", "predicted_wall_seconds", "predicted_vs_measured",
                          "graphs_captured", "state_gib_per_sequence"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["concurrency"], 3);
  EXPECT_DOUBLE_EQ(j["decode_tokens_per_s"].get<double>(), r.decode_tokens_per_s);
  ASSERT_EQ(j["sweep"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["sweep"][2]["step_seconds"].get<double>(), r.sweep[2].step_seconds);
}

TEST(KernelsBench, PartialRunOfPhi3FromItsCheckpoint) {
  at::set_num_threads(1);
  BenchOptions o = tiny_options({});
  o.config_file.clear();
  o.model_dir = tiny_dir("phi3");
  o.decode_steps = 3;
  o.sweep_contexts = {16};
  o.sweep_steps = 3;
  const BenchResult r = bench(o);
  EXPECT_EQ(r.arch, "phi3");
  EXPECT_EQ(r.decode_steps, 3);
  EXPECT_EQ(r.predicted_vs_measured, 0.0);  // not a complete run: nothing to validate against
  ASSERT_EQ(r.sweep.size(), 1u);
  EXPECT_DOUBLE_EQ(r.sweep[0].context, 15.0);  // held 14, 15, 16
  EXPECT_NEAR(r.predicted_decode_seconds, 7 * r.sweep[0].step_seconds, 1e-12);
  const StateSpec spec = load_model(o.model_dir, "cpu")->state_spec();
  EXPECT_DOUBLE_EQ(r.state_bytes_per_step, 3 * arith::step_traffic(spec).at(24 + 1 + 1.0));
}

TEST(KernelsBench, RefusesBadArguments) {
  const auto dir = tiny_dir("phi4flash");
  BenchOptions o = tiny_options(dir);
  o.config_file.clear();
  o.arch = "gpt2";
  EXPECT_THROW(bench(o), std::runtime_error);
  o = tiny_options(dir);
  o.gen_len = 1;
  EXPECT_THROW(bench(o), std::invalid_argument);
  o = tiny_options(dir);
  o.sweep_contexts = {33};  // past prompt + gen
  EXPECT_THROW(bench(o), std::invalid_argument);
  o = tiny_options(dir);
  o.decode_steps = 8;  // more than gen_len - 1
  EXPECT_THROW(bench(o), std::invalid_argument);
  o = tiny_options(dir);
  o.concurrency = 0;  // max needs free GPU memory
  EXPECT_THROW(bench(o), std::invalid_argument);
}

}  // namespace
}  // namespace rbench::runtime
