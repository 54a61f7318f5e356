// Causal depthwise conv over a chunk of L tokens of one sequence (the Mamba prefill conv), continuing from the last
// W-1 inputs of earlier chunks:
//   padded = [conv_state (W-1 rows, oldest first) ; x (L rows)]                                   [W-1+L, d]
//   out[t, c] = sum_k padded[t + k, c] * weight[c, k] + bias[c], then SiLU when asked            (k = 0..W-1)
//   conv_state <- padded[L : L+W-1]   (the last W-1 inputs, in place).
// This is mamba_mixer's at::conv1d over the padded window with groups = d, computed in float32.
// Shapes: conv_state [W-1, d] contiguous and x [L, d] in one dtype (float32, bfloat16 or float16; x's rows may be
// strided, e.g. a column slice of the in_proj output, as long as each row is contiguous); weight [d, W] float32
// (tap W-1 multiplies the newest input), bias [d] float32 (optional). Returns out [L, d] in x's dtype, computed in
// float32 and rounded once (what the mixer feeds x_proj and the scan).
// causal_conv1d dispatches CUDA tensors to the kernel (when built with CUDA, W <= 8) and CPU tensors to
// causal_conv1d_ref, the plain LibTorch oracle with the same signature. The one-token decode step is
// kernels/causal_conv1d_update.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor causal_conv1d(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                         const at::Tensor& bias, bool silu);

at::Tensor causal_conv1d_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                             const at::Tensor& bias, bool silu);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor causal_conv1d_cuda(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                              const at::Tensor& bias, bool silu);

// The widest conv the CUDA kernel holds in registers; wider ones take the reference (on the GPU too).
inline constexpr int64_t kCausalConv1dMaxWidth = 8;

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_causal_conv1d_args(const at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                              const at::Tensor& bias);

}  // namespace rbench::runtime::kernels
