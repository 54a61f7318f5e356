// The CUDA residual add + LayerNorm and SiLU gate against their LibTorch references on CPU, over declared grids, on
// fresh random inputs. add_layer_norm: R 1 / 7 / 64 / 2048, D 2560 (SambaY) / 3072 (Phi3) / 1000 (not a multiple of 4:
// the scalar path) / 4096 (the widest in registers) / 5000 (past it: the reference on the GPU), output float32 /
// bfloat16 / float16, delta in the output dtype, float32 or absent; the updated residual must match bit for bit.
// silu_gate: R 1 / 7 / 64 / 2048, n 10240 (the MLP) / 5120 (the GMU) / 8192 (Phi3) / 37 (odd: the scalar path),
// gate and value as the two halves of one [R, 2n] tensor or as separate tensors. Tolerances: one rounding of the
// output dtype. RESULT lines: both kernels against the references run on the GPU at the real shapes.
#include <map>
#include <sstream>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"
#include "runtime/kernels/silu_gate/silu_gate.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
// Both sides compute in float32 and round once to the output dtype, so a half-way case may round apart by one unit:
// 2^-8 relative for bfloat16, 2^-11 for float16; float32 differs in the order of sums only.
const std::map<at::ScalarType, Tolerance> kTolerance = {
    {at::kFloat, {1e-5, 1e-5}}, {at::kBFloat16, {1e-2, 8e-3}}, {at::kHalf, {1e-3, 1e-3}}};
const at::ScalarType kDtypes[] = {at::kFloat, at::kBFloat16, at::kHalf};
const int64_t kRows[] = {1, 7, 64, 2048};

at::Tensor cuda_or_undefined(const at::Tensor& t) { return t.defined() ? t.cuda() : t; }

TEST(KernelsGpuNormGate, AddLayerNormMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("add_layer_norm");
  for (int64_t cols : {2560, 3072, 1000, 4096, 5000}) {
    for (int64_t rows : kRows) {
      for (at::ScalarType out : kDtypes) {
        for (int delta_kind = 0; delta_kind < 3; ++delta_kind) {  // in the output dtype, float32, absent
          std::ostringstream what;
          what << "seed " << seed << " R=" << rows << " D=" << cols << " out " << at::toString(out) << " delta "
               << (delta_kind == 0 ? at::toString(out) : delta_kind == 1 ? "Float" : "none");
          const at::Tensor residual0 = at::randn({rows, cols}) * 4 + 1;  // an offset mean, as a residual stream has
          const at::Tensor delta = delta_kind == 2 ? at::Tensor()
                                                   : at::randn({rows, cols}).to(delta_kind == 0 ? out : at::kFloat);
          const at::Tensor weight = (at::randn({cols}) * 0.5 + 1).to(out), bias = (at::randn({cols}) * 0.1).to(out);
          at::Tensor residual_ref = residual0.clone(), residual_gpu = residual0.cuda();
          const at::Tensor want = add_layer_norm_ref(residual_ref, delta, weight, bias, 1e-5, out);
          const at::Tensor got = add_layer_norm(residual_gpu, cuda_or_undefined(delta), weight.cuda(), bias.cuda(),
                                                1e-5, out);
          ASSERT_TRUE(got.is_cuda());
          ASSERT_EQ(got.scalar_type(), out) << what.str();
          worst.expect_close(got, want, kTolerance.at(out), what.str() + " out");
          EXPECT_TRUE(at::equal(residual_gpu.cpu(), residual_ref)) << what.str() << " residual";
        }
      }
    }
  }
  // No bias: the same kernel without the shift.
  at::Tensor residual = at::randn({7, 2560}), residual_gpu = residual.cuda();
  const at::Tensor weight = at::randn({2560}).to(at::kBFloat16);
  const at::Tensor want = add_layer_norm_ref(residual, at::Tensor(), weight, at::Tensor(), 1e-5, at::kBFloat16);
  worst.expect_close(add_layer_norm(residual_gpu, at::Tensor(), weight.cuda(), at::Tensor(), 1e-5, at::kBFloat16),
                     want, kTolerance.at(at::kBFloat16), "no bias");
}

