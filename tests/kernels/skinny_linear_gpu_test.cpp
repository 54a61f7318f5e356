// The CUDA skinny linear against its LibTorch reference on fresh random inputs: every epilogue, with and without
// the LayerNorm prologue and the bias, M = 1 and 2 rows, odd N, a strided input (the dt projection reads a column slice
// of x_proj's output), and K split across warps (small N) or not. Then the decode step's real shapes (SambaY
// Phi-4-mini-flash) at M = 1 and 2: parity against the reference on the GPU (cuBLAS), and RESULT lines with the
// kernel's time, the reference's, and the weight bytes per second against the copy bandwidth measured here.
// Tolerances: both sides accumulate in float32 in different orders and round once to bfloat16, so outputs may be one
// bfloat16 unit apart (2^-8 relative), more where the gate multiplies two rounded values.
#include <cstdint>
#include <sstream>
#include <vector>

#include "runtime/kernels/skinny_linear/skinny_linear.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
constexpr Tolerance kTol{2e-2, 2e-2};
const char* kEpilogueNames[] = {"store", "store_float", "add_to_residual", "silu_gate_halves", "silu_gate_value"};
const SkinnyEpilogue kEpilogues[] = {SkinnyEpilogue::store, SkinnyEpilogue::store_float,
                                     SkinnyEpilogue::add_to_residual, SkinnyEpilogue::silu_gate_halves,
                                     SkinnyEpilogue::silu_gate_value};

struct Case {
  SkinnyLinearArgs args;       // on the GPU
  at::Tensor residual_before;  // add_to_residual: the stream before the call
};

// Random arguments on the GPU: activations ~ N(0, 1), weights ~ N(0, 1/K), so outputs are ~ N(0, 1).
Case make_case(int64_t M, int64_t N, int64_t K, bool norm, bool bias, SkinnyEpilogue e, int64_t x_stride = 0) {
  const auto bf = at::TensorOptions().dtype(at::kBFloat16).device(at::kCUDA);
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(at::kCUDA);
  Case c;
  SkinnyLinearArgs& a = c.args;
  if (norm) {
    a.x = at::randn({M, K}, f32) * 3 + 0.5;  // a residual stream with an offset mean
    a.norm.weight = (at::randn({K}, f32) * 0.3 + 1).to(at::kBFloat16);
    a.norm.bias = (at::randn({K}, f32) * 0.1).to(at::kBFloat16);
  } else if (x_stride > K) {
    a.x = at::randn({M, x_stride}, bf).narrow(1, 0, K);
  } else {
    a.x = at::randn({M, K}, bf);
  }
  a.weight = (at::randn({N, K}, f32) / std::sqrt(static_cast<double>(K))).to(at::kBFloat16);
  if (bias) a.bias = (at::randn({N}, f32) * 0.2).to(at::kBFloat16);
  a.epilogue = e;
  if (e == SkinnyEpilogue::add_to_residual) {
    a.residual = at::randn({M, N}, f32) * 4;
    c.residual_before = a.residual.clone();
  }
  if (e == SkinnyEpilogue::silu_gate_value) a.value = at::randn({M, N}, bf);
  return c;
}

// Runs the kernel and the reference on the same inputs; the residual epilogue compares the updated streams.
void expect_matches(Case& c, gpu_check::WorstRatio& worst, const std::string& what) {
  SkinnyLinearArgs& a = c.args;
  ASSERT_TRUE(skinny_linear_kernel_fits(a)) << what;
  if (a.epilogue == SkinnyEpilogue::add_to_residual) {
    SkinnyLinearArgs ref = a;
    ref.residual = c.residual_before.clone();
    skinny_linear_ref(ref);
    a.residual.copy_(c.residual_before);
    const at::Tensor out = skinny_linear_cuda(a);
    EXPECT_FALSE(out.defined()) << what;
    worst.expect_close(a.residual, ref.residual, kTol, what);
    return;
  }
  const at::Tensor want = skinny_linear_ref(a), got = skinny_linear_cuda(a);
  ASSERT_EQ(got.scalar_type(), want.scalar_type()) << what;
  worst.expect_close(got, want, kTol, what);
}

