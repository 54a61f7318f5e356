// The CUDA prefill kernels against their LibTorch references on CPU, over declared grids, on fresh random inputs:
// selective_scan over L 1 / 7 / 33 (not a multiple of the 32-step tile) / 64 / 2048 with d_inner 37 / 2000 / 5120 and
// N 16, 5 (fewer than the 8 lanes), 48; float32 / bfloat16 / float16 inputs; plain or fused (z gate, dt bias,
// softplus); x and z as column slices of one [L, 2 d_inner] tensor, B and C as column slices of one [L, R + 2N]
// tensor (as mamba_mixer passes them); two chunks in a row so the state goes in and comes out. causal_conv1d over
// L 1 / 2 (shorter than the kept W-1 inputs) / 31 / 100 / 2048, d_inner 37 / 2000 / 5120, widths 4, 2 and 8, with
// and without bias and SiLU, x strided, two chunks in a row; the conv state must match bit for bit. RESULT lines:
// both kernels against the same references run on the GPU at the real prefill shape (L 2048, d_inner 5120). Shapes
// past the kernels' register limits go through the dispatchers to the references on the GPU.
#include <map>
#include <sstream>

#include "runtime/kernels/causal_conv1d/causal_conv1d.h"
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
// Both sides compute in float32 from identical (already rounded) inputs: the dtype changes nothing but the inputs'
// values. The scan carries h over up to 2048 steps (rounding walks ~sqrt(L) ulps of |h| ~ 20 when exp(dt A) is near
// 1) and y = C . h cancels terms of that size, so its absolute tolerance follows |h|, not |y|; the conv sums W terms.
const Tolerance kScanTolerance{1e-3, 1e-3};
const Tolerance kConvTolerance{1e-5, 1e-5};
const at::ScalarType kDtypes[] = {at::kFloat, at::kBFloat16, at::kHalf};

struct ScanShape {
  int64_t L, d, n_state;
};
const ScanShape kScanShapes[] = {{1, 37, 16}, {7, 37, 5}, {33, 2000, 16}, {64, 300, 48}, {2048, 5120, 16}};

at::Tensor cuda_or_undefined(const at::Tensor& t) { return t.defined() ? t.cuda() : t; }

TEST(KernelsGpuPrefill, SelectiveScanMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("selective_scan");
  for (const ScanShape& s : kScanShapes) {
    for (at::ScalarType dtype : kDtypes) {
      for (bool fused : {false, true}) {
        std::ostringstream what;
        what << "seed " << seed << " L=" << s.L << " d=" << s.d << " N=" << s.n_state << " " << at::toString(dtype)
             << (fused ? " fused" : " plain");
        at::Tensor state_ref = at::randn({s.d, s.n_state});
        at::Tensor state_gpu = state_ref.cuda();
        const at::Tensor A = -at::exp(at::randn({s.d, s.n_state})), D = at::randn({s.d});
        const at::Tensor bias = fused ? at::randn({s.d}) : at::Tensor();
        for (int chunk = 0; chunk < 2; ++chunk) {
          const std::string here = what.str() + " chunk " + std::to_string(chunk);
          const at::Tensor xz = at::randn({s.L, 2 * s.d}).to(dtype);                 // x | z
          const at::Tensor dbc = at::randn({s.L, 7 + 2 * s.n_state}).to(dtype);     // dt-rank 7 | B | C
          const at::Tensor x = xz.narrow(1, 0, s.d), z = fused ? xz.narrow(1, s.d, s.d) : at::Tensor();
          const at::Tensor Bm = dbc.narrow(1, 7, s.n_state), Cm = dbc.narrow(1, 7 + s.n_state, s.n_state);
          // Plain: dt is already positive (softplus done by the caller); fused: raw, the kernel adds bias + softplus.
          const at::Tensor dt = (fused ? at::randn({s.L, s.d}) : at::rand({s.L, s.d})).to(dtype);
          const at::Tensor want = selective_scan_ref(x, dt, A, Bm, Cm, D, state_ref, z, bias, fused);
          const at::Tensor xz_g = xz.cuda(), dbc_g = dbc.cuda();
          const at::Tensor got = selective_scan(
              xz_g.narrow(1, 0, s.d), dt.cuda(), A.cuda(), dbc_g.narrow(1, 7, s.n_state),
              dbc_g.narrow(1, 7 + s.n_state, s.n_state), D.cuda(), state_gpu,
              fused ? xz_g.narrow(1, s.d, s.d) : at::Tensor(), cuda_or_undefined(bias), fused);
          ASSERT_TRUE(got.is_cuda());
          worst.expect_close(got, want, kScanTolerance, here + " y");
          worst.expect_close(state_gpu, state_ref, kScanTolerance, here + " state");
        }
      }
    }
  }
}