TEST(KernelsGpuNormGate, SiluGateMatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("silu_gate");
  for (int64_t n : {10240, 5120, 8192, 37}) {
    for (int64_t rows : kRows) {
      for (at::ScalarType dtype : kDtypes) {
        for (bool halves : {true, false}) {
          std::ostringstream what;
          what << "seed " << seed << " R=" << rows << " n=" << n << " " << at::toString(dtype)
               << (halves ? " halves of [R, 2n]" : " separate");
          at::Tensor gate, value, gate_g, value_g;
          if (halves) {
            const at::Tensor both = (at::randn({rows, 2 * n}) * 3).to(dtype), both_g = both.cuda();
            gate = both.narrow(1, 0, n), value = both.narrow(1, n, n);
            gate_g = both_g.narrow(1, 0, n), value_g = both_g.narrow(1, n, n);
          } else {
            gate = (at::randn({rows, n}) * 3).to(dtype), value = at::randn({rows, n}).to(dtype);
            gate_g = gate.cuda(), value_g = value.cuda();
          }
          const at::Tensor got = silu_gate(gate_g, value_g);
          ASSERT_TRUE(got.is_cuda());
          ASSERT_EQ(got.scalar_type(), dtype);
          worst.expect_close(got, silu_gate_ref(gate, value), kTolerance.at(dtype), what.str());
        }
      }
    }
  }
  // A view that starts one element in (misaligned for 16-byte vectors) takes the scalar path.
  const at::Tensor wide = at::randn({64, 2 * 5120 + 1}).to(at::kBFloat16), wide_g = wide.cuda();
  worst.expect_close(silu_gate(wide_g.narrow(1, 1, 5120), wide_g.narrow(1, 5121, 5120)),
                     silu_gate_ref(wide.narrow(1, 1, 5120), wide.narrow(1, 5121, 5120)),
                     kTolerance.at(at::kBFloat16), "misaligned halves");
}

TEST(KernelsGpuNormGate, NormAndGateBeatReferencesOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const auto bf16 = cuda.dtype(at::kBFloat16);
  for (int64_t rows : {64, 2048}) {
    const int64_t cols = 2560;
    at::Tensor residual = at::randn({rows, cols}, cuda);
    const at::Tensor delta = at::randn({rows, cols}, bf16) * 1e-3;
    const at::Tensor weight = at::randn({cols}, bf16), bias = at::randn({cols}, bf16);
    const double kernel_s = gpu_check::seconds_per_call(
        [&] { add_layer_norm(residual, delta, weight, bias, 1e-5, at::kBFloat16); }, 200);
    const double ref_s = gpu_check::seconds_per_call(
        [&] { add_layer_norm_ref(residual, delta, weight, bias, 1e-5, at::kBFloat16); }, 200);
    const double bytes = static_cast<double>(rows) * cols * (4 + 4 + 2 + 2);  // residual in/out, delta, out
    std::cout << "RESULT add_layer_norm R=" << rows << " D=2560 bf16: kernel " << kernel_s * 1e6 << " us ("
              << bytes / kernel_s / 1e9 << " GB/s), LibTorch reference on GPU " << ref_s * 1e6 << " us\n";
    EXPECT_LT(kernel_s, ref_s);

    const int64_t inner = 10240;
    const at::Tensor gate_up = at::randn({rows, 2 * inner}, bf16);
    const at::Tensor gate = gate_up.narrow(1, 0, inner), up = gate_up.narrow(1, inner, inner);
    const double gate_s = gpu_check::seconds_per_call([&] { silu_gate(gate, up); }, 200);
    const double gate_ref_s = gpu_check::seconds_per_call([&] { silu_gate_ref(gate, up); }, 200);
    const double gate_bytes = static_cast<double>(rows) * inner * 2 * 3;  // gate, up in; out
    std::cout << "RESULT silu_gate R=" << rows << " n=10240 bf16 halves: kernel " << gate_s * 1e6 << " us ("
              << gate_bytes / gate_s / 1e9 << " GB/s), LibTorch reference on GPU " << gate_ref_s * 1e6 << " us\n";
    EXPECT_LT(gate_s, gate_ref_s);
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
