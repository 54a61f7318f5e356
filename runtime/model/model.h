// The interface every architecture implements: run the next tokens of one sequence through the model, advancing
// its state, and return the logits asked for. Prefill and decode are the same call (a chunk of L tokens or one);
// prefill_chunked() splits long prompts so attention memory stays bounded and gives the same logits.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/state/sequence_state.h"
#include "runtime/state/state_pool.h"

namespace rbench::runtime {

enum class LogitsWanted { none, last, all };

// Where a model runs and in which compute dtype: "cpu" -> float32, "cuda[:n]" -> bfloat16 (weights as stored,
// FP32 residual and scan state). A suffix "/f32" or "/bf16" overrides the dtype, e.g. "cpu/bf16" runs the GPU's
// numerics on the CPU.
struct Placement {
  at::Device device;
  at::ScalarType compute;
};
Placement parse_placement(const std::string& device);

class Model {
 public:
  virtual ~Model() = default;
  virtual SequenceState new_sequence() const = 0;
  // ids: int64 [L] (any device). Returns float32 logits on the model's device: [L, vocab] for all, [1, vocab] for
  // last, an undefined tensor for none.
  virtual at::Tensor forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) = 0;
  // The shape of a sequence's state (what a StatePool allocates per slot).
  virtual const StateSpec& state_spec() const = 0;
  // One decode step for B sequences held in `pool`'s slots: ids, slots and positions are int64 [B] on the model's
  // device, positions[b] = the tokens slot b already holds (the new token's position). Writes each new token's
  // state into its slot and returns float32 logits [B, vocab]. Never synchronises with the host, so a step can be
  // captured in a CUDA graph. This default is the plain reference every batched implementation is tested
  // against: forward() on each sequence in turn, over views of its slot (it reads slots and positions on the host).
  virtual at::Tensor decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                                 const at::Tensor& positions);
  virtual int64_t vocab_size() const = 0;
  virtual at::Device device() const = 0;
  virtual int64_t n_params() const = 0;
  virtual std::string dtype_name() const = 0;
};

// Runs `ids` in chunks of at most `chunk` tokens (chunk <= 0: all at once).
at::Tensor prefill_chunked(Model& model, SequenceState& state, const std::vector<int32_t>& ids, int64_t chunk,
                           LogitsWanted wanted);

}  // namespace rbench::runtime
