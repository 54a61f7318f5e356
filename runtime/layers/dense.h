// The small stateless blocks of a SambaY layer: LayerNorm with bias, the gated SiLU MLP and the gated memory unit.
// Activations are [L, features] in the compute dtype; the products of gates are formed in float32 and rounded
// back, as the reference does.
#pragma once

#include <ATen/ATen.h>

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
  at::Tensor gate_up = at::linear(x, w.fc1);                 // [L, 2I]
  const int64_t inner = w.fc2.size(1);
  at::Tensor gate = gate_up.narrow(-1, 0, inner).to(at::kFloat);
  at::Tensor up = gate_up.narrow(-1, inner, inner).to(at::kFloat);
  return at::linear((up * at::silu(gate)).to(x.scalar_type()), w.fc2);  // [L, D]
}

struct GmuWeights {
  at::Tensor in_proj;   // [d_inner, D]
  at::Tensor out_proj;  // [D, d_inner]
};

// memory: [L, d_inner], the memory layer's scan output for the same tokens.
inline at::Tensor gated_memory_unit(const at::Tensor& x, const at::Tensor& memory, const GmuWeights& w) {
  at::Tensor gate = at::silu(at::linear(x, w.in_proj).to(at::kFloat));   // [L, d_inner]
  return at::linear((gate * memory.to(at::kFloat)).to(x.scalar_type()), w.out_proj);
}

}  // namespace rbench::runtime::layers
