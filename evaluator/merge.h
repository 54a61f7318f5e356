// Merging result databases (one per shard of a suite, or from several machines) into one. Identities, not ids,
// decide what is the same row: a model by (path, weights hash), a run by (model, suite, protocol JSON, seed),
// a sample by (run, task, problem, sample index), a grade by (sample, grader, rule), a throughput row by all
// its fields. So merging shards gives the database one unsharded run would have written, and merging again
// adds nothing. A sample stored as a generation error gives way to a successful attempt of the same sample.
// A bench run (`rbench bench --db`) is one measurement: it is copied whole, identified by its start time,
// command line and device.
#pragma once

#include <cstdint>

#include "results/database.h"

namespace rbench::evaluator {

struct MergeStats {
  int64_t n_runs_added = 0;
  int64_t n_runs_matched = 0;  // runs that already existed in the target
  int64_t n_samples_added = 0;
  int64_t n_samples_present = 0;  // skipped: the target already held them
  int64_t n_grades_added = 0;
  int64_t n_throughput_added = 0;

  MergeStats& operator+=(const MergeStats& other);
};

// Copies everything of `source` that `target` lacks into `target`.
MergeStats merge_into(results::Database& target, const results::Database& source);

}  // namespace rbench::evaluator
