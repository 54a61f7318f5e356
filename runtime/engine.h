// The runtime's facade: open a model directory (config.json, weights, tokenizer, generation_config.json) on a
// device and run generation requests, streaming pieces and reporting each completion as soon as it is done.
// Torch-free (pimpl) so the CLI and the evaluator can include it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/request.h"

namespace rbench::runtime {

struct EngineOptions {
  std::filesystem::path model_dir;
  std::string device = "cpu";                 // "cpu" (float32) or "cuda[:n]" (bfloat16, FP32 residual/scan state)
  int max_batch = 8;                          // requests in flight at most (continuous batching); fewer when the
                                              // device's free memory holds fewer sequence states
  bool cuda_graphs = true;                    // replay captured decode steps on CUDA
  std::optional<std::string> chat_template;   // a ChatTemplate name; default: recognised from tokenizer_config.json
  int64_t prefill_chunk = 2048;               // prompt tokens per prefill step (bounds attention memory)
};

struct ModelInfo {
  std::string architecture;     // config.json model_type
  std::string config_sha256;    // of config.json's bytes
  std::string weights_sha256;   // of the weight files' bytes, in file-name order
  int64_t n_params = 0;
  std::string dtype;            // compute dtype: float32 | bfloat16
};

class Engine {
 public:
  static std::unique_ptr<Engine> open(const EngineOptions& options);
  ~Engine();

  const ModelInfo& info() const;

  // Counters of the generate() calls so far (continuous batching).
  struct Stats {
    int64_t decode_steps = 0, decode_tokens = 0, prefill_tokens = 0, max_in_flight = 0, graphs_captured = 0;
    int64_t slots = 0;            // sequences the state pool holds at once
    double decode_seconds = 0.0, prefill_seconds = 0.0;
  };
  Stats stats() const;

  // Runs the requests with continuous batching and calls on_done once per request as soon as it finishes (from
  // the calling thread). A
  // failure in one request is a Completion with finish_reason error and the message, never an exception that
  // ends the others. on_piece receives the decoded text as it is generated.
  void generate(std::vector<GenerationRequest> requests, const std::function<void(Completion)>& on_done,
                const std::function<void(uint64_t id, std::string_view piece)>& on_piece = {});

  // The prompt ids a request turns into (chat template applied), e.g. for logging.
  std::vector<int32_t> prompt_ids(const GenerationRequest& request) const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rbench::runtime
