// What one `rbench run` does, as one validated struct: the model, the tasks with their sample counts, the sampling
// parameters, seeds, storage and sharding. It comes from CLI flags, a named preset ("paper", "smoke") or a suite file
// (JSON), so a run can be reproduced from one file; unknown JSON keys are errors naming the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rbench::evaluator {

struct Sampling {
  double temperature = 0.6;
  double top_p = 0.95;
  int top_k = 0;
  double min_p = 0.0;
  int max_new_tokens = 32768;

  nlohmann::json to_json() const;
  bool operator==(const Sampling&) const = default;
};

struct Shard {
  int index = 0;  // 0-based
  int count = 1;
};

struct TaskSelection {
  std::string name;  // a tasks registry name: math500, aime24, aime25, gpqa_diamond, smoke, ...
  int n_samples = 1;
};

struct RunConfig {
  std::filesystem::path model_dir;
  std::string suite;                    // the preset or suite-file name recorded with the run
  std::vector<TaskSelection> tasks;
  Sampling sampling;
  uint64_t seed = 0;
  std::optional<int> limit;             // first N problems of each task
  std::filesystem::path data_dir;
  std::filesystem::path db_path = "results.sqlite";
  std::string device = "cpu";
  int max_batch = 0;                    // sequences in flight per engine; 0: the device's default (device_plan.h)
  Shard shard;

  // The identity of a run for resuming: same model, suite, tasks and sample counts, sampling and seed.
  nlohmann::json protocol_json() const;
};

// The named presets. "paper": the SambaY paper's protocol (AIME24/25 x64, MATH-500 and GPQA Diamond x8,
// temperature 0.6, top-p 0.95, 32K tokens). Returns nullopt for an unknown name.
std::optional<RunConfig> preset(const std::string& name);

// Reads a suite file: {"suite": ..., "tasks": {"math500": 8, ...}, "sampling": {...}, "seed": ..., "limit": ...}.
// Fields absent from the file keep the values of `base`. Errors name the file and the key.
RunConfig read_suite_file(const std::filesystem::path& path, RunConfig base);

// Parses "I/N" (0-based I < N, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count) into a Shard.
Shard parse_shard(const std::string& text);

}  // namespace rbench::evaluator
