// The evaluator's view of a model: a tiny batched interface. The runtime adapter implements it on
// runtime/engine.h; tests implement it with fakes, so planning, resume, grading and storage are tested with no model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "evaluator/run_config.h"
#include "tasks/task.h"

namespace rbench::evaluator {

struct GenerationJob {
  uint64_t key = 0;  // the caller's handle, returned with the result
  std::vector<tasks::Message> messages;
  uint64_t seed = 0;
};

struct GenerationResult {
  uint64_t key = 0;
  std::string text;
  int n_prompt_tokens = 0;
  int n_completion_tokens = 0;
  std::string finish_reason;  // "stop" | "length" | "error"
  std::string error;          // set when finish_reason is "error"
  double prefill_seconds = 0;
  double decode_seconds = 0;
};

struct ModelDescription {
  std::string path;
  std::string architecture;
  std::string config_sha256;
  std::string weights_sha256;
  int64_t n_params = 0;
  std::string device;
};

// Cumulative counters of a generator's engines (zero where the implementation has none, e.g. fakes).
struct GeneratorStats {
  int64_t decode_steps = 0;     // batched decode steps
  int64_t decode_tokens = 0;
  int64_t max_in_flight = 0;    // most sequences decoding at once in one engine
  int64_t graphs_captured = 0;  // CUDA graphs
  int64_t slots = 0;            // sequences the engines' state pools hold at once, summed over engines
  int64_t engines = 1;          // engines generating in parallel
};

class Generator {
 public:
  virtual ~Generator() = default;
  virtual ModelDescription describe() const = 0;
  // Generates every job (many in flight at once if the implementation can) and calls on_done once per job, as soon
  // as it finishes, on the calling thread. A failing job is a result with finish_reason "error", not an exception.
  virtual void generate(std::vector<GenerationJob> jobs, const Sampling& sampling,
                        const std::function<void(GenerationResult)>& on_done) = 0;
  virtual GeneratorStats stats() const { return {}; }
};

}  // namespace rbench::evaluator
