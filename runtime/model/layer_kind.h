// The kinds of decoder layer a hybrid model is made of. Every architecture computes its per-layer kind list
// once from its config; the weight checks, the layer dispatch and the per-sequence state all derive from it.
#pragma once

#include <string_view>

namespace rbench::runtime {

enum class LayerKind {
  mamba,             // Mamba-1 mixer with its own conv and SSM state
  mamba_memory,      // Mamba-1 that also exports its scan output (pre-gate) as the GMU memory
  sliding_attention, // self attention over the last `window` tokens; a ring buffer of K/V
  full_attention,    // global causal self attention; its K/V are the one shared cache of the cross-decoder
  cross_attention,   // query-only attention over the shared K/V cache
  gmu,               // gated memory unit: out_proj(SiLU(in_proj(x)) * memory)
  causal_attention,  // Transformer self attention over every earlier token, with its own K/V cache
};

constexpr std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::mamba: return "mamba";
    case LayerKind::mamba_memory: return "mamba_memory";
    case LayerKind::sliding_attention: return "sliding_attention";
    case LayerKind::full_attention: return "full_attention";
    case LayerKind::cross_attention: return "cross_attention";
    case LayerKind::gmu: return "gmu";
    case LayerKind::causal_attention: return "causal_attention";
  }
  return "?";
}

constexpr bool is_mamba(LayerKind kind) { return kind == LayerKind::mamba || kind == LayerKind::mamba_memory; }
constexpr bool is_attention(LayerKind kind) {
  return kind == LayerKind::sliding_attention || kind == LayerKind::full_attention ||
         kind == LayerKind::cross_attention || kind == LayerKind::causal_attention;
}

}  // namespace rbench::runtime