TEST(KernelsGpuSkinnyLinear, MatchesReferenceOverTheGrid) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("skinny_linear grid");
  int cases = 0;
  for (int e = 0; e < 5; ++e) {
    for (int64_t M : {1, 2}) {
      for (bool norm : {false, true}) {
        for (bool bias : {false, true}) {
          // N = 96 / 2048: K split across warps or not; N = 7 (odd, store only: the halves need an even N);
          // N = 8192 at K = 2560: a 40 MiB matrix, which takes the kernel's large-matrix register batch.
          for (int64_t N : {96, 2048, 7, 8192}) {
            if (N % 2 != 0 && kEpilogues[e] == SkinnyEpilogue::silu_gate_halves) continue;
            for (int64_t K : {256, 2560}) {
              if (N == 8192 && K != 2560) continue;
              std::ostringstream what;
              what << "seed " << seed << " " << kEpilogueNames[e] << " M=" << M << " N=" << N << " K=" << K
                   << (norm ? " norm" : "") << (bias ? " bias" : "");
              Case c = make_case(M, N, K, norm, bias, kEpilogues[e]);
              expect_matches(c, worst, what.str());
              ++cases;
            }
          }
        }
      }
    }
  }
  // A strided input: x is a column slice of a wider tensor (row stride 192, K 160), as the dt projection reads it.
  for (int64_t M : {1, 2}) {
    Case c = make_case(M, 5120, 160, false, false, SkinnyEpilogue::store, 192);
    ASSERT_EQ(c.args.x.stride(0), 192);
    expect_matches(c, worst, "seed " + std::to_string(seed) + " strided x M=" + std::to_string(M));
    ++cases;
  }
  // A LayerNorm whose weight and bias do not start on a 16-byte boundary (views one element into wider tensors),
  // which the kernel stages element by element.
  for (int64_t M : {1, 2}) {
    Case c = make_case(M, 2048, 2560, true, true, SkinnyEpilogue::store);
    c.args.norm.weight = at::cat({c.args.norm.weight.narrow(0, 0, 1), c.args.norm.weight}).narrow(0, 1, 2560);
    c.args.norm.bias = at::cat({c.args.norm.bias.narrow(0, 0, 1), c.args.norm.bias}).narrow(0, 1, 2560);
    ASSERT_NE(reinterpret_cast<std::uintptr_t>(c.args.norm.weight.data_ptr()) % 16, 0u);
    expect_matches(c, worst, "seed " + std::to_string(seed) + " unaligned norm M=" + std::to_string(M));
    ++cases;
  }
  std::cout << "RESULT skinny_linear grid: " << cases << " cases\n";
}

// The QKV projection with the K/V append fused (SambaY's attention shape, a ring of 512 rows): the output and both
// caches as the reference writes them, at M = 1 and 2, a padding row whose slot is out of range left out by both.
TEST(KernelsGpuSkinnyLinear, KvAppendMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("skinny_linear kv append");
  const int64_t Hq = 40, Hkv = 20, dh = 64, S = 4, C = 512;
  const auto bf = at::TensorOptions().dtype(at::kBFloat16).device(at::kCUDA);
  const auto i64 = at::TensorOptions().dtype(at::kLong).device(at::kCUDA);
  for (int64_t M : {1, 2}) {
    Case c = make_case(M, (Hq + 2 * Hkv) * dh, 2560, true, true, SkinnyEpilogue::store);
    SkinnyLinearArgs& a = c.args;
    const at::Tensor k0 = at::randn({S, Hkv, C, dh}, bf), v0 = at::randn({S, Hkv, C, dh}, bf);
    const at::Tensor slots = M == 1 ? at::tensor({2}, i64) : at::tensor({3, 1}, i64);
    const at::Tensor rows = M == 1 ? at::tensor({511}, i64) : at::tensor({7, 300}, i64);
    a.kv_append = {k0.clone(), v0.clone(), slots, rows, Hq * dh};
    SkinnyLinearArgs ref = a;
    ref.kv_append.k_cache = k0.clone(), ref.kv_append.v_cache = v0.clone();
    const std::string what = "seed " + std::to_string(seed) + " M=" + std::to_string(M);
    const at::Tensor want = skinny_linear_ref(ref), got = skinny_linear_cuda(a);
    worst.expect_close(got, want, kTol, what + " output");
    worst.expect_close(a.kv_append.k_cache, ref.kv_append.k_cache, kTol, what + " k_cache");
    worst.expect_close(a.kv_append.v_cache, ref.kv_append.v_cache, kTol, what + " v_cache");
    // The cache rows hold exactly the output's rounded K/V columns.
    const at::Tensor k_row = a.kv_append.k_cache[slots[0].item<int64_t>()].select(1, rows[0].item<int64_t>());
    EXPECT_TRUE(at::equal(k_row.reshape({-1}), got[0].narrow(0, Hq * dh, Hkv * dh))) << what;
  }
  // A padding row on an out-of-range slot: the kernel skips it, the rest is written.
  Case c = make_case(2, (Hq + 2 * Hkv) * dh, 2560, true, true, SkinnyEpilogue::store);
  const at::Tensor k0 = at::randn({S, Hkv, C, dh}, bf);
  c.args.kv_append = {k0.clone(), k0.clone(), at::tensor({int64_t{1}, S}, i64), at::tensor({5, 5}, i64), Hq * dh};
  const at::Tensor got = skinny_linear_cuda(c.args);
  EXPECT_TRUE(at::equal(c.args.kv_append.k_cache.narrow(0, 0, 1), k0.narrow(0, 0, 1)));
  EXPECT_TRUE(at::equal(c.args.kv_append.k_cache[1].select(1, 5).reshape({-1}), got[0].narrow(0, Hq * dh, Hkv * dh)));
}

