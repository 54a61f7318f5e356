// Terminal reports of the results: the runs list, a run's per-task metrics table, its throughput table, a bench
// run's measures and a comparison of two runs. Accuracies print as percentages with one decimal, "±" the standard
// error, and the bootstrap interval in brackets; a value that is not defined prints as "-".
#pragma once

#include <string>
#include <vector>

#include "results/comparison.h"
#include "results/metrics_table.h"
#include "results/records.h"
#include "results/throughput_summary.h"

namespace rbench::results {

std::string format_runs(const std::vector<RunOverview>& runs);
std::string format_metrics_table(const MetricsTable& table);
std::string format_throughput(const ThroughputSummary& summary);
// A bench run: its settings, prefill and decode rows, and the measures of its bench row (with the sweep, if any).
std::string format_bench(const BenchRecord& bench, const std::vector<ThroughputRecord>& phases);
std::string format_comparison(const std::vector<MetricComparison>& comparisons);

// "23.4%" for 0.234; "-" when not finite.
std::string format_percent(double fraction);

}  // namespace rbench::results
