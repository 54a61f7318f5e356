// Parity of the CUDA decode kernels with their LibTorch references (architecture habit 1), over a declared grid:
// batch 1 and > 1, channel counts that are and are not multiples of the block (37, 2000 and the real 5120), state
// sizes 16 and 5 (not a multiple of the 16 lanes), float32 / bfloat16 / float16 inputs, with and without the gate,
// dt bias and softplus, and three consecutive steps so the state goes in and comes out each time. Inputs are fresh
// random tensors each run; the reference runs on CPU on the same (rounded) values. One tolerance table per dtype.
#include <ATen/Context.h>
#include <ATen/DeviceAccelerator.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"

namespace rbench::runtime::kernels {
namespace {

struct Tolerance {
  double atol, rtol;
};
// Both sides compute in float32 from identical inputs; only the order of the sums and expf differ.
const std::map<at::ScalarType, Tolerance> kTolerance = {
    {at::kFloat, {1e-5, 1e-4}}, {at::kBFloat16, {1e-4, 1e-3}}, {at::kHalf, {1e-4, 1e-3}}};
const at::ScalarType kDtypes[] = {at::kFloat, at::kBFloat16, at::kHalf};

struct Shape {
  int64_t n_seq, d, n_state;
};
const Shape kSsuShapes[] = {{1, 37, 16}, {3, 2000, 16}, {64, 5120, 16}, {5, 37, 5}, {2, 300, 48}};

void expect_close(const at::Tensor& got, const at::Tensor& want, at::ScalarType dtype, const std::string& what) {
  const Tolerance t = kTolerance.at(dtype);
  const at::Tensor g = got.cpu().to(at::kFloat), w = want.to(at::kFloat);
  const bool ok = at::allclose(g, w, t.rtol, t.atol);
  EXPECT_TRUE(ok) << what << ": max |diff| " << (g - w).abs().max().item<double>() << " (atol " << t.atol
                  << ", rtol " << t.rtol << ")";
}

uint64_t fresh_seed() { return std::random_device{}(); }

// Time of one call, averaged over many, on the GPU (synchronised before and after).
template <typename F>
double seconds_per_call(F&& call) {
  call();
  at::accelerator::synchronizeDevice(0);
  const int n = 200;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) call();
  at::accelerator::synchronizeDevice(0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / n;
}

// The decode state update at the paper's workload shape (64 sequences, d_inner 5120, N 16): the kernel against
// the same LibTorch reference run on the GPU, and its state bandwidth, printed as a RESULT line.
TEST(KernelsGpu, SelectiveStateUpdateBeatsReferenceOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const int64_t n_seq = 64, d = 5120, n = 16;
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  at::Tensor state = at::randn({n_seq, d, n}, cuda) * 0.1;
  const at::Tensor x = at::randn({n_seq, d}, cuda), dt = at::rand({n_seq, d}, cuda) * 0.1;
  const at::Tensor A = -at::exp(at::randn({d, n}, cuda)), D = at::randn({d}, cuda);
  const at::Tensor Bm = at::randn({n_seq, n}, cuda), Cm = at::randn({n_seq, n}, cuda);
  const double kernel_s = seconds_per_call(
      [&] { selective_state_update(state, x, dt, A, Bm, Cm, D, at::Tensor(), at::Tensor(), false); });
  const double ref_s = seconds_per_call(
      [&] { selective_state_update_ref(state, x, dt, A, Bm, Cm, D, at::Tensor(), at::Tensor(), false); });
  const double state_bytes = 2.0 * static_cast<double>(state.numel()) * 4;  // read + write
  std::cout << "RESULT selective_state_update B=64 d=5120 N=16: kernel " << kernel_s * 1e6 << " us ("
            << state_bytes / kernel_s / 1e9 << " GB/s of state), LibTorch reference on GPU " << ref_s * 1e6
            << " us\n";
  EXPECT_LT(kernel_s, ref_s);
}

TEST(KernelsGpu, SelectiveStateUpdateMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = fresh_seed();
  at::manual_seed(seed);
  for (const Shape& s : kSsuShapes) {
    for (at::ScalarType dtype : kDtypes) {
      for (int variant = 0; variant < 2; ++variant) {
        const bool gated = variant == 1;  // gate + dt bias + softplus, or the runtime's plain form
        std::ostringstream what;
        what << "seed " << seed << " B=" << s.n_seq << " d=" << s.d << " N=" << s.n_state << " "
             << at::toString(dtype) << (gated ? " gated" : " plain");
        const auto f32 = at::TensorOptions().dtype(at::kFloat);
        at::Tensor state_ref = at::randn({s.n_seq, s.d, s.n_state}, f32);
        at::Tensor state_gpu = state_ref.cuda();
        const at::Tensor A = -at::exp(at::randn({s.d, s.n_state}, f32)), D = at::randn({s.d}, f32);
        const at::Tensor bias = gated ? at::randn({s.d}, f32) : at::Tensor();
        for (int step = 0; step < 3; ++step) {
          const at::Tensor x = at::randn({s.n_seq, s.d}).to(dtype);
          const at::Tensor dt = (gated ? at::randn({s.n_seq, s.d}) : at::rand({s.n_seq, s.d})).to(dtype);
          const at::Tensor Bm = at::randn({s.n_seq, s.n_state}).to(dtype);
          const at::Tensor Cm = at::randn({s.n_seq, s.n_state}).to(dtype);
          const at::Tensor z = gated ? at::randn({s.n_seq, s.d}).to(dtype) : at::Tensor();
          const at::Tensor want = selective_state_update_ref(state_ref, x, dt, A, Bm, Cm, D, z, bias, gated);
          const at::Tensor got = selective_state_update(
              state_gpu, x.cuda(), dt.cuda(), A.cuda(), Bm.cuda(), Cm.cuda(), D.cuda(),
              z.defined() ? z.cuda() : z, bias.defined() ? bias.cuda() : bias, gated);
          ASSERT_TRUE(got.is_cuda());
          expect_close(got, want, dtype, what.str() + " step " + std::to_string(step) + " y");
          expect_close(state_gpu, state_ref, dtype, what.str() + " step " + std::to_string(step) + " state");
        }
      }
    }
  }
}

TEST(KernelsGpu, CausalConvUpdateMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = fresh_seed();
  at::manual_seed(seed);
  const Shape shapes[] = {{1, 37, 4}, {3, 2000, 4}, {64, 5120, 4}, {2, 300, 2}, {4, 129, 8}};  // n_state = width
  for (const Shape& s : shapes) {
    for (at::ScalarType dtype : kDtypes) {
      for (bool with_bias : {false, true}) {
        std::ostringstream what;
        what << "seed " << seed << " B=" << s.n_seq << " d=" << s.d << " W=" << s.n_state << " "
             << at::toString(dtype) << (with_bias ? " bias+silu" : " plain");
        at::Tensor state_ref = at::randn({s.n_seq, s.n_state - 1, s.d}).to(dtype);
        at::Tensor state_gpu = state_ref.cuda();
        const at::Tensor weight = at::randn({s.d, s.n_state}), bias = with_bias ? at::randn({s.d}) : at::Tensor();
        for (int step = 0; step < 3; ++step) {
          const at::Tensor x = at::randn({s.n_seq, s.d}).to(dtype);
          const at::Tensor want = causal_conv1d_update_ref(state_ref, x, weight, bias, with_bias);
          const at::Tensor got = causal_conv1d_update(state_gpu, x.cuda(), weight.cuda(),
                                                      bias.defined() ? bias.cuda() : bias, with_bias);
          ASSERT_TRUE(got.is_cuda());
          expect_close(got, want, dtype, what.str() + " step " + std::to_string(step) + " out");
          // The state is a shifted copy: exactly equal.
          EXPECT_TRUE(at::equal(state_gpu.cpu(), state_ref)) << what.str() << " step " << step << " state";
        }
      }
    }
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
