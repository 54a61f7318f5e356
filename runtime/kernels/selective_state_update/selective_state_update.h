// Batched Mamba-1 decode step (selective state update), one token for each of B sequences:
//   dt' = softplus(dt + dt_bias) when asked, else dt + dt_bias (dt_bias optional);
//   h[b,d,:] <- exp(dt'[b,d] * A[d,:]) * h[b,d,:] + dt'[b,d] * x[b,d] * B[b,:];
//   y[b,d] = (C[b,:] . h[b,d,:] + D[d] * x[b,d]) * (z given ? silu(z[b,d]) : 1).
// Shapes: state [B, d_inner, N] float32, updated in place; x, dt, z [B, d_inner]; B, C [B, N] (x, dt, z, B, C share
// one dtype: float32, bfloat16 or float16; their rows may be strided, e.g. column slices of one projection output,
// as long as each row is contiguous); A [d_inner, N], D [d_inner], dt_bias [d_inner] float32. Returns y
// [B, d_inner] contiguous, float32 unless SelectiveStateUpdateFusion::y_dtype says otherwise.
// Fusions (SelectiveStateUpdateFusion, each off by default), so that the batch-1 decode step needs fewer launches:
//   - dt_proj_weight [d_inner, R] in x's dtype, 1 <= R <= kSelectiveStateUpdateMaxDtRank: dt is then the low-rank
//     input [B, R] (the first R columns of x_proj's output) and the update first computes
//     dt[b, d] = sum_r dt_proj_weight[d, r] * dt[b, r] in float32, rounded to x's dtype (what the separate linear
//     stores), then goes on as above;
//   - y_dtype: float32 or x's dtype; y is computed in float32 and rounded to nearest even at the store, so it equals
//     .to(y_dtype) of the float32 result (the memory layer's rounding before the GMU gate, spec 4.4 step 8).
// Slots (optional, for a state pool): slots int64 [B] on the state's device; then state is [S, d_inner, N] with
// S >= B and row b reads and writes state[slots[b]] in place (h[b] above means h[slots[b]]); the other S - B rows
// are untouched. Slots must be distinct and in [0, S): the reference checks this on CPU; the kernel cannot without
// a host read (it would break CUDA-graph capture), so it leaves the state of an out-of-range slot alone and
// writes NaN to that row of y. selective_state_update dispatches: CUDA tensors go to the fused kernel (when built with
// CUDA), CPU tensors to selective_state_update_ref, the plain LibTorch oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

// The neighbouring ops of the decode step that the update can take over; each default is the plain update.
struct SelectiveStateUpdateFusion {
  at::Tensor dt_proj_weight;            // undefined: dt is [B, d_inner]; defined: dt is [B, R] (see above)
  at::ScalarType y_dtype = at::kFloat;  // or x's dtype
};

// The largest dt rank R of the fused dt projection (Phi-4-mini-flash: 160); larger ranks are refused.
inline constexpr int64_t kSelectiveStateUpdateMaxDtRank = 256;

// The largest batch for which callers should fuse the dt projection: each sequence re-reads the [d_inner, R] weight
// (from L2 after the first), so at large batch a separate matrix product is cheaper. Measured on the H100
// (KernelsGpuMambaFusion.FusedDtProjectionTimings, Phi-4-mini-flash shape, CUDA graph, us per step, fused against
// separate linear + update): batch 1 4.0 vs 5.7, 2 4.9 vs 6.6, 4 8.3 vs 8.4, 8 13.9 vs 12.5.
inline constexpr int64_t kSelectiveStateUpdateFuseDtMaxBatch = 4;

at::Tensor selective_state_update(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A,
                                  const at::Tensor& B, const at::Tensor& C, const at::Tensor& D, const at::Tensor& z,
                                  const at::Tensor& dt_bias, bool dt_softplus, const at::Tensor& slots = {},
                                  const SelectiveStateUpdateFusion& fusion = {});

at::Tensor selective_state_update_ref(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                      const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                      const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                      bool dt_softplus, const at::Tensor& slots = {},
                                      const SelectiveStateUpdateFusion& fusion = {});

// The CUDA kernel (defined only when built with CUDA); launched on the current stream.
at::Tensor selective_state_update_cuda(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       bool dt_softplus, const at::Tensor& slots = {},
                                       const SelectiveStateUpdateFusion& fusion = {});

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit (slot values
// are not read: that would need the device's data).
void check_selective_state_update_args(const at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       const at::Tensor& slots = {},
                                       const SelectiveStateUpdateFusion& fusion = {});

}  // namespace rbench::runtime::kernels
