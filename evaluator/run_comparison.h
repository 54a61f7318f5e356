// Two stored runs side by side: per task and metric both estimates with their intervals, the paired difference
// (b - a) over shared problems with its bootstrap interval (results/comparison.h) and a paired significance test
// (evaluator/significance.h); the speed and mean generated length of each run; and the problems on which the
// runs disagree (their per-problem accuracies differ), for reading the traces behind a difference.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evaluator/significance.h"
#include "results/comparison.h"
#include "results/database.h"
#include "results/throughput_summary.h"

namespace rbench::evaluator {

struct ComparedMetric {
  results::MetricComparison values;  // a, b and the paired difference over shared problems
  PairedTest test;
};

struct ComparedRun {
  int64_t run_id = 0;
  std::string model_path;
  results::ThroughputSummary throughput;
};

// One problem of one task where the runs' per-problem accuracies (avg@n) differ.
struct Disagreement {
  std::string task;
  std::string problem_id;
  double accuracy_a = 0;
  double accuracy_b = 0;
  std::string answer_a;  // the first sample's extracted answer (primary rule); empty when none
  std::string answer_b;
};

struct RunComparison {
  ComparedRun a;
  ComparedRun b;
  std::vector<ComparedMetric> metrics;      // a's task order, then metric order
  std::vector<Disagreement> disagreements;  // by task, then problem id
};

RunComparison compare_runs(const results::Database& db, int64_t run_a, int64_t run_b);

// Aligned text tables: one per task (metric, a, b, difference with interval, test, p), then throughput and
// length; the disagreements when asked.
std::string format_run_comparison(const RunComparison& comparison, bool with_disagreements);

nlohmann::json run_comparison_json(const RunComparison& comparison);

}  // namespace rbench::evaluator