TEST(KernelsGpuSkinnyLinear, RejectsWhatItCannotTake) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  Case c = make_case(kSkinnyMaxRows + 1, 64, 256, false, false, SkinnyEpilogue::store);  // the matrix-product path
  EXPECT_FALSE(skinny_linear_kernel_fits(c.args));
  EXPECT_EQ(skinny_linear(c.args).sizes(), (at::IntArrayRef{kSkinnyMaxRows + 1, 64}));  // dispatched to the reference
  Case odd_k = make_case(1, 64, 100, false, false, SkinnyEpilogue::store);  // K % 8 != 0
  EXPECT_FALSE(skinny_linear_kernel_fits(odd_k.args));
  Case wide_norm = make_case(1, 64, 8192, true, false, SkinnyEpilogue::store);  // normalised rows past 4096
  EXPECT_FALSE(skinny_linear_kernel_fits(wide_norm.args));
  Case bad = make_case(2, 64, 256, false, false, SkinnyEpilogue::silu_gate_value);
  bad.args.value = bad.args.value.narrow(1, 0, 32);
  EXPECT_THROW(skinny_linear(bad.args), std::invalid_argument);
}

TEST(KernelsGpuSkinnyLinear, RealShapesBandwidth) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  // The copy bandwidth here, read + write bytes over time, as rbench bench measures it.
  const at::Tensor src = at::empty({int64_t{1} << 29}, at::TensorOptions().dtype(at::kByte).device(at::kCUDA));
  at::Tensor dst = at::empty_like(src);
  const double copy_s = gpu_check::seconds_per_call([&] { dst.copy_(src); }, 20);
  const double copy_gbs = 2.0 * static_cast<double>(src.numel()) / copy_s / 1e9;
  std::cout << "RESULT skinny_linear copy bandwidth " << copy_gbs << " GB/s\n";
  gpu_check::WorstRatio worst("skinny_linear real shapes");
  struct Shape {
    const char* name;
    int64_t N, K;
    bool norm, bias;
    SkinnyEpilogue e;
    int64_t x_stride;
  };
  const Shape shapes[] = {
      {"mamba in_proj", 10240, 2560, true, false, SkinnyEpilogue::store, 0},
      {"mamba x_proj", 192, 5120, false, false, SkinnyEpilogue::store, 0},
      {"mamba dt_proj", 5120, 160, false, false, SkinnyEpilogue::store, 192},
      {"mamba out_proj", 2560, 5120, false, false, SkinnyEpilogue::add_to_residual, 0},
      {"attn Wqkv", 5120, 2560, true, true, SkinnyEpilogue::store, 0},
      {"attn out_proj", 2560, 2560, false, true, SkinnyEpilogue::add_to_residual, 0},
      {"gmu in_proj", 5120, 2560, true, false, SkinnyEpilogue::silu_gate_value, 0},
      {"mlp fc1", 20480, 2560, true, false, SkinnyEpilogue::silu_gate_halves, 0},
      {"mlp fc2", 2560, 10240, false, false, SkinnyEpilogue::add_to_residual, 0},
      {"lm_head", 200064, 2560, true, false, SkinnyEpilogue::store_float, 0},
  };
  for (int64_t M : {1, 2}) {
    for (const Shape& s : shapes) {
      Case c = make_case(M, s.N, s.K, s.norm, s.bias, s.e, s.x_stride);
      const std::string what = "seed " + std::to_string(seed) + " " + s.name + " M=" + std::to_string(M);
      expect_matches(c, worst, what);
      SkinnyLinearArgs& a = c.args;
      // Timed over copies of the weight that together exceed the L2 cache, as a decode step streams its weights.
      const double weight_bytes = 2.0 * static_cast<double>(s.N * s.K);
      std::vector<at::Tensor> copies{a.weight};
      while (static_cast<double>(copies.size()) * weight_bytes < 256e6) copies.push_back(a.weight.clone());
      std::size_t next = 0;
      const double kernel_s = gpu_check::seconds_per_call(
          [&] {
            a.weight = copies[next++ % copies.size()];
            skinny_linear_cuda(a);
          },
          50);
      const double ref_s = gpu_check::seconds_per_call(
          [&] {
            a.weight = copies[next++ % copies.size()];
            skinny_linear_ref(a);
          },
          50);
      std::cout << "RESULT skinny_linear " << s.name << " M=" << M << " N=" << s.N << " K=" << s.K << ": kernel "
                << kernel_s * 1e6 << " us (" << weight_bytes / kernel_s / 1e9 << " GB/s of weights, "
                << 100 * weight_bytes / kernel_s / 1e9 / copy_gbs << "% of copy), reference " << ref_s * 1e6
                << " us\n";
    }
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
