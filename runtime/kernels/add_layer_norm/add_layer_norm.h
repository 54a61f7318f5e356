// Residual add fused with the next LayerNorm (the pre-LN step between two blocks of a layer):
//   residual += delta.to(float32)                          (in place; skipped when delta is undefined)
//   out = layer_norm(residual.to(out_dtype)) * weight + bias, mean and biased variance over the last dim in float32,
//         rounded to out_dtype.
// This is sambay.cpp's `residual = residual + mixed.to(kFloat); layer_norm(residual.to(compute), ...)` with the
// same rounding: the normalised input is the residual rounded to out_dtype, as at::layer_norm sees it there.
// Shapes: residual [R, D] float32 contiguous; delta [R, D] float32, bfloat16 or float16 (or undefined); weight [D]
// and bias [D] (optional) in out_dtype (float32, bfloat16 or float16). Returns out [R, D] in out_dtype.
// add_layer_norm dispatches CUDA tensors to the kernel (when built with CUDA: one block per row, D <= 4096; larger
// rows take the reference, which runs on the GPU too) and CPU tensors to add_layer_norm_ref, the plain LibTorch
// oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor add_layer_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                          const at::Tensor& bias, double eps, at::ScalarType out_dtype);

at::Tensor add_layer_norm_ref(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                              const at::Tensor& bias, double eps, at::ScalarType out_dtype);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor add_layer_norm_cuda(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                               const at::Tensor& bias, double eps, at::ScalarType out_dtype);

// The widest row the CUDA kernel holds in registers; wider rows go to the reference.
inline constexpr int64_t kAddLayerNormMaxCols = 4096;

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_add_layer_norm_args(const at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                               const at::Tensor& bias, at::ScalarType out_dtype);

}  // namespace rbench::runtime::kernels
