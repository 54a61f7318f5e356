// Batched causal depthwise conv for one decode token of each of B sequences (the Mamba conv step):
//   window[b] = [conv_state[b] (the last W-1 inputs, oldest first), x[b]]           [W, d]
//   out[b, d] = sum_k window[b, k, d] * weight[d, k] + bias[d], then SiLU when asked;
//   conv_state[b] <- window[b, 1:]   (in place: the oldest input drops out, x enters).
// Shapes: conv_state [B, W-1, d] and x [B, d] in one dtype (float32, bfloat16 or float16; x's rows may be strided,
// e.g. a column slice of the in_proj output, as long as each row is contiguous); the [W-1, d] layout per sequence is
// the runtime's MambaState::conv, so a channel's taps are d apart and a warp reads consecutive channels. weight
// [d, W] float32 (tap W-1 multiplies x), bias [d] float32 (optional). Returns out [B, d] contiguous, computed in
// float32 and stored as out_dtype: float32 (the default) or x's dtype, rounded to nearest even from the float32
// value, so that it equals .to(x's dtype) of the float32 result without a second launch.
// Slots (optional, for a state pool): slots int64 [B] on the state's device; then conv_state is [S, W-1, d] with
// S >= B and sequence b reads and shifts conv_state[slots[b]] in place; the other rows are untouched. Slots must be
// distinct and in [0, S): the reference checks this on CPU; the kernel cannot without a host read (it would break
// CUDA-graph capture), so it leaves the state of an out-of-range slot alone and writes NaN to that row of out.
// causal_conv1d_update dispatches CUDA tensors to the kernel (when built with CUDA, W <= 8) and CPU tensors to
// causal_conv1d_update_ref, the plain LibTorch oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor causal_conv1d_update(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                const at::Tensor& bias, bool silu, const at::Tensor& slots = {},
                                at::ScalarType out_dtype = at::kFloat);

at::Tensor causal_conv1d_update_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, bool silu, const at::Tensor& slots = {},
                                    at::ScalarType out_dtype = at::kFloat);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream.
at::Tensor causal_conv1d_update_cuda(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                     const at::Tensor& bias, bool silu, const at::Tensor& slots = {},
                                     at::ScalarType out_dtype = at::kFloat);

// The widest conv the CUDA kernel holds in registers; wider ones take the reference (on the GPU too).
inline constexpr int64_t kCausalConv1dUpdateMaxWidth = 8;

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_causal_conv1d_update_args(const at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                     const at::Tensor& bias, const at::Tensor& slots = {},
                                     at::ScalarType out_dtype = at::kFloat);

}  // namespace rbench::runtime::kernels
