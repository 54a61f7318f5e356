// Allocation, growth and snapshot of the per-sequence state; see sequence_state.h.
#include "runtime/state/sequence_state.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime {

SequenceState::SequenceState(const StateSpec& spec) {
  const auto kv_opts = at::TensorOptions().dtype(spec.kv_dtype).device(spec.device);
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    const LayerKind kind = spec.kinds[i];
    if (is_mamba(kind)) {
      layers_.emplace_back(MambaState{
          at::zeros({spec.mamba_d_conv - 1, spec.mamba_d_inner}, kv_opts),
          at::zeros({spec.mamba_d_inner, spec.mamba_d_state}, kv_opts.dtype(at::kFloat))});
    } else if (kind == LayerKind::sliding_attention) {
      const int64_t w = spec.windows.at(i);
      layers_.emplace_back(WindowKv{w, at::zeros({spec.n_kv_heads, w, spec.head_dim}, kv_opts),
                                    at::zeros({spec.n_kv_heads, w, spec.head_dim}, kv_opts),
                                    at::full({w}, -1, kv_opts.dtype(at::kLong))});
    } else if (kind == LayerKind::full_attention) {
      if (shared_layer_ >= 0) throw std::runtime_error("state: more than one full-attention layer (" +
                                                       std::to_string(shared_layer_) + " and " + std::to_string(i) + ")");
      shared_layer_ = static_cast<int64_t>(i);
      layers_.emplace_back(SharedKv{at::zeros({spec.n_kv_heads, 0, spec.head_dim}, kv_opts),
                                    at::zeros({spec.n_kv_heads, 0, spec.head_dim}, kv_opts), 0});
    } else if (kind == LayerKind::causal_attention) {
      layers_.emplace_back(SharedKv{at::zeros({spec.n_kv_heads, 0, spec.head_dim}, kv_opts),
                                    at::zeros({spec.n_kv_heads, 0, spec.head_dim}, kv_opts), 0});
    } else {
      layers_.emplace_back(std::monostate{});
    }
  }
}

SequenceState::SequenceState(std::vector<LayerState> layers, int64_t shared_layer)
    : layers_(std::move(layers)), shared_layer_(shared_layer) {}

SharedKv& SequenceState::shared_kv() {
  if (shared_layer_ < 0) throw std::runtime_error("state: this model has no shared K/V cache");
  return std::get<SharedKv>(layers_[shared_layer_]);
}

void SequenceState::plan_length(int64_t n_tokens) {
  if (n_tokens < n_tokens_)
    throw std::runtime_error("state: planned length " + std::to_string(n_tokens) + " is below the " +
                             std::to_string(n_tokens_) + " tokens already held");
  planned_length_ = n_tokens;
  for (auto& layer : layers_)
    if (auto* kv = std::get_if<SharedKv>(&layer)) kv->reserve(n_tokens);
}

void SharedKv::reserve(int64_t capacity) {
  if (capacity <= k.size(1)) return;
  if (fixed_capacity)
    throw std::runtime_error("state: a pooled K/V cache holds " + std::to_string(k.size(1)) + " tokens; " +
                             std::to_string(capacity) + " were asked for (plan requests within the pool's capacity)");
  auto grow = [&](const at::Tensor& old) {
    at::Tensor bigger = at::empty({old.size(0), capacity, old.size(2)}, old.options());
    bigger.narrow(1, 0, length).copy_(old.narrow(1, 0, length));
    return bigger;
  };
  k = grow(k);
  v = grow(v);
}

void SharedKv::append(const at::Tensor& k_new, const at::Tensor& v_new) {
  const int64_t n = k_new.size(1);
  // Grow geometrically so decode appends are amortised O(1) when no length was planned.
  if (length + n > k.size(1)) reserve(std::max<int64_t>({length + n, 2 * k.size(1), 256}));
  k.narrow(1, length, n).copy_(k_new);
  v.narrow(1, length, n).copy_(v_new);
  length += n;
}

SequenceState SequenceState::clone() const {
  SequenceState copy = *this;
  for (auto& layer : copy.layers_) {
    if (auto* m = std::get_if<MambaState>(&layer)) *m = MambaState{m->conv.clone(), m->ssm.clone()};
    else if (auto* w = std::get_if<WindowKv>(&layer)) *w = WindowKv{w->window, w->k.clone(), w->v.clone(), w->positions.clone()};
    else if (auto* s = std::get_if<SharedKv>(&layer)) *s = SharedKv{s->k.clone(), s->v.clone(), s->length};
  }
  return copy;
}

int64_t SequenceState::bytes() const {
  int64_t total = 0;
  auto size = [](const at::Tensor& t) { return t.numel() * static_cast<int64_t>(t.element_size()); };
  for (const auto& layer : layers_) {
    if (auto* m = std::get_if<MambaState>(&layer)) total += size(m->conv) + size(m->ssm);
    else if (auto* w = std::get_if<WindowKv>(&layer)) total += size(w->k) + size(w->v) + size(w->positions);
    else if (auto* s = std::get_if<SharedKv>(&layer)) total += size(s->k) + size(s->v);
  }
  return total;
}

}  // namespace rbench::runtime
