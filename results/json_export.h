// JSON forms of the results records and tables, for `rbench ... --json` and exports. Each is an
// nlohmann::json to_json overload found by argument-dependent lookup, so `nlohmann::json j = record;` and
// vectors of records just work. Numbers that are not defined (a standard error of one problem) become null.
// A run's sampling parameters are embedded as the JSON object they are; prompts stay JSON text, so the
// exact stored bytes can be recovered.
#pragma once

#include <nlohmann/json.hpp>

#include "results/comparison.h"
#include "results/metrics.h"
#include "results/metrics_table.h"
#include "results/records.h"
#include "results/throughput_summary.h"

namespace rbench::results {

void to_json(nlohmann::json& out, const ModelRecord& model);
void to_json(nlohmann::json& out, const RunRecord& run);
void to_json(nlohmann::json& out, const SampleRecord& sample);
void to_json(nlohmann::json& out, const GradeRecord& grade);
void to_json(nlohmann::json& out, const ThroughputRecord& record);
void to_json(nlohmann::json& out, const BenchRecord& bench);
void to_json(nlohmann::json& out, const Estimate& estimate);
void to_json(nlohmann::json& out, const MetricRow& row);  // without the per-problem values
void to_json(nlohmann::json& out, const TaskMetrics& task);
void to_json(nlohmann::json& out, const MetricsTable& table);
void to_json(nlohmann::json& out, const PhaseRate& rate);
void to_json(nlohmann::json& out, const ThroughputSummary& summary);
void to_json(nlohmann::json& out, const MetricComparison& comparison);

}  // namespace rbench::results
