// The Mamba-1 mixer (spec 4.4), stateless: in_proj -> causal depthwise conv (state: last d_conv-1 inputs) -> SiLU
// -> x_proj -> softplus(dt_proj + bias) -> selective scan (FP32 state) -> D skip -> SiLU(z) gate -> out_proj.
// The memory layer also returns its scan output y (before the gate), rounded to the compute dtype, for the GMUs.
#pragma once

#include <ATen/ATen.h>

#include "runtime/state/sequence_state.h"

namespace rbench::runtime::layers {

struct MambaWeights {
  at::Tensor in_proj;        // [2 d_inner, D]: rows [0, d_inner) x, [d_inner, 2 d_inner) z
  at::Tensor conv_weight;    // [d_inner, d_conv] float32 (tap d_conv-1 multiplies the newest input)
  at::Tensor conv_bias;      // [d_inner] float32
  at::Tensor x_proj;         // [R + 2N, d_inner]
  at::Tensor dt_proj;        // [d_inner, R]
  at::Tensor dt_bias;        // [d_inner] float32
  at::Tensor A;              // [d_inner, N] float32, = -exp(A_log)
  at::Tensor D;              // [d_inner] float32
  at::Tensor out_proj;       // [D, d_inner]
};

struct MambaOutput {
  at::Tensor out;     // [L, D], compute dtype
  at::Tensor memory;  // [L, d_inner] when asked for, else undefined
};

// x: [L, D] (compute dtype), the next L tokens of the sequence whose state is `state`.
MambaOutput mamba_mixer(const at::Tensor& x, const MambaWeights& w, MambaState& state, bool export_memory);

// The batched sequence form (training): x [B, T, D] holds positions 0 .. T-1 of B sequences, from a zero conv and
// SSM state; nothing is written, and the result is differentiable in every weight (the scan is one autograd node,
// layers/sequence_scan.h). Returns out [B, T, D] and, when asked, memory [B, T, d_inner].
MambaOutput mamba_mixer_sequence(const at::Tensor& x, const MambaWeights& w, bool export_memory);

}  // namespace rbench::runtime::layers
