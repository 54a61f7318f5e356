// Residual add fused with the next RMSNorm, for a residual stream kept in the compute dtype (Phi3, as transformers'
// Phi3 keeps it; SambaY's float32 stream is add_layer_norm's):
//   residual = (residual.to(float32) + delta.to(float32)).to(dtype)      (in place; skipped when delta is undefined)
//   out = weight * (residual.to(float32) * rsqrt(mean(residual.to(float32)^2) + eps)).to(dtype)
// with the product by the weight formed in float32 and rounded once to dtype. This is phi3.cpp's
// `h = h + delta; phi3_rms_norm(h, weight, eps)` with the same roundings: the add rounds to dtype before the
// statistics, the normalised row rounds to dtype before the weight.
// Shapes: residual [R, D] contiguous, delta [R, D] (or undefined), weight [D], all in one dtype (float32, bfloat16
// or float16) on one device. Returns out [R, D] in that dtype.
// add_rms_norm dispatches CUDA tensors to the kernel (when built with CUDA: one block per row, D <= 4096; wider rows
// take the reference, which runs on the GPU too) and CPU tensors to add_rms_norm_ref, the plain LibTorch oracle with
// the same signature.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace rbench::runtime::kernels {

at::Tensor add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps);

at::Tensor add_rms_norm_ref(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor add_rms_norm_cuda(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps);

// The widest row the CUDA kernel holds in registers; wider rows go to the reference.
inline constexpr int64_t kAddRmsNormMaxCols = 4096;

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_add_rms_norm_args(const at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight);

}  // namespace rbench::runtime::kernels
