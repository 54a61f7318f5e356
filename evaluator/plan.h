// The run plan: every (task, problem, sample index) a run must produce, each with its own seed, in a fixed order.
// The full plan is deterministic; a shard keeps every N-th entry of it, and resuming drops what the database holds,
// so any mix of shards, crashes and restarts produces each sample exactly once with the same seed.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "evaluator/run_config.h"
#include "results/records.h"
#include "tasks/task.h"

namespace rbench::evaluator {

struct PlannedSample {
  const tasks::Task* task = nullptr;
  std::size_t problem_index = 0;
  int sample_index = 0;
  uint64_t seed = 0;

  const std::string& problem_id() const { return task->problems[problem_index].id; }
};

// A sample's seed from the run seed and the sample's identity (FNV-1a over the names, then splitmix64): stable
// across platforms, independent of sharding, order and resumption.
uint64_t sample_seed(uint64_t run_seed, const std::string& task, const std::string& problem_id, int sample_index);

// tasks[i] is run with selections[i].n_samples samples per problem (the first `limit` problems if set).
std::vector<PlannedSample> make_plan(const std::vector<const tasks::Task*>& tasks,
                                     const std::vector<TaskSelection>& selections, std::optional<int> limit,
                                     uint64_t run_seed, Shard shard, const std::set<results::SampleKey>& done);

}  // namespace rbench::evaluator
