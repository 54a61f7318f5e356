// Per-sequence decoding memory of a hybrid model, derived once from the per-layer kind list: Mamba layers keep a
// conv state (the last d_conv-1 in_proj outputs) and an FP32 SSM state; sliding-window layers keep a ring of the
// last `window` keys/values with their absolute positions; the one full-attention layer keeps the shared K/V of
// every token, which the cross-attention layers read; a Transformer's causal-attention layers each keep such a K/V
// of their own. Layers themselves are stateless and receive their slot. plan_length() records how many tokens the
// sequence will hold when that is known (prompt + max_new_tokens, or a scored sequence): K/V caches preallocate
// it, and length-dependent positional schemes (LongRoPE's factor choice) read it.
// clone() gives a snapshot that restore-by-assignment brings back (an SSM state cannot be truncated).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <variant>
#include <vector>

#include "runtime/model/layer_kind.h"

namespace rbench::runtime {

struct StateSpec {
  std::vector<LayerKind> kinds;
  std::vector<int64_t> windows;   // per layer, for sliding_attention
  int64_t mamba_d_inner = 0, mamba_d_conv = 0, mamba_d_state = 0;
  int64_t n_kv_heads = 0, head_dim = 0;
  at::ScalarType kv_dtype = at::kFloat;  // dtype of conv state and K/V (the compute dtype)
  at::Device device = at::kCPU;
};

struct MambaState {
  at::Tensor conv;  // [d_conv-1, d_inner], oldest first; stores x (in_proj output), not x'
  at::Tensor ssm;   // [d_inner, d_state], float32
};

struct WindowKv {
  int64_t window = 0;
  at::Tensor k, v;       // [n_kv_heads, window, head_dim]; slot = position % window
  at::Tensor positions;  // [window] int64, -1 = empty
};

struct SharedKv {
  at::Tensor k, v;       // [n_kv_heads, capacity, head_dim]; entry j holds position j
  int64_t length = 0;
  bool fixed_capacity = false;  // a view into a StatePool slot: may not regrow (that would detach it from the pool)
  void append(const at::Tensor& k_new, const at::Tensor& v_new);  // [n_kv_heads, L, head_dim]
  void reserve(int64_t capacity);  // room for `capacity` tokens without regrowing
  at::Tensor keys() const { return k.narrow(1, 0, length); }
  at::Tensor values() const { return v.narrow(1, 0, length); }
};

using LayerState = std::variant<std::monostate, MambaState, WindowKv, SharedKv>;

class SequenceState {
 public:
  explicit SequenceState(const StateSpec& spec);
  // A state over given per-layer tensors (e.g. views of a StatePool slot); shared_layer: the full-attention layer
  // whose K/V is shared, -1 for none.
  SequenceState(std::vector<LayerState> layers, int64_t shared_layer);
  int64_t n_tokens() const { return n_tokens_; }
  void advance(int64_t n) { n_tokens_ += n; }
  MambaState& mamba(std::size_t layer) { return std::get<MambaState>(layers_.at(layer)); }
  WindowKv& window(std::size_t layer) { return std::get<WindowKv>(layers_.at(layer)); }
  SharedKv& shared_kv();
  // The own K/V cache of a causal_attention layer (same layout as the shared cache).
  SharedKv& kv(std::size_t layer) { return std::get<SharedKv>(layers_.at(layer)); }
  // The most tokens this sequence will hold (0 = not known); preallocates every K/V cache to it.
  void plan_length(int64_t n_tokens);
  int64_t planned_length() const { return planned_length_; }
  // Deep copy (snapshot); assign it back to restore.
  SequenceState clone() const;
  int64_t bytes() const;

 private:
  std::vector<LayerState> layers_;
  int64_t shared_layer_ = -1;
  int64_t n_tokens_ = 0;
  int64_t planned_length_ = 0;
};

}  // namespace rbench::runtime
