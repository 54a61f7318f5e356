// A fixed pool of per-sequence decoding states for continuous batching. Every layer's state gets a leading slot
// dimension and is allocated once ([S, ...]): a batched decode step addresses the sequences it advances through a
// slot-index tensor, so the batch can change every step while the tensors (and the addresses a captured CUDA
// graph holds) stay put. A slot opened for a sequence is also a SequenceState whose tensors are views into the
// pool, so the ordinary per-sequence prefill writes straight into it. K/V caches hold `capacity` tokens per slot
// and never grow; planned_lengths keeps each slot's planned length on the device for length-dependent schemes
// (Phi3's LongRoPE factor set).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "runtime/state/sequence_state.h"

namespace rbench::runtime {

struct PooledLayer {
  at::Tensor conv, ssm;  // Mamba: [S, d_conv-1, d_inner] (compute dtype), [S, d_inner, N] float32
  at::Tensor k, v;       // attention: [S, n_kv_heads, C, head_dim]; C = window for a ring, capacity otherwise
  int64_t window = 0;    // sliding_attention: the ring size (entry of position p: p % window)
};

class StatePool {
 public:
  // n_slots sequences of up to `capacity` tokens each.
  StatePool(const StateSpec& spec, int64_t n_slots, int64_t capacity);

  // Device bytes one slot takes at this capacity (what admission by free memory divides by).
  static int64_t bytes_per_slot(const StateSpec& spec, int64_t capacity);

  // How many slots of `capacity` tokens fit the device's free memory next to the working memory of a decode step
  // (per_sequence_workspace bytes per sequence in flight, e.g. the sampler's copies of a logits row) and a fixed
  // reserve for prefill activations; at most `wanted`. On the CPU: `wanted`.
  static int64_t slots_that_fit(const StateSpec& spec, int64_t capacity, int64_t wanted, int64_t per_sequence_workspace);

  int64_t n_slots() const { return n_slots_; }
  int64_t capacity() const { return capacity_; }
  const StateSpec& spec() const { return spec_; }
  const PooledLayer& layer(std::size_t index) const { return layers_.at(index); }
  // int64 [S] on the device: the planned length of the sequence in each slot.
  const at::Tensor& planned_lengths() const { return planned_lengths_; }

  // Clears `slot` (zero Mamba state, empty caches) for a sequence that will hold at most planned_length tokens
  // (<= capacity) and returns its state: views into the pool, n_tokens 0.
  SequenceState open(int64_t slot, int64_t planned_length);
  // The state of a slot already holding n_tokens tokens, as views (nothing cleared): what the per-sequence
  // reference of a batched decode step runs on.
  SequenceState view(int64_t slot, int64_t n_tokens);

 private:
  StateSpec spec_;
  int64_t n_slots_, capacity_;
  std::vector<PooledLayer> layers_;
  int64_t shared_layer_ = -1;
  at::Tensor planned_lengths_;

  SequenceState views_of(int64_t slot, int64_t n_tokens);
};

}  // namespace rbench::runtime
