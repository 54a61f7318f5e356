// Runs the batched decode step plus sampling for B sequences of a StatePool, eagerly or by replaying a CUDA graph
// captured once per batch-size bucket (1, 2, 4, 8, 16, then multiples of 16): a step's inputs are copied with one
// host-to-device transfer into static buffers, rows past B are padding on the pool's scratch slot, and the only
// host synchronisation is reading the sampled tokens back. Per-slot sampling parameters live on the device, set
// once when a request is admitted. Capture failures (an op that cannot be captured) fall back to eager steps.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/request.h"

namespace rbench::runtime {

class DecodeStepRunner {
 public:
  // The pool's last slot is the scratch slot padding rows write into; sequences use the others.
  DecodeStepRunner(Model& model, StatePool& pool, int64_t n_sampleable, bool use_cuda_graphs);
  ~DecodeStepRunner();

  int64_t scratch_slot() const { return pool_.n_slots() - 1; }
  // Records the sampling parameters and prompt length of the request admitted into `slot`.
  void set_slot(int64_t slot, const SamplingParams& params, int64_t prompt_length);
  // Samples the first token from prefill logits ([1, V] float32) for the request in `slot`.
  int32_t sample_first(const at::Tensor& logits, int64_t slot);
  // One decode step: feeds ids[b] at positions[b] to the sequences in slots[b]; returns the next token of each.
  std::vector<int32_t> step(const std::vector<int32_t>& ids, const std::vector<int64_t>& slots,
                            const std::vector<int64_t>& positions);
  int64_t graphs_captured() const;

 private:
  struct Graph;
  // inputs int64 [3, B] on the device -> tokens int64 [B]; greedy: every row takes the argmax.
  at::Tensor eager_step(const at::Tensor& inputs, bool greedy);
  int64_t bucket_for(int64_t batch) const;

  Model& model_;
  StatePool& pool_;
  int64_t n_sampleable_;
  bool use_graphs_;
  // Per-slot sampling parameters and prompt lengths, [S] on the device.
  at::Tensor temperature_, top_p_, min_p_, top_k_, seed_, prompt_length_;
  at::Tensor host_inputs_;  // pinned int64 [3, S] staging buffer
  std::vector<bool> sampled_;  // per slot, on the host: does the request sample (temperature > 0)?
  std::map<std::pair<int64_t, bool>, std::unique_ptr<Graph>> graphs_;  // by (bucket size, greedy)
};

}  // namespace rbench::runtime
