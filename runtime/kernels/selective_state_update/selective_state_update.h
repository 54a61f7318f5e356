// Batched Mamba-1 decode step (selective state update), one token for each of B sequences:
//   dt' = softplus(dt + dt_bias) when asked, else dt + dt_bias (dt_bias optional);
//   h[b,d,:] <- exp(dt'[b,d] * A[d,:]) * h[b,d,:] + dt'[b,d] * x[b,d] * B[b,:];
//   y[b,d] = (C[b,:] . h[b,d,:] + D[d] * x[b,d]) * (z given ? silu(z[b,d]) : 1).
// Shapes: state [B, d_inner, N] float32, updated in place; x, dt, z [B, d_inner]; B, C [B, N] (x, dt, z, B, C share
// one dtype: float32, bfloat16 or float16); A [d_inner, N], D [d_inner], dt_bias [d_inner] float32. Returns y
// [B, d_inner] float32.
// Slots (optional, for a state pool): slots int64 [B] on the state's device; then state is [S, d_inner, N] with
// S >= B and row b reads and writes state[slots[b]] in place (h[b] above means h[slots[b]]); the other S - B rows
// are untouched. Slots must be distinct and in [0, S): the reference checks this on CPU; the kernel cannot without
// a host read (it would break CUDA-graph capture), so it leaves the state of an out-of-range slot alone and
// writes NaN to that row of y. selective_state_update dispatches: CUDA tensors go to the fused kernel (when built with
// CUDA), CPU tensors to selective_state_update_ref, the plain LibTorch oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor selective_state_update(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A,
                                  const at::Tensor& B, const at::Tensor& C, const at::Tensor& D, const at::Tensor& z,
                                  const at::Tensor& dt_bias, bool dt_softplus,
                                  const at::Tensor& slots = {});

at::Tensor selective_state_update_ref(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                      const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                      const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                      bool dt_softplus, const at::Tensor& slots = {});

// The CUDA kernel (defined only when built with CUDA); launched on the current stream.
at::Tensor selective_state_update_cuda(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       bool dt_softplus, const at::Tensor& slots = {});

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit (slot values
// are not read: that would need the device's data).
void check_selective_state_update_args(const at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       const at::Tensor& slots = {});

}  // namespace rbench::runtime::kernels
