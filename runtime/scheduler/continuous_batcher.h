// Continuous batching: requests join and leave the running batch at every step. Each scheduler iteration admits
// waiting requests into free slots of a StatePool, prefills up to prefill_chunk prompt tokens across the admitted
// requests, oldest first (all of them when nothing is decoding, so new requests never stall running ones for more
// than a chunk), then runs one batched decode step for every running sequence (DecodeStepRunner: CUDA graphs,
// on-device sampling).
// Requests wait when no slot is free; the pool was sized by the caller from free device memory, so memory never
// runs out mid-run. A failure in one request ends that request with an error outcome, never the others.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/model/model.h"
#include "runtime/request.h"
#include "runtime/scheduler/decode_step_runner.h"
#include "runtime/scheduler/generation_progress.h"

namespace rbench::runtime {

struct BatchJob {
  std::vector<int32_t> prompt;
  SamplingParams params;
  PieceDecoder decode_piece;
  std::function<void(std::string_view)> on_piece;  // optional streaming
};

struct BatcherOptions {
  int64_t prefill_chunk = 2048;  // prompt tokens per iteration while others decode (<= 0: whole prompts)
  bool cuda_graphs = true;       // replay captured decode steps (CUDA only)
};

struct BatcherStats {
  int64_t decode_steps = 0;
  int64_t decode_tokens = 0;     // sequences advanced, summed over steps
  int64_t prefill_tokens = 0;
  int64_t max_in_flight = 0;
  double decode_seconds = 0.0;   // wall time inside decode steps
  double prefill_seconds = 0.0;  // wall time inside prefill chunks
  int64_t graphs_captured = 0;
};

class ContinuousBatcher {
 public:
  // Uses every slot of `pool` but the last (the decode steps' scratch slot).
  ContinuousBatcher(Model& model, StatePool& pool, const GenerationLimits& limits, BatcherOptions options);
  ~ContinuousBatcher();

  // Runs the jobs to completion; on_done(job index, outcome) is called as each one finishes, from this thread.
  void run(std::vector<BatchJob> jobs, const std::function<void(std::size_t, GenerationOutcome)>& on_done);
  const BatcherStats& stats() const { return stats_; }

 private:
  Model& model_;
  StatePool& pool_;
  GenerationLimits limits_;
  BatcherOptions options_;
  BatcherStats stats_;
  std::unique_ptr<DecodeStepRunner> steps_;  // kept across runs: its CUDA graphs are captured once per pool
};

}  // namespace rbench::runtime