struct ConvShape {
  int64_t L, d, width;
};
const ConvShape kConvShapes[] = {{1, 37, 4},    {2, 37, 4},   {31, 2000, 4}, {100, 129, 8},
                                 {100, 64, 2},  {2048, 5120, 4}};

TEST(KernelsGpuPrefill, CausalConvMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("causal_conv1d");
  for (const ConvShape& s : kConvShapes) {
    for (at::ScalarType dtype : kDtypes) {
      for (bool with_bias : {false, true}) {
        std::ostringstream what;
        what << "seed " << seed << " L=" << s.L << " d=" << s.d << " W=" << s.width << " " << at::toString(dtype)
             << (with_bias ? " bias+silu" : " plain");
        at::Tensor state_ref = at::randn({s.width - 1, s.d}).to(dtype);
        at::Tensor state_gpu = state_ref.cuda();
        const at::Tensor weight = at::randn({s.d, s.width}), bias = with_bias ? at::randn({s.d}) : at::Tensor();
        for (int chunk = 0; chunk < 2; ++chunk) {
          const std::string here = what.str() + " chunk " + std::to_string(chunk);
          const at::Tensor xz = at::randn({s.L, 2 * s.d}).to(dtype);  // x = the first half, strided rows
          const at::Tensor want = causal_conv1d_ref(state_ref, xz.narrow(1, 0, s.d), weight, bias, with_bias);
          const at::Tensor got = causal_conv1d(state_gpu, xz.cuda().narrow(1, 0, s.d), weight.cuda(),
                                               cuda_or_undefined(bias), with_bias);
          ASSERT_TRUE(got.is_cuda());
          worst.expect_close(got, want, kConvTolerance, here + " out");
          EXPECT_TRUE(at::equal(state_gpu.cpu(), state_ref)) << here << " state";
        }
      }
    }
  }
}

// Shapes past what the kernels hold in registers (N > 64, W > 8) are served by the references on the GPU, not refused.
TEST(KernelsGpuPrefill, OversizedShapesTakeTheReferenceOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  gpu_check::WorstRatio worst("oversized shapes through the dispatchers");
  at::manual_seed(5);
  const int64_t L = 9, d = 40, n = kSelectiveScanMaxStateSize + 16, width = kCausalConv1dMaxWidth + 2;
  const at::Tensor x = at::randn({L, d}), dt = at::rand({L, d}), A = -at::exp(at::randn({d, n}));
  const at::Tensor Bm = at::randn({L, n}), Cm = at::randn({L, n}), D = at::randn({d});
  at::Tensor state = at::randn({d, n}), state_gpu = state.cuda();
  const at::Tensor want = selective_scan_ref(x, dt, A, Bm, Cm, D, state);
  worst.expect_close(selective_scan(x.cuda(), dt.cuda(), A.cuda(), Bm.cuda(), Cm.cuda(), D.cuda(), state_gpu), want,
                     kScanTolerance, "scan N=80 y");
  worst.expect_close(state_gpu, state, kScanTolerance, "scan N=80 state");

  const at::Tensor weight = at::randn({d, width});
  at::Tensor conv_state = at::randn({width - 1, d}), conv_state_gpu = conv_state.cuda();
  const at::Tensor conv_want = causal_conv1d_ref(conv_state, x, weight, at::Tensor(), true);
  worst.expect_close(causal_conv1d(conv_state_gpu, x.cuda(), weight.cuda(), at::Tensor(), true), conv_want,
                     kConvTolerance, "conv W=10 out");
  EXPECT_TRUE(at::equal(conv_state_gpu.cpu(), conv_state)) << "conv W=10 state";

  at::Tensor pool = at::randn({5, width - 1, d}), pool_gpu = pool.cuda();
  const at::Tensor slots = at::tensor({4, 1}, at::kLong);
  const at::Tensor step_want = causal_conv1d_update_ref(pool, x.narrow(0, 0, 2), weight, at::Tensor(), true, slots);
  worst.expect_close(causal_conv1d_update(pool_gpu, x.narrow(0, 0, 2).cuda(), weight.cuda(), at::Tensor(), true,
                                          slots.cuda()),
                     step_want, kConvTolerance, "conv update W=10 out");
  EXPECT_TRUE(at::equal(pool_gpu.cpu(), pool)) << "conv update W=10 pool";
}

