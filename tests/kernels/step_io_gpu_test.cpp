// The decode step's first and last kernels against their references on fresh random inputs: decode_step_inputs
// (bf16 and float32 tables, positions across several rings, an out-of-range id that becomes a NaN row) and
// argmax_rows (logits with many ties, NaN and -inf rows, n short of the row, 1 to 64 rows), then both timed as
// CUDA-graph replays against the LibTorch ops they replace, and the replays' outputs checked.
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <functional>

#include <iostream>
#include <limits>
#include <string>

#include "runtime/kernels/argmax_rows/argmax_rows.h"
#include "runtime/kernels/decode_step_inputs/decode_step_inputs.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

const auto kI64 = at::TensorOptions().dtype(at::kLong).device(at::kCUDA);

TEST(KernelsGpuStepInputs, MatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  for (auto dtype : {at::kBFloat16, at::kFloat}) {
    for (int64_t B : {1, 5, 64}) {
      const at::Tensor embed = at::randn({1000, 2560}, at::TensorOptions().device(at::kCUDA)).to(dtype);
      const at::Tensor ids = at::randint(0, 1000, {B}, kI64), positions = at::randint(0, 40000, {B}, kI64);
      const std::vector<int64_t> windows = {512, 2047, 1};
      const DecodeStepInputs got = decode_step_inputs_cuda(embed, ids, positions, windows);
      const DecodeStepInputs want = decode_step_inputs_ref(embed, ids, positions, windows);
      const std::string what = "seed " + std::to_string(seed) + " B=" + std::to_string(B);
      EXPECT_TRUE(at::equal(got.residual, want.residual)) << what;
      EXPECT_TRUE(at::equal(got.lengths, want.lengths)) << what;
      ASSERT_EQ(got.ring_rows.size(), windows.size());
      for (std::size_t w = 0; w < windows.size(); ++w) {
        EXPECT_TRUE(at::equal(got.ring_rows[w], want.ring_rows[w])) << what << " window " << windows[w];
        EXPECT_TRUE(at::equal(got.ring_lengths[w], want.ring_lengths[w])) << what << " window " << windows[w];
      }
    }
  }
  // An id past the table: a NaN row, the other rows as the reference writes them.
  const at::Tensor embed = at::randn({10, 64}, at::TensorOptions().device(at::kCUDA)).to(at::kBFloat16);
  const DecodeStepInputs bad = decode_step_inputs_cuda(embed, at::tensor({int64_t{3}, int64_t{10}}, kI64),
                                                       at::tensor({int64_t{0}, int64_t{1}}, kI64), {});
  EXPECT_TRUE(at::isnan(bad.residual[1]).all().item<bool>());
  EXPECT_TRUE(at::equal(bad.residual[0], embed[3].to(at::kFloat)));
}

TEST(KernelsGpuArgmaxRows, MatchesAtArgmax) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(at::kCUDA);
  int cases = 0;
  for (int64_t B : {1, 3, 64}) {
    for (int64_t V : {7, 200064}) {
      for (int64_t n : {V, V - 5}) {
        if (n < 1) continue;
        // Rounded to a few values so that the maximum is tied many times over.
        at::Tensor logits = (at::randn({B, V}, f32) * 2).round();
        if (B > 1) {
          logits[1].narrow(0, V / 2, 1).fill_(nan);  // a NaN wins over any number
          logits[1].narrow(0, V - 1, 1).fill_(nan);
          logits[2].fill_(-inf);                     // all tied: index 0
        }
        const at::Tensor got = argmax_rows_cuda(logits, n), want = argmax_rows_ref(logits, n);
        EXPECT_TRUE(at::equal(got, want)) << "seed " << seed << " B=" << B << " V=" << V << " n=" << n << ": "
                                          << got.cpu() << " vs " << want.cpu();
        ++cases;
      }
    }
  }
  // A strided view (rows of a wider buffer), as the step hands the logits over.
  const at::Tensor wide = at::randn({4, 300}, f32);
  EXPECT_TRUE(at::equal(argmax_rows_cuda(wide.narrow(1, 0, 256), 200), at::argmax(wide.narrow(1, 0, 200), 1)));
  std::cout << "RESULT argmax_rows: " << cases << " cases\n";
}

// Replays of a graph of 20 calls, per call: the kernels against the LibTorch ops they replace (SambaY's shapes at
// batch 1: a 200,064 x 2,560 table, one ring; 200,064 logits).
TEST(KernelsGpuStepInputs, GraphTimings) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto bf = at::TensorOptions().dtype(at::kBFloat16).device(at::kCUDA);
  const at::Tensor embed = at::randn({200064, 2560}, bf), logits = at::randn({1, 200064}, bf).to(at::kFloat);
  const at::Tensor ids = at::tensor({int64_t{123}}, kI64), positions = at::tensor({int64_t{2047}}, kI64);
  const auto time_graph = [](const std::function<void()>& call) {
    const c10::cuda::CUDAStream stream = c10::cuda::getStreamFromPool();
    const c10::cuda::CUDAStreamGuard guard(stream);
    call();
    at::cuda::CUDAGraph graph;
    graph.capture_begin();
    for (int i = 0; i < 20; ++i) call();
    graph.capture_end();
    return gpu_check::seconds_per_call([&] { graph.replay(); }, 50) / 20;
  };
  DecodeStepInputs replayed;  // the outputs of the graphs' last calls, which each replay writes again
  at::Tensor token;
  const double inputs = time_graph([&] { replayed = decode_step_inputs_cuda(embed, ids, positions, {512}); });
  const double inputs_ref = time_graph([&] { decode_step_inputs_ref(embed, ids, positions, {512}); });
  const double argmax = time_graph([&] { token = argmax_rows_cuda(logits, 200064); });
  const double argmax_ref = time_graph([&] { argmax_rows_ref(logits, 200064); });
  std::cout << "RESULT step inputs: kernel " << inputs * 1e6 << " us, LibTorch ops " << inputs_ref * 1e6
            << " us; argmax_rows: kernels " << argmax * 1e6 << " us, at::argmax " << argmax_ref * 1e6 << " us\n";
  // Replayed from a graph, the kernels still compute what the references do.
  const DecodeStepInputs want = decode_step_inputs_ref(embed, ids, positions, {512});
  EXPECT_TRUE(at::equal(replayed.residual, want.residual));
  EXPECT_TRUE(at::equal(replayed.ring_rows[0], want.ring_rows[0]));
  EXPECT_TRUE(at::equal(replayed.ring_lengths[0], want.ring_lengths[0]));
  EXPECT_TRUE(at::equal(token, at::argmax(logits, 1)));
}

}  // namespace
}  // namespace rbench::runtime::kernels
