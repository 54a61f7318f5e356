// The run loop: plan the samples a run still lacks, feed them to the generator in chunks (many in flight), grade
// each finished sample while generation goes on, and commit each sample with its grades in one transaction as
// soon as its verdicts are in. A crash at any moment loses at most the samples in flight; the same command resumes.
// Per-sample failures are rows with a reason, never the end of the run.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "evaluator/generator.h"
#include "evaluator/grading.h"
#include "evaluator/progress.h"
#include "evaluator/run_config.h"
#include "results/database.h"
#include "tasks/task.h"

namespace rbench::evaluator {

struct RunOutcome {
  int64_t run_id = 0;
  bool resumed = false;        // continued a run found in the database
  int64_t n_planned = 0;       // samples of this shard, done before or now
  int64_t n_already_done = 0;  // found in the database at start
  int64_t n_generated = 0;     // committed by this invocation
  int64_t n_errors = 0;        // generation failures (stored with finish_reason "error", retried on resume)
  int64_t n_truncated = 0;     // finish_reason "length"
  bool interrupted = false;
  double seconds = 0;
};

struct RunContext {
  std::string git_commit;
  std::string harness_version;
  const std::atomic<bool>* stop_requested = nullptr;  // checked between chunks (Ctrl-C)
  std::string command_line;                           // the rbench command, stored with a new run
};

// tasks[i] is the loaded task of config.tasks[i].
RunOutcome run_evaluation(const RunConfig& config, const std::vector<tasks::Task>& tasks, Generator& generator,
                          Grading& grading, results::Database& db, Progress& progress, const RunContext& context);

}  // namespace rbench::evaluator
