// The small stateless blocks of a SambaY layer: LayerNorm with bias, the gated SiLU MLP and the gated memory unit.
// Activations are [L, features] in the compute dtype; the products of gates are formed in float32 and rounded
// back, as the reference does. Inference calls take the fused SiLU gate (kernels/silu_gate, one CUDA launch on the
// GPU); differentiable calls (training) take the same math as LibTorch ops, since the kernel has no backward.
#pragma once

#include <ATen/ATen.h>

#include "runtime/kernels/silu_gate/silu_gate.h"

namespace rbench::runtime::layers {

struct LayerNormWeights {
  at::Tensor weight, bias;  // [D]
};

inline at::Tensor layer_norm(const at::Tensor& x, const LayerNormWeights& w, double eps) {
  return at::layer_norm(x, {x.size(-1)}, w.weight, w.bias, eps);
}

struct GatedMlpWeights {
  at::Tensor fc1;  // [2I, D]: rows [0, I) gate, [I, 2I) up
  at::Tensor fc2;  // [D, I]
};

inline at::Tensor gated_mlp(const at::Tensor& x, const GatedMlpWeights& w) {
  at::Tensor gate_up = at::linear(x, w.fc1);                 // [..., 2I]
  const int64_t inner = w.fc2.size(1);
  at::Tensor gate = gate_up.narrow(-1, 0, inner), up = gate_up.narrow(-1, inner, inner);
  if (gate_up.dim() != 2 || gate_up.requires_grad()) {  // batched or differentiable (training): LibTorch ops
    return at::linear((up.to(at::kFloat) * at::silu(gate.to(at::kFloat))).to(x.scalar_type()), w.fc2);
  }
  return at::linear(kernels::silu_gate(gate, up), w.fc2);   // [L, D]
}

struct GmuWeights {
  at::Tensor in_proj;   // [d_inner, D]
  at::Tensor out_proj;  // [D, d_inner]
};

// memory: [L, d_inner], the memory layer's scan output for the same tokens.
inline at::Tensor gated_memory_unit(const at::Tensor& x, const at::Tensor& memory, const GmuWeights& w) {
  at::Tensor gate = at::linear(x, w.in_proj);                // [..., d_inner]
  if (gate.dim() != 2 || gate.requires_grad() || memory.requires_grad()) {  // training: LibTorch ops
    return at::linear((at::silu(gate.to(at::kFloat)) * memory.to(at::kFloat)).to(x.scalar_type()), w.out_proj);
  }
  return at::linear(kernels::silu_gate(gate, memory), w.out_proj);
}

}  // namespace rbench::runtime::layers
