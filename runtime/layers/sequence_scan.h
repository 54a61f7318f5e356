// The Mamba-1 selective scan of a batch of whole sequences from a zero state, differentiable: training's form
// (the engine's per-sequence prefill and decode use runtime/kernels/). On the CPU the recurrence
//   h_t = exp(dt_t A) h_{t-1} + dt_t x_t B_t,   y_t = C_t . h_t
// runs as one autograd node with a hand-written forward loop and its exact reverse-mode loop (the states h_t are
// kept for it): a step-by-step loop of LibTorch ops puts about ten tiny autograd nodes per token and layer into
// the graph, and their overhead, not arithmetic, was most of a training step. Elsewhere (CUDA) it falls back to
// that plain op loop.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::layers {

// x, dt [B, T, d_inner] float32 (dt after softplus); A [d_inner, N]; Bm, Cm [B, T, N]; D [d_inner].
// Returns y [B, T, d_inner] = C_t . h_t + D x_t, float32.
at::Tensor selective_scan_sequence(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& Bm,
                                   const at::Tensor& Cm, const at::Tensor& D);

}  // namespace rbench::runtime::layers