// The real prefill shape: one 2048-token chunk of a d_inner 5120 layer, bfloat16 activations as mamba_mixer has them.
TEST(KernelsGpuPrefill, PrefillKernelsBeatReferencesOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const int64_t L = 2048, d = 5120, n = 16, width = 4;
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const at::Tensor x = at::randn({L, d}, cuda), dt = at::rand({L, d}, cuda) * 0.1, z = at::randn({L, d}, cuda);
  const at::Tensor A = -at::exp(at::randn({d, n}, cuda)), D = at::randn({d}, cuda), bias = at::randn({d}, cuda);
  const at::Tensor Bm = at::randn({L, n}, cuda), Cm = at::randn({L, n}, cuda);
  at::Tensor state = at::randn({d, n}, cuda);
  const double scan_s = gpu_check::seconds_per_call([&] { selective_scan(x, dt, A, Bm, Cm, D, state); }, 50);
  const double scan_ref_s = gpu_check::seconds_per_call([&] { selective_scan_ref(x, dt, A, Bm, Cm, D, state); }, 3);
  const double fused_s =
      gpu_check::seconds_per_call([&] { selective_scan(x, dt, A, Bm, Cm, D, state, z, bias, true); }, 50);
  std::cout << "RESULT selective_scan L=2048 d=5120 N=16 float32: kernel " << scan_s * 1e6 << " us ("
            << L / scan_s << " tokens/s per layer), fused z+bias+softplus " << fused_s * 1e6
            << " us, LibTorch reference on GPU " << scan_ref_s * 1e6 << " us\n";
  EXPECT_LT(scan_s, scan_ref_s);

  const at::Tensor xs = at::randn({L, 2 * d}, cuda.dtype(at::kBFloat16)).narrow(1, 0, d);  // in_proj's x half
  const at::Tensor weight = at::randn({d, width}, cuda), conv_bias = at::randn({d}, cuda);
  at::Tensor conv_state = at::randn({width - 1, d}, cuda.dtype(at::kBFloat16));
  const double conv_s =
      gpu_check::seconds_per_call([&] { causal_conv1d(conv_state, xs, weight, conv_bias, true); }, 100);
  const double conv_ref_s =
      gpu_check::seconds_per_call([&] { causal_conv1d_ref(conv_state, xs, weight, conv_bias, true); }, 20);
  const double bytes = static_cast<double>(L) * d * (2 + 4);  // bfloat16 in, float32 out
  std::cout << "RESULT causal_conv1d L=2048 d=5120 W=4 bfloat16: kernel " << conv_s * 1e6 << " us ("
            << bytes / conv_s / 1e9 << " GB/s of x + out), LibTorch reference (at::conv1d) on GPU " << conv_ref_s * 1e6
            << " us\n";
  EXPECT_LT(conv_s, conv_ref_s);
}

}  // namespace
}  // namespace rbench::runtime::kernels
