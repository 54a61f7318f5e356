// The CUDA decode kernels with slots (a state pool of S rows, B < S sequences at shuffled rows) against their LibTorch
// references on CPU, over a declared grid (B 1 / 7 / 64, the real d_inner 5120 and odd widths, N 16, d_conv 4,
// float32 / bfloat16 inputs, with and without gate and bias), three steps with fresh slots each so pool rows go in
// and out; rows outside the batch must stay bit-identical. An out-of-range slot on the device gives NaN for that
// row and leaves the pool alone. RESULT lines: both kernels with slots against the references with slots on the GPU.
// (The CUDA-graph capture of both ops is in cuda_graph_gpu_test.cpp.)
#include <iostream>
#include <map>
#include <sstream>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
// Both sides compute in float32 from identical inputs; only the order of the sums and expf differ.
const std::map<at::ScalarType, Tolerance> kTolerance = {{at::kFloat, {1e-5, 1e-4}}, {at::kBFloat16, {1e-4, 1e-3}}};

struct PoolShape {
  int64_t n_pool, n_seq, d;
};
const PoolShape kShapes[] = {{3, 1, 37}, {16, 7, 2000}, {96, 64, 5120}, {9, 7, 5120}};
constexpr int64_t kN = 16, kWidth = 4;

// B distinct pool rows in random order (a random permutation's first B entries), on CPU.
at::Tensor random_slots(int64_t n_pool, int64_t n_seq) { return at::randperm(n_pool, at::kLong).narrow(0, 0, n_seq); }

at::Tensor cuda_or_undefined(const at::Tensor& t) { return t.defined() ? t.cuda() : t; }

TEST(KernelsGpuSlots, SelectiveStateUpdateWithSlotsMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("selective_state_update with slots");
  for (const PoolShape& s : kShapes) {
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      for (bool gated : {false, true}) {
        std::ostringstream what;
        what << "seed " << seed << " S=" << s.n_pool << " B=" << s.n_seq << " d=" << s.d << " "
             << at::toString(dtype) << (gated ? " gated" : " plain");
        at::Tensor pool_ref = at::randn({s.n_pool, s.d, kN});
        at::Tensor pool_gpu = pool_ref.cuda();
        const at::Tensor A = -at::exp(at::randn({s.d, kN})), D = at::randn({s.d});
        const at::Tensor bias = gated ? at::randn({s.d}) : at::Tensor();
        for (int step = 0; step < 3; ++step) {
          const std::string here = what.str() + " step " + std::to_string(step);
          const at::Tensor slots = random_slots(s.n_pool, s.n_seq);
          const at::Tensor before = pool_ref.clone();
          const at::Tensor x = at::randn({s.n_seq, s.d}).to(dtype);
          const at::Tensor dt = (gated ? at::randn({s.n_seq, s.d}) : at::rand({s.n_seq, s.d})).to(dtype);
          const at::Tensor Bm = at::randn({s.n_seq, kN}).to(dtype), Cm = at::randn({s.n_seq, kN}).to(dtype);
          const at::Tensor z = gated ? at::randn({s.n_seq, s.d}).to(dtype) : at::Tensor();
          const at::Tensor want = selective_state_update_ref(pool_ref, x, dt, A, Bm, Cm, D, z, bias, gated, slots);
          const at::Tensor got = selective_state_update(pool_gpu, x.cuda(), dt.cuda(), A.cuda(), Bm.cuda(), Cm.cuda(),
                                                        D.cuda(), cuda_or_undefined(z), cuda_or_undefined(bias),
                                                        gated, slots.cuda());
          ASSERT_TRUE(got.is_cuda());
          worst.expect_close(got, want, kTolerance.at(dtype), here + " y");
          worst.expect_close(pool_gpu, pool_ref, kTolerance.at(dtype), here + " pool");
          // Rows outside the batch: untouched on the GPU (bit for bit against the previous step's pool).
          const at::Tensor untouched = at::ones({s.n_pool}, at::kBool).index_fill_(0, slots, false);
          EXPECT_TRUE(at::equal(pool_gpu.cpu().index({untouched}), before.index({untouched})))
              << here << ": rows outside the batch changed";
          pool_gpu.copy_(pool_ref);  // the next step starts from identical pools
        }
      }
    }
  }
}

TEST(KernelsGpuSlots, CausalConvUpdateWithSlotsMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("causal_conv1d_update with slots");
  for (const PoolShape& s : kShapes) {
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      for (bool with_bias : {false, true}) {
        std::ostringstream what;
        what << "seed " << seed << " S=" << s.n_pool << " B=" << s.n_seq << " d=" << s.d << " "
             << at::toString(dtype) << (with_bias ? " bias+silu" : " plain");
        at::Tensor pool_ref = at::randn({s.n_pool, kWidth - 1, s.d}).to(dtype);
        at::Tensor pool_gpu = pool_ref.cuda();
        const at::Tensor weight = at::randn({s.d, kWidth}), bias = with_bias ? at::randn({s.d}) : at::Tensor();
        for (int step = 0; step < 3; ++step) {
          const std::string here = what.str() + " step " + std::to_string(step);
          const at::Tensor slots = random_slots(s.n_pool, s.n_seq);
          const at::Tensor x = at::randn({s.n_seq, s.d}).to(dtype);
          const at::Tensor want = causal_conv1d_update_ref(pool_ref, x, weight, bias, with_bias, slots);
          const at::Tensor got = causal_conv1d_update(pool_gpu, x.cuda(), weight.cuda(), cuda_or_undefined(bias),
                                                      with_bias, slots.cuda());
          ASSERT_TRUE(got.is_cuda());
          worst.expect_close(got, want, kTolerance.at(dtype), here + " out");
          // The pool is shifted copies and untouched rows: exactly equal.
          EXPECT_TRUE(at::equal(pool_gpu.cpu(), pool_ref)) << here << " pool";
        }
      }
    }
  }
}

