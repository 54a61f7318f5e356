// The leaderboard of a results database: one row per model (its newest run that holds samples), one column per
// task (avg@n, the mean per-problem accuracy the SambaY paper reports, with its bootstrap interval), plus speed
// and generated length; and with each row its provenance, so every number can be traced back: git commit,
// harness version, device, sampling protocol, seed, grader versions and each task's version and dataset sha256.
// `rbench export` renders it as Markdown, CSV, JSON (leaderboard_formats.h) or an HTML report (html_report.h).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "results/database.h"
#include "results/metrics.h"
#include "results/throughput_summary.h"

namespace rbench::evaluator {

struct TaskScore {
  std::string metric;  // "avg@8", ...
  results::Estimate accuracy;
  int64_t n_samples = 0;
  int64_t n_ungraded = 0;
  int64_t n_truncated = 0;
  double mean_completion_tokens = 0;
  std::string task_version;
  std::string dataset_sha256;
};

struct LeaderboardRow {
  std::string label;  // model_label, or the full path where two models share their last path component
  results::ModelRecord model;
  results::RunRecord run;
  std::map<std::string, TaskScore> scores;  // by task name
  results::ThroughputSummary throughput;    // of the whole run
  std::set<std::string> grader_versions;
  double mean_accuracy = 0;                 // unweighted mean of the tasks' accuracies (the sort key)
};

struct Leaderboard {
  std::vector<std::string> tasks;   // every task any row has, sorted
  std::vector<LeaderboardRow> rows; // best mean accuracy first
};

Leaderboard build_leaderboard(const results::Database& db);

// A short display name for a model: the last component of its path.
std::string model_label(const results::ModelRecord& model);

}  // namespace rbench::evaluator
