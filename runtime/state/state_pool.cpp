// Allocation of the slot pool and the per-slot views; see state_pool.h.
#include "runtime/state/state_pool.h"

#include <algorithm>

#ifdef RBENCH_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif
#include <stdexcept>
#include <string>

namespace rbench::runtime {

namespace {

// Rows of one layer's cache: the ring for a sliding-window layer, the sequence's capacity otherwise.
int64_t cache_rows(const StateSpec& spec, std::size_t layer, int64_t capacity) {
  return spec.kinds[layer] == LayerKind::sliding_attention ? spec.windows.at(layer) : capacity;
}

bool has_kv(LayerKind kind) {
  return kind == LayerKind::sliding_attention || kind == LayerKind::full_attention ||
         kind == LayerKind::causal_attention;
}

}  // namespace

int64_t StatePool::bytes_per_slot(const StateSpec& spec, int64_t capacity) {
  const int64_t kv_bytes = at::elementSize(spec.kv_dtype);
  int64_t total = 8;  // planned length
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    if (is_mamba(spec.kinds[i]))
      total += (spec.mamba_d_conv - 1) * spec.mamba_d_inner * kv_bytes + spec.mamba_d_inner * spec.mamba_d_state * 4;
    else if (has_kv(spec.kinds[i]))
      total += 2 * spec.n_kv_heads * cache_rows(spec, i, capacity) * spec.head_dim * kv_bytes;
  }
  return total;
}

int64_t StatePool::slots_that_fit(const StateSpec& spec, int64_t capacity, int64_t wanted,
                                  int64_t per_sequence_workspace) {
  if (!spec.device.is_cuda()) return wanted;
#ifdef RBENCH_HAVE_CUDA
  const c10::cuda::CUDAGuard guard(spec.device);
  c10::cuda::CUDACachingAllocator::emptyCache();  // memory the allocator caches but does not use is free for us
  size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess)
    throw std::runtime_error("state pool: cannot read the free memory of " + spec.device.str());
  constexpr int64_t kPrefillReserve = int64_t{2} << 30;  // activations of a prefill chunk, cuBLAS workspaces
  const int64_t usable = static_cast<int64_t>(free_bytes) - kPrefillReserve;
  const int64_t fit = usable / (bytes_per_slot(spec, capacity) + per_sequence_workspace);
  if (fit < 1)
    throw std::runtime_error("state pool: " + std::to_string(free_bytes >> 20) + " MiB free on " + spec.device.str() +
                             " do not hold one sequence of " + std::to_string(capacity) + " tokens (" +
                             std::to_string(bytes_per_slot(spec, capacity) >> 20) + " MiB)");
  return std::min(wanted, fit);
#else
  (void)capacity;
  (void)per_sequence_workspace;
  return wanted;
#endif
}

StatePool::StatePool(const StateSpec& spec, int64_t n_slots, int64_t capacity)
    : spec_(spec), n_slots_(n_slots), capacity_(capacity) {
  if (n_slots < 1 || capacity < 1)
    throw std::invalid_argument("state pool: need at least one slot and one token of capacity (got " +
                                std::to_string(n_slots) + " slots of " + std::to_string(capacity) + ")");
  const auto opts = at::TensorOptions().dtype(spec.kv_dtype).device(spec.device);
  layers_.resize(spec.kinds.size());
  for (std::size_t i = 0; i < spec.kinds.size(); ++i) {
    PooledLayer& l = layers_[i];
    const LayerKind kind = spec.kinds[i];
    if (is_mamba(kind)) {
      l.conv = at::zeros({n_slots, spec.mamba_d_conv - 1, spec.mamba_d_inner}, opts);
      l.ssm = at::zeros({n_slots, spec.mamba_d_inner, spec.mamba_d_state}, opts.dtype(at::kFloat));
    } else if (has_kv(kind)) {
      const int64_t rows = cache_rows(spec, i, capacity);
      l.k = at::zeros({n_slots, spec.n_kv_heads, rows, spec.head_dim}, opts);
      l.v = at::zeros({n_slots, spec.n_kv_heads, rows, spec.head_dim}, opts);
      if (kind == LayerKind::sliding_attention) l.window = rows;
      if (kind == LayerKind::full_attention) shared_layer_ = static_cast<int64_t>(i);
    }
  }
  planned_lengths_ = at::zeros({n_slots}, opts.dtype(at::kLong));
}

static void check_slot(int64_t slot, int64_t n_slots) {
  if (slot < 0 || slot >= n_slots)
    throw std::out_of_range("state pool: slot " + std::to_string(slot) + " of " + std::to_string(n_slots));
}

SequenceState StatePool::views_of(int64_t slot, int64_t n_tokens) {
  std::vector<LayerState> views;
  views.reserve(layers_.size());
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    PooledLayer& l = layers_[i];
    const LayerKind kind = spec_.kinds[i];
    if (is_mamba(kind)) {
      views.emplace_back(MambaState{l.conv[slot], l.ssm[slot]});
    } else if (kind == LayerKind::sliding_attention) {
      // Ring entry j holds the latest position p < n_tokens with p % window == j, or nothing (-1).
      const int64_t w = l.window;
      at::Tensor positions = at::full({w}, -1, at::kLong);
      for (int64_t j = 0; j < std::min(w, n_tokens); ++j)
        positions[j] = j + w * ((n_tokens - 1 - j) / w);
      views.emplace_back(WindowKv{w, l.k[slot], l.v[slot], positions.to(l.k.device())});
    } else if (has_kv(kind)) {
      SharedKv kv{l.k[slot], l.v[slot], n_tokens};
      kv.fixed_capacity = true;
      views.emplace_back(std::move(kv));
    } else {
      views.emplace_back(std::monostate{});
    }
  }
  SequenceState state(std::move(views), shared_layer_);
  state.advance(n_tokens);
  return state;
}

SequenceState StatePool::open(int64_t slot, int64_t planned_length) {
  check_slot(slot, n_slots_);
  if (planned_length > capacity_)
    throw std::invalid_argument("state pool: a sequence of " + std::to_string(planned_length) +
                                " tokens does not fit a slot of " + std::to_string(capacity_));
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (!is_mamba(spec_.kinds[i])) continue;  // caches are valid by length, the scan state must start at zero
    layers_[i].conv[slot].zero_();
    layers_[i].ssm[slot].zero_();
  }
  planned_lengths_[slot].fill_(planned_length);
  SequenceState state = views_of(slot, 0);
  state.plan_length(planned_length);
  return state;
}

SequenceState StatePool::view(int64_t slot, int64_t n_tokens) {
  check_slot(slot, n_slots_);
  if (n_tokens < 0 || n_tokens > capacity_)
    throw std::invalid_argument("state pool: " + std::to_string(n_tokens) + " tokens in a slot of " +
                                std::to_string(capacity_));
  SequenceState state = views_of(slot, n_tokens);
  state.plan_length(std::max(n_tokens, planned_lengths_[slot].item<int64_t>()));
  return state;
}

}  // namespace rbench::runtime