// The decode step of 64 sequences in a pool of 96 (d_inner 5120, N 16, d_conv 4), bfloat16 activations: both kernels
// with slots against the references with slots (gather, update, scatter) on the GPU, and the state update against its
// own run without slots (the slot indirection should cost next to nothing).
TEST(KernelsGpuSlots, SlotKernelsBeatReferencesOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const int64_t n_pool = 96, n_seq = 64, d = 5120;
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const auto bf16 = cuda.dtype(at::kBFloat16);
  const at::Tensor slots = at::randperm(n_pool, cuda.dtype(at::kLong)).narrow(0, 0, n_seq);
  at::Tensor pool = at::randn({n_pool, d, kN}, cuda) * 0.1, plain = at::randn({n_seq, d, kN}, cuda) * 0.1;
  const at::Tensor x = at::randn({n_seq, d}, bf16), dt = at::rand({n_seq, d}, bf16), z = at::randn({n_seq, d}, bf16);
  const at::Tensor A = -at::exp(at::randn({d, kN}, cuda)), D = at::randn({d}, cuda), bias = at::randn({d}, cuda);
  const at::Tensor Bm = at::randn({n_seq, kN}, bf16), Cm = at::randn({n_seq, kN}, bf16);
  const double ssu_s = gpu_check::seconds_per_call(
      [&] { selective_state_update(pool, x, dt, A, Bm, Cm, D, z, bias, true, slots); }, 200);
  const double ssu_plain_s = gpu_check::seconds_per_call(
      [&] { selective_state_update(plain, x, dt, A, Bm, Cm, D, z, bias, true); }, 200);
  const double ssu_ref_s = gpu_check::seconds_per_call(
      [&] { selective_state_update_ref(pool, x, dt, A, Bm, Cm, D, z, bias, true, slots); }, 50);
  std::cout << "RESULT selective_state_update with slots S=96 B=64 d=5120 N=16 bf16: kernel " << ssu_s * 1e6
            << " us (without slots " << ssu_plain_s * 1e6 << " us), LibTorch reference on GPU " << ssu_ref_s * 1e6
            << " us\n";
  EXPECT_LT(ssu_s, ssu_ref_s);

  at::Tensor conv_pool = at::randn({n_pool, kWidth - 1, d}, bf16);
  const at::Tensor weight = at::randn({d, kWidth}, cuda), conv_bias = at::randn({d}, cuda);
  const double conv_s =
      gpu_check::seconds_per_call([&] { causal_conv1d_update(conv_pool, x, weight, conv_bias, true, slots); }, 200);
  const double conv_ref_s = gpu_check::seconds_per_call(
      [&] { causal_conv1d_update_ref(conv_pool, x, weight, conv_bias, true, slots); }, 50);
  std::cout << "RESULT causal_conv1d_update with slots S=96 B=64 d=5120 W=4 bf16: kernel " << conv_s * 1e6
            << " us, LibTorch reference on GPU " << conv_ref_s * 1e6 << " us\n";
  EXPECT_LT(conv_s, conv_ref_s);
}

TEST(KernelsGpuSlots, OutOfRangeSlotGivesNanAndLeavesPool) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const int64_t n_pool = 4, d = 64;
  const at::Tensor bad_slots = at::tensor({1, 7}, at::kLong).cuda();  // 7 is past the pool
  at::Tensor ssm = at::randn({n_pool, d, kN}, cuda);
  const at::Tensor ssm_before = ssm.clone();
  const at::Tensor x = at::randn({2, d}, cuda), Bm = at::randn({2, kN}, cuda);
  const at::Tensor y = selective_state_update(ssm, x, x.abs(), -at::ones({d, kN}, cuda), Bm, Bm, at::ones({d}, cuda),
                                              at::Tensor(), at::Tensor(), false, bad_slots)
                           .cpu();
  EXPECT_FALSE(at::isnan(y[0]).any().item<bool>());
  EXPECT_TRUE(at::isnan(y[1]).all().item<bool>());
  EXPECT_TRUE(at::equal(ssm.cpu().narrow(0, 2, 2), ssm_before.cpu().narrow(0, 2, 2)));
  EXPECT_TRUE(at::equal(ssm.cpu()[0], ssm_before.cpu()[0]));
  at::Tensor conv = at::randn({n_pool, kWidth - 1, d}, cuda);
  const at::Tensor conv_before = conv.clone();
  const at::Tensor out = causal_conv1d_update(conv, x, at::randn({d, kWidth}, cuda), at::Tensor(), true, bad_slots);
  EXPECT_TRUE(at::isnan(out.cpu()[1]).all().item<bool>());
  EXPECT_FALSE(at::isnan(out.cpu()[0]).any().item<bool>());
  EXPECT_TRUE(at::equal(conv.cpu().narrow(0, 2, 2), conv_before.cpu().narrow(0, 2, 2)));
}

}  // namespace
}  // namespace rbench::runtime::kernels
