// Mamba-1 selective scan: the recurrence h_t = exp(dt_t * A) * h_{t-1} + dt_t * B_t * x_t, y_t = C_t . h_t + D * x_t,
// for a chunk of L tokens (prefill; the decode step is kernels/selective_state_update). All inputs and the state are float32.
// Shapes: x, dt [L, d_inner]; A [d_inner, N]; B, C [L, N]; D [d_inner]; state [d_inner, N] (updated in place).
// The _ref versions are plain LibTorch: the oracle for any fused CUDA kernel (issue 7).
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

// Returns y [L, d_inner]; `state` enters as h_{-1} and leaves as h_{L-1}.
at::Tensor selective_scan_ref(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                              const at::Tensor& C, const at::Tensor& D, at::Tensor& state);


}  // namespace rbench::runtime::kernels
