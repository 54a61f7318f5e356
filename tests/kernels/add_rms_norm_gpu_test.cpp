// The CUDA residual add + RMSNorm against its LibTorch reference on CPU, over a declared grid, on fresh random
// inputs: R 1 / 7 / 64 / 2048, D 3072 (Phi-4-mini) / 1000 (not a multiple of 4: the scalar path) / 4096 (the widest
// in registers) / 5000 (past it: the reference on the GPU), dtype float32 / bfloat16 / float16, delta present or
// absent; a delta that starts one element into its buffer (misaligned: the scalar path). The updated residual must
// match bit for bit (one float32 add, one rounding on both sides). Tolerances: the normalised row and the product by
// the weight are each rounded once to the dtype, so a half-way case may round apart by one unit at each: 2 units of
// 2^-8 relative for bfloat16, of 2^-11 for float16; float32 differs in the order of sums and rsqrtf only.
// RESULT line: the kernel against the reference run on the GPU at Phi-4-mini's width.
#include <map>
#include <sstream>

#include "runtime/kernels/add_rms_norm/add_rms_norm.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
const std::map<at::ScalarType, Tolerance> kTolerance = {
    {at::kFloat, {1e-5, 1e-5}}, {at::kBFloat16, {1e-2, 1.6e-2}}, {at::kHalf, {1e-3, 2e-3}}};

TEST(KernelsGpuAddRmsNorm, MatchesReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("add_rms_norm");
  for (int64_t cols : {3072, 1000, 4096, 5000}) {
    for (int64_t rows : {1, 7, 64, 2048}) {
      for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
        for (bool with_delta : {true, false}) {
          std::ostringstream what;
          what << "seed " << seed << " R=" << rows << " D=" << cols << " " << at::toString(dtype)
               << (with_delta ? " delta" : " no delta");
          const at::Tensor residual0 = (at::randn({rows, cols}) * 4 + 1).to(dtype);
          const at::Tensor delta = with_delta ? at::randn({rows, cols}).to(dtype) : at::Tensor();
          const at::Tensor weight = (at::randn({cols}) * 0.5 + 1).to(dtype);
          at::Tensor residual_ref = residual0.clone(), residual_gpu = residual0.cuda();
          const at::Tensor want = add_rms_norm_ref(residual_ref, delta, weight, 1e-5);
          const at::Tensor got =
              add_rms_norm(residual_gpu, with_delta ? delta.cuda() : at::Tensor(), weight.cuda(), 1e-5);
          ASSERT_TRUE(got.is_cuda());
          ASSERT_EQ(got.scalar_type(), dtype) << what.str();
          worst.expect_close(got, want, kTolerance.at(dtype), what.str() + " out");
          EXPECT_TRUE(at::equal(residual_gpu.cpu(), residual_ref)) << what.str() << " residual";
        }
      }
    }
  }
  // A delta one element into its buffer: contiguous but not 8-byte aligned.
  const at::Tensor flat = at::randn({64 * 3072 + 1}).to(at::kBFloat16);
  const at::Tensor delta = flat.narrow(0, 1, 64 * 3072).view({64, 3072});
  const at::Tensor residual0 = at::randn({64, 3072}).to(at::kBFloat16), weight = at::randn({3072}).to(at::kBFloat16);
  at::Tensor residual_ref = residual0.clone(), residual_gpu = residual0.cuda();
  const at::Tensor delta_gpu = flat.cuda().narrow(0, 1, 64 * 3072).view({64, 3072});
  const at::Tensor want = add_rms_norm_ref(residual_ref, delta, weight, 1e-5);
  worst.expect_close(add_rms_norm(residual_gpu, delta_gpu, weight.cuda(), 1e-5), want, kTolerance.at(at::kBFloat16),
                     "misaligned delta");
  EXPECT_TRUE(at::equal(residual_gpu.cpu(), residual_ref)) << "misaligned delta residual";
}

TEST(KernelsGpuAddRmsNorm, BeatsReferenceOnGpu) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto bf16 = at::TensorOptions().device(at::kCUDA).dtype(at::kBFloat16);
  for (int64_t rows : {64, 2048}) {
    const int64_t cols = 3072;
    at::Tensor residual = at::randn({rows, cols}, bf16);
    const at::Tensor delta = at::randn({rows, cols}, bf16) * 1e-3, weight = at::randn({cols}, bf16);
    const double kernel_s = gpu_check::seconds_per_call([&] { add_rms_norm(residual, delta, weight, 1e-5); }, 200);
    const double ref_s = gpu_check::seconds_per_call([&] { add_rms_norm_ref(residual, delta, weight, 1e-5); }, 200);
    const double bytes = static_cast<double>(rows) * cols * (2 + 2 + 2 + 2);  // residual in/out, delta, out
    std::cout << "RESULT add_rms_norm R=" << rows << " D=3072 bf16: kernel " << kernel_s * 1e6 << " us ("
              << bytes / kernel_s / 1e9 << " GB/s), LibTorch reference on GPU " << ref_s * 1e6 << " us\n";
    EXPECT_LT(kernel_s, ref_s);
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
