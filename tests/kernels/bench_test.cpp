// runtime::bench (behind `rbench bench`) on CPU with random weights at a tiny config's shape: every figure is
// finite and positive, the roofline's weight bytes are the parameters at float32, the state traffic doubles with
// twice the sequences in flight, a checkpoint directory gives the same shape, and unknown arches are refused.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <cmath>
#include <cstdlib>

#include "runtime/tools.h"

namespace rbench::runtime {
namespace {

std::filesystem::path tiny_dir() {
  const char* root = std::getenv("RBENCH_TEST_TMP");
  TinyCheckpointOptions o;
  o.out_dir = std::filesystem::path(root ? root : "/tmp") / "kernels-bench-tiny";
  std::filesystem::create_directories(o.out_dir);
  o.write_tokenizer = false;
  make_tiny_checkpoint(o);
  return o.out_dir;
}

void expect_sane(const BenchResult& r) {
  for (double v : {r.prefill_seconds, r.decode_seconds, r.prefill_tokens_per_s, r.decode_tokens_per_s,
                   r.ms_per_output_token, r.copy_bandwidth_gbs, r.weight_bytes_per_step, r.state_bytes_per_step,
                   r.roofline_tokens_per_s, r.roofline_fraction}) {
    EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
  }
  EXPECT_LT(r.roofline_fraction, 1.0);  // a tiny model on CPU is far from bandwidth-bound
  EXPECT_EQ(r.peak_memory_gib, 0.0);    // no GPU
  EXPECT_DOUBLE_EQ(r.weight_bytes_per_step, 4.0 * static_cast<double>(r.n_params));
  EXPECT_NEAR(r.decode_tokens_per_s, (r.gen_len - 1) * r.concurrency / r.decode_seconds, 1e-6 * r.decode_tokens_per_s);
}

TEST(KernelsBench, TinyConfigOnCpuGivesSaneFigures) {
  at::set_num_threads(1);
  const auto dir = tiny_dir();
  BenchOptions o;
  o.config_file = dir / "config.json";
  o.device = "cpu";
  o.prompt_len = 24;
  o.gen_len = 6;
  o.concurrency = 1;
  const BenchResult one = bench(o);
  expect_sane(one);
  EXPECT_EQ(one.arch, "phi4flash");
  EXPECT_EQ(one.dtype, "float32");
  o.concurrency = 2;
  const BenchResult two = bench(o);
  expect_sane(two);
  EXPECT_DOUBLE_EQ(two.state_bytes_per_step, 2 * one.state_bytes_per_step);
  EXPECT_EQ(two.n_params, one.n_params);

  BenchOptions from_checkpoint = o;
  from_checkpoint.config_file.clear();
  from_checkpoint.model_dir = dir;
  const BenchResult loaded = bench(from_checkpoint);
  expect_sane(loaded);
  EXPECT_EQ(loaded.n_params, one.n_params);
  EXPECT_DOUBLE_EQ(loaded.state_bytes_per_step, two.state_bytes_per_step);
}

TEST(KernelsBench, RefusesUnknownArchAndPhi3WithoutConfig) {
  BenchOptions o;
  o.device = "cpu";
  o.arch = "gpt2";
  EXPECT_THROW(bench(o), std::runtime_error);
  o.arch = "phi3";
  EXPECT_THROW(bench(o), std::runtime_error);
  o.arch = "phi4flash";
  o.gen_len = 0;
  EXPECT_THROW(bench(o), std::invalid_argument);
}

}  // namespace
}  // namespace rbench::runtime
