// Mamba-1 selective scan over a chunk of L tokens of one sequence (prefill; the decode step is
// kernels/selective_state_update):
//   dt'_t = softplus(dt_t + dt_bias) when asked, else dt_t + dt_bias (dt_bias optional);
//   h_t = exp(dt'_t * A) * h_{t-1} + dt'_t * x_t * B_t;   y_t = (C_t . h_t + D * x_t) * (z given ? silu(z_t) : 1).
// Shapes: x, dt, z [L, d_inner]; B, C [L, N] (x, dt, z, B, C share one dtype: float32, bfloat16 or float16; rows may be
// strided, e.g. column slices of one projection output, as long as each row is contiguous); A [d_inner, N],
// D [d_inner], dt_bias [d_inner] float32; state [d_inner, N] float32 contiguous, enters as h_{-1} and leaves as
// h_{L-1}. Returns y [L, d_inner] in x's dtype: computed in float32 and rounded once (the inputs are widened on load,
// so callers pass the compute-dtype projections as they come).
// selective_scan dispatches: CUDA tensors go to the kernel (when built with CUDA, N <= 64), CPU tensors to
// selective_scan_ref, the plain LibTorch oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                          const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z = {},
                          const at::Tensor& dt_bias = {}, bool dt_softplus = false);

at::Tensor selective_scan_ref(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                              const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z = {},
                              const at::Tensor& dt_bias = {}, bool dt_softplus = false);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor selective_scan_cuda(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z = {},
                               const at::Tensor& dt_bias = {}, bool dt_softplus = false);

// The largest state size N the CUDA kernel holds in registers; larger states take the reference (on the GPU too).
inline constexpr int64_t kSelectiveScanMaxStateSize = 64;

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_selective_scan_args(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D, const at::Tensor& state, const at::Tensor& z,
                               const at::Tensor& dt_bias);

}  // namespace rbench::runtime::kernels
