// The CUDA prefill kernels against their LibTorch references on CPU, over declared grids, on fresh random inputs:
// selective_scan over L 1 / 7 / 33 (not a multiple of the 32-step tile) / 64 / 2048 with d_inner 37 / 2000 / 5120 and
// N 16, 5 (fewer than the 8 lanes), 48; float32 / bfloat16 / float16 inputs; plain or fused (z gate, dt bias,
// softplus); x and z as column slices of one [L, 2 d_inner] tensor, B and C as column slices of one [L, R + 2N]
// tensor (as mamba_mixer passes them); two chunks in a row so the state goes in and comes out. causal_conv1d over
// L 1 / 2 (shorter than the kept W-1 inputs) / 31 / 100 / 2048, d_inner 37 / 2000 / 5120, widths 4, 2 and 8, with
// and without bias and SiLU, x strided, two chunks in a row; the conv state must match bit for bit. RESULT lines:
// both kernels against the same references run on the GPU at the real prefill shape (L 2048, d_inner 5120), the scan
// also with the bfloat16 inputs mamba_mixer hands it (column slices of its projections). Shapes past the kernels'
// register limits go through the dispatchers to the references on the GPU. The FlashAttention core of a fresh chunk
// (layers/flash_self_attention) against the masked core on the CPU: sliding window shorter and longer than the chunk,
// full causal, differential and plain grouped-query heads.
#include <cmath>
#include <map>
#include <sstream>
#include <vector>

#include "runtime/kernels/causal_conv1d/causal_conv1d.h"
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/layers/attention.h"
#include "runtime/layers/flash_self_attention.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
// Both sides compute in float32 from identical (already rounded) inputs: the dtype changes nothing but the inputs'
// values. The scan carries h over up to 2048 steps (rounding walks ~sqrt(L) ulps of |h| ~ 20 when exp(dt A) is near
// 1) and y = C . h cancels terms of that size, so its absolute tolerance follows |h|, not |y|; the conv sums W terms.
// Both round their outputs once to the inputs' dtype, so two float32 results a hair apart may round one ulp apart:
// the relative tolerance of an output includes one ulp of its dtype (at most 2^-7 of the value in bfloat16, 2^-10 in
// float16).
const Tolerance kScanTolerance{1e-3, 1e-3};
const Tolerance kConvTolerance{1e-5, 1e-5};
Tolerance output_tolerance(Tolerance t, at::ScalarType dtype) {
  if (dtype == at::kBFloat16) return {t.atol, t.rtol + 1.0 / 128};
  if (dtype == at::kHalf) return {t.atol, t.rtol + 1.0 / 1024};
  return t;
}
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
          ASSERT_EQ(got.scalar_type(), dtype) << here;
          worst.expect_close(got, want, output_tolerance(kScanTolerance, dtype), here + " y");
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
          ASSERT_EQ(got.scalar_type(), dtype) << here;
          worst.expect_close(got, want, output_tolerance(kConvTolerance, dtype), here + " out");
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

  // As mamba_mixer calls it: bfloat16 x | z and dt-rank | B | C column slices of the projections, dt raw (the kernel
  // adds the bias and applies softplus), y gated and written in bfloat16.
  const auto bf16 = cuda.dtype(at::kBFloat16);
  const at::Tensor xz_b = at::randn({L, 2 * d}, bf16), dbc_b = at::randn({L, 160 + 2 * n}, bf16);
  const at::Tensor dt_b = (at::randn({L, d}, cuda) - 4).to(at::kBFloat16);  // softplus(-4 + bias): small steps
  const at::Tensor x_b = xz_b.narrow(1, 0, d), z_b = xz_b.narrow(1, d, d);
  const at::Tensor B_b = dbc_b.narrow(1, 160, n), C_b = dbc_b.narrow(1, 160 + n, n);
  const double bf16_s =
      gpu_check::seconds_per_call([&] { selective_scan(x_b, dt_b, A, B_b, C_b, D, state, z_b, bias, true); }, 50);
  const double bf16_ref_s =
      gpu_check::seconds_per_call([&] { selective_scan_ref(x_b, dt_b, A, B_b, C_b, D, state, z_b, bias, true); }, 3);
  const double io_bytes = static_cast<double>(L) * d * 2 * 4;  // x, dt, z in and y out, bfloat16
  std::cout << "RESULT selective_scan L=2048 d=5120 N=16 bfloat16 inputs (mixer layout, fused): kernel "
            << bf16_s * 1e6 << " us (" << io_bytes / bf16_s / 1e9 << " GB/s of x, dt, z, y), LibTorch reference on GPU "
            << bf16_ref_s * 1e6 << " us\n";
  EXPECT_LT(bf16_s, bf16_ref_s);

  const at::Tensor xs = at::randn({L, 2 * d}, cuda.dtype(at::kBFloat16)).narrow(1, 0, d);  // in_proj's x half
  const at::Tensor weight = at::randn({d, width}, cuda), conv_bias = at::randn({d}, cuda);
  at::Tensor conv_state = at::randn({width - 1, d}, cuda.dtype(at::kBFloat16));
  const double conv_s =
      gpu_check::seconds_per_call([&] { causal_conv1d(conv_state, xs, weight, conv_bias, true); }, 100);
  const double conv_ref_s =
      gpu_check::seconds_per_call([&] { causal_conv1d_ref(conv_state, xs, weight, conv_bias, true); }, 20);
  const double bytes = static_cast<double>(L) * d * (2 + 2);  // bfloat16 in, bfloat16 out
  std::cout << "RESULT causal_conv1d L=2048 d=5120 W=4 bfloat16: kernel " << conv_s * 1e6 << " us ("
            << bytes / conv_s / 1e9 << " GB/s of x + out), LibTorch reference (at::conv1d) on GPU " << conv_ref_s * 1e6
            << " us\n";
  EXPECT_LT(conv_s, conv_ref_s);
}

