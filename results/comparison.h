// Comparing two runs' metrics tables: for every (task, metric) present in both, the two estimates and the
// paired difference (b - a) over the problems both runs answered, with its standard error and bootstrap
// interval. Pairing by problem removes the between-problem variance that dominates an unpaired comparison
// of two accuracies on the same benchmark.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "results/metrics.h"
#include "results/metrics_table.h"

namespace rbench::results {

struct MetricComparison {
  std::string task;
  std::string metric;
  Estimate a;           // run a's estimate over all its problems
  Estimate b;
  Estimate difference;  // mean of (b - a) over shared problems; n_problems counts them
};

// Rows in the order of a's tasks and metrics; (task, metric) pairs missing from either side are left out.
std::vector<MetricComparison> compare_metrics(const MetricsTable& a, const MetricsTable& b,
                                              const BootstrapOptions& bootstrap = {});

}  // namespace rbench::results
