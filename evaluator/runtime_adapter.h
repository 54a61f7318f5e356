// The one bridge from the evaluator to the runtime: a Generator backed by runtime::Engine (runtime/engine.h).
// This header is runtime-free, so the evaluator library and its tests never see LibTorch.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evaluator/generator.h"

namespace rbench::evaluator {

struct RuntimeGeneratorOptions {
  std::filesystem::path model_dir;
  std::string device = "cpu";
  int max_batch = 8;
  std::optional<std::string> chat_template;  // overrides detection from tokenizer_config.json
};

// Loads the model (errors name the file and field); the generator maps sampling and finish reasons both ways.
std::unique_ptr<Generator> open_runtime_generator(const RuntimeGeneratorOptions& options);

// One engine per device ("cuda:0", "cuda:1", or "cpu" twice), opened in parallel threads, behind a
// ParallelGenerator; a single device gives the plain generator. options.device is ignored.
std::unique_ptr<Generator> open_runtime_generators(const RuntimeGeneratorOptions& options,
                                                   const std::vector<std::string>& devices);

}  // namespace rbench::evaluator