// Random attention weights on the GPU in bfloat16: q . k / sqrt(dh) has a spread of a few units, so each query
// leans on a handful of keys and a wrong mask moves its output by about |v|.
layers::AttentionWeights random_attention(int64_t hidden, int64_t Hq, int64_t Hkv, int64_t dh, bool differential) {
  const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
  const double in_scale = 2.0 / std::sqrt(static_cast<double>(hidden));
  layers::AttentionWeights w;
  w.wqkv = (at::randn({(Hq + 2 * Hkv) * dh, hidden}) * in_scale).to(opts);
  w.bqkv = (at::randn({(Hq + 2 * Hkv) * dh}) * 0.1).to(opts);
  w.out_w = (at::randn({hidden, Hq * dh}) / std::sqrt(static_cast<double>(Hq * dh))).to(opts);
  w.out_b = (at::randn({hidden}) * 0.1).to(opts);
  w.n_heads = Hq, w.n_kv_heads = Hkv, w.head_dim = dh, w.differential = differential;
  w.lambda = 0.35, w.lambda_init = layers::differential_lambda_init(3);
  w.subln = (1 + 0.1 * at::randn({2 * dh})).to(opts);
  return w;
}

WindowKv empty_ring(const layers::AttentionWeights& w, int64_t window) {
  const auto opts = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
  const std::vector<int64_t> shape{w.n_kv_heads, window, w.head_dim};
  return {window, at::zeros(shape, opts), at::zeros(shape, opts), at::full({window}, -1, opts.dtype(at::kLong))};
}

// A fresh chunk (pos0 = 0) takes the FlashAttention core; the same chunk at pos0 = 100000 over an empty ring takes
// the masked SDPA core with the same visibility (no positional encoding: only relative order and the window count).
// Both read the same bfloat16 projection, so they differ only by accumulation order and the rounding of the heads.
TEST(KernelsGpuPrefill, FlashSelfAttentionMatchesMaskedCore) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("flash self attention vs masked core");
  const Tolerance tolerance{3e-2, 3e-2};
  const int64_t L = 1000, hidden = 256, far = 100000;
  struct Case {
    int64_t Hq, Hkv, dh;
    bool differential;
  };
  for (const Case c : {Case{8, 4, 64, true}, Case{8, 2, 64, false}, Case{4, 4, 128, true}}) {
    const layers::AttentionWeights w = random_attention(hidden, c.Hq, c.Hkv, c.dh, c.differential);
    const at::Tensor x = at::randn({L, hidden}, at::TensorOptions().device(at::kCUDA)).to(at::kBFloat16);
    std::ostringstream what;
    what << "seed " << seed << " Hq=" << c.Hq << " Hkv=" << c.Hkv << " dh=" << c.dh
         << (c.differential ? " differential" : " plain");
    ASSERT_TRUE(layers::flash_self_attention_applies(at::linear(x, w.wqkv, w.bqkv), w)) << what.str();
    at::Tensor windowed_flash, causal_flash;
    for (int64_t window : {int64_t{300}, L + 1}) {  // shorter than the chunk, and covering it
      const std::string here = what.str() + " window " + std::to_string(window);
      WindowKv fresh = empty_ring(w, window), continued = empty_ring(w, window);
      const at::Tensor flash = layers::sliding_attention(x, w, fresh, 0);
      const at::Tensor masked = layers::sliding_attention(x, w, continued, far);
      worst.expect_close(flash, masked, tolerance, here + " sliding");
      (window > L ? causal_flash : windowed_flash) = flash;
    }
    // The window matters at these scales: a core that ignored it would miss by far more than the tolerance.
    const double window_effect = (windowed_flash - causal_flash).abs().max().item<double>();
    std::cout << "RESULT flash self attention " << what.str() << ": window 300 vs causal max |diff| " << window_effect
              << "\n";
    EXPECT_GT(window_effect, 10 * tolerance.atol) << what.str();
    // The full-attention layer of a fresh sequence: causal over the chunk, which the cache then holds.
    SharedKv cache;
    cache.k = at::zeros({c.Hkv, 0, c.dh}, x.options());
    cache.v = at::zeros({c.Hkv, 0, c.dh}, x.options());
    const at::Tensor full = layers::full_attention(x, w, cache, 0);
    EXPECT_EQ(cache.length, L) << what.str();
    worst.expect_close(full, causal_flash, tolerance, what.str() + " full vs causal sliding");
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
