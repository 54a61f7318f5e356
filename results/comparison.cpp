// Pairs two metrics tables task by task and metric by metric, aligning per-problem values by problem id.
#include "results/comparison.h"

#include <map>

namespace rbench::results {
namespace {

const TaskMetrics* find_task(const MetricsTable& table, const std::string& task) {
  for (const TaskMetrics& candidate : table.tasks) {
    if (candidate.task == task) return &candidate;
  }
  return nullptr;
}

const MetricRow* find_metric(const TaskMetrics& task, const std::string& name) {
  for (const MetricRow& candidate : task.metrics) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

}  // namespace

std::vector<MetricComparison> compare_metrics(const MetricsTable& a, const MetricsTable& b,
                                              const BootstrapOptions& bootstrap) {
  std::vector<MetricComparison> comparisons;
  for (const TaskMetrics& task_a : a.tasks) {
    const TaskMetrics* task_b = find_task(b, task_a.task);
    if (task_b == nullptr) continue;
    std::map<std::string, size_t> index_in_b;
    for (size_t i = 0; i < task_b->problem_ids.size(); ++i) index_in_b.emplace(task_b->problem_ids[i], i);
    for (const MetricRow& row_a : task_a.metrics) {
      const MetricRow* row_b = find_metric(*task_b, row_a.name);
      if (row_b == nullptr) continue;
      std::vector<double> differences;
      for (size_t i = 0; i < task_a.problem_ids.size(); ++i) {
        const auto found = index_in_b.find(task_a.problem_ids[i]);
        if (found != index_in_b.end()) differences.push_back(row_b->per_problem[found->second] - row_a.per_problem[i]);
      }
      if (differences.empty()) continue;
      comparisons.push_back({task_a.task, row_a.name, row_a.estimate, row_b->estimate,
                             estimate_mean(differences, bootstrap)});
    }
  }
  return comparisons;
}

}  // namespace rbench::results
