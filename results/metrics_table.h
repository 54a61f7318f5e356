// The per-task accuracy table of one run: for each task, pass@k, avg@n and maj@k with their standard errors
// and bootstrap intervals, computed from the stored samples and their grades under one (grader, rule) per
// task (a suite mixes rules: boxed answers for MATH, answer letters for GPQA). A
// sample without such a grade (not graded yet, or a generation error) counts as wrong and abstains from the
// vote; the table says how many there were, so a half-graded run is visible rather than silently low.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "results/database.h"
#include "results/metrics.h"
#include "results/records.h"

namespace rbench::results {

struct MetricsOptions {
  // Which verdicts to score. Empty: each task's only grader / rule; several present is an error that lists them.
  std::string grader;
  std::string rule;
  // pass@k for each k; a k larger than a task's fewest samples per problem is left out for that task.
  std::vector<int64_t> pass_ks{1};
  // maj@k for each k (same rule); empty: maj@n with n the task's fewest samples per problem.
  std::vector<int64_t> maj_ks;
  // Groups extracted answers for maj@k (the graders' math equivalence, in the evaluator); default: identical.
  AnswerEquivalence equivalent = identical_answers;
  BootstrapOptions bootstrap;
};

struct MetricRow {
  std::string name;  // "pass@1", "avg@8", "maj@64"; "avg@n" when problems have different sample counts
  Estimate estimate;
  std::vector<double> per_problem;  // parallel to TaskMetrics::problem_ids (paired comparisons use them)
};

struct TaskMetrics {
  std::string task;
  std::string grader;  // the verdicts scored; empty when the task has no grades yet
  std::string rule;
  int64_t n_problems = 0;
  int64_t n_samples = 0;
  int64_t min_samples_per_problem = 0;
  int64_t max_samples_per_problem = 0;
  int64_t n_ungraded = 0;  // samples with no grade by the chosen (grader, rule): counted wrong
  std::vector<std::string> problem_ids;  // in the order of every MetricRow::per_problem
  std::vector<MetricRow> metrics;  // avg@n, then pass@k in the order asked, then maj@k
};

struct MetricsTable {
  int64_t run_id = 0;
  std::vector<TaskMetrics> tasks;  // ordered by task name
};

// The table from outcomes ordered by task, problem_id, sample_index (as Database::graded_outcomes returns).
std::vector<TaskMetrics> task_metrics(std::span<const GradedOutcome> outcomes, const MetricsOptions& options);

// Reads the run's outcomes and builds the table. Throws DatabaseError for an unknown run and
// std::invalid_argument when a task's grader / rule choice is ambiguous (a task without grades yet gets a
// row with every sample ungraded).
MetricsTable metrics_for_run(const Database& db, int64_t run_id, const MetricsOptions& options = {});

}  // namespace rbench::results
