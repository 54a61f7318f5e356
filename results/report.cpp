// Renders runs, metrics, throughput and comparisons as aligned text tables (results/text_table.h).
#include "results/report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "results/text_table.h"

namespace rbench::results {
namespace {

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string format_interval(const Estimate& estimate) {
  std::string interval = "[";  // appended piecewise: `"[" + std::string` trips a GCC 12 -Wrestrict false alarm
  interval.append(format_percent(estimate.ci_low)).append(", ").append(format_percent(estimate.ci_high)).append("]");
  return interval;
}

}  // namespace

std::string format_percent(double fraction) {
  return std::isfinite(fraction) ? format_fixed(100.0 * fraction, 1) + "%" : "-";
}

std::string format_runs(const std::vector<RunOverview>& runs) {
  TextTable table({"run", "status", "model", "suite", "tasks", "samples", "graded", "errors", "seed", "commit",
                   "device", "started", "finished"});
  for (const RunOverview& overview : runs) {
    const RunRecord& run = overview.run;
    std::string tasks;
    for (const std::string& task : overview.tasks) tasks.append(tasks.empty() ? "" : ",").append(task);
    if (overview.bench) {
      // A bench run has no samples: its shape and headline speed stand where the tasks and counts would.
      const BenchRecord& bench = *overview.bench;
      tasks = "prompt " + std::to_string(bench.prompt_len) + " + gen " + std::to_string(bench.gen_len) + " x" +
              std::to_string(bench.concurrency) + ": decode " + format_fixed(bench.decode_tokens_per_s, 1) +
              " tok/s";
      table.add_row({std::to_string(run.id), run.status, overview.model_path, run.suite, tasks, "-", "-", "-",
                     std::to_string(run.seed), run.git_commit.substr(0, 10), run.device, run.started_at,
                     run.finished_at});
      continue;
    }
    table.add_row({std::to_string(run.id), run.status, overview.model_path, run.suite, tasks,
                   std::to_string(overview.n_samples), std::to_string(overview.n_graded_samples),
                   std::to_string(overview.n_errors), std::to_string(run.seed), run.git_commit.substr(0, 10),
                   run.device, run.started_at, run.finished_at});
  }
  return table.render();
}

std::string format_metrics_table(const MetricsTable& metrics) {
  TextTable table({"task", "graded by", "problems", "samples", "ungraded", "metric", "value", "± se", "95% interval"});
  for (const TaskMetrics& task : metrics.tasks) {
    const std::string graded_by = task.grader.empty() ? "-" : task.grader + "/" + task.rule;
    for (const MetricRow& row : task.metrics) {
      table.add_row({task.task, graded_by, std::to_string(task.n_problems), std::to_string(task.n_samples),
                     std::to_string(task.n_ungraded), row.name, format_percent(row.estimate.mean),
                     format_percent(row.estimate.standard_error), format_interval(row.estimate)});
    }
  }
  return table.render();
}

std::string format_throughput(const ThroughputSummary& summary) {
  TextTable rates({"phase", "tokens", "seconds", "tokens/s (aggregate)", "tokens/s (per sequence)"});
  rates.add_row({"prefill", std::to_string(summary.aggregate_prefill.tokens),
                 format_fixed(summary.aggregate_prefill.seconds, 2),
                 format_fixed(summary.aggregate_prefill.tokens_per_second, 1),
                 format_fixed(summary.per_sequence_prefill.tokens_per_second, 1)});
  rates.add_row({"decode", std::to_string(summary.aggregate_decode.tokens),
                 format_fixed(summary.aggregate_decode.seconds, 2),
                 format_fixed(summary.aggregate_decode.tokens_per_second, 1),
                 format_fixed(summary.per_sequence_decode.tokens_per_second, 1)});
  TextTable sizes({"samples", "prompt tokens (mean)", "completion tokens (mean)", "completion tokens (max)",
                   "stop", "length (truncated)", "error"});
  const auto count_of = [&](const std::string& reason) {
    const auto found = summary.finish_reasons.find(reason);
    return std::to_string(found != summary.finish_reasons.end() ? found->second : 0);
  };
  sizes.add_row({std::to_string(summary.n_samples), format_fixed(summary.mean_prompt_tokens, 1),
                 format_fixed(summary.mean_completion_tokens, 1), std::to_string(summary.max_completion_tokens),
                 count_of("stop"), count_of("length"), count_of("error")});
  std::string out = rates.render() + "\n" + sizes.render();
  if (summary.decode_steps > 0) {
    TextTable engines({"engines", "decode steps", "mean batch", "max in flight (one engine)", "CUDA graphs"});
    engines.add_row({std::to_string(summary.engines), std::to_string(summary.decode_steps),
                     format_fixed(summary.mean_batch(), 2), std::to_string(summary.max_in_flight),
                     std::to_string(summary.graphs_captured)});
    out.append("\n").append(engines.render());  // not `"\n" + ...`: a GCC 12 -Wrestrict false alarm
  }
  return out;
}

std::string format_bench(const BenchRecord& bench, const std::vector<ThroughputRecord>& phases) {
  std::string out = "bench   prompt " + std::to_string(bench.prompt_len) + " + " + std::to_string(bench.gen_len) +
                    " generated, " + std::to_string(bench.concurrency) + " sequence(s) in flight, " + bench.dtype +
                    ", slots of " + std::to_string(bench.capacity) + " tokens, CUDA graphs " +
                    (bench.cuda_graphs ? "on" : "off") + "\n\n";
  TextTable rates({"phase", "tokens", "seconds", "tokens/s", "batch", "decode steps", "CUDA graphs captured"});
  for (const ThroughputRecord& phase : phases) {
    const double rate = phase.seconds > 0 ? static_cast<double>(phase.tokens) / phase.seconds : std::nan("");
    rates.add_row({phase.phase, std::to_string(phase.tokens), format_fixed(phase.seconds, 4), format_fixed(rate, 1),
                   std::to_string(phase.batch), std::to_string(phase.decode_steps),
                   std::to_string(phase.graphs_captured)});
  }
  TextTable measures({"measure", "value"});
  measures.add_row({"prefill tokens/s (batch 1)", format_fixed(bench.prefill_tokens_per_s, 1)});
  measures.add_row({"decode tokens/s (all sequences)", format_fixed(bench.decode_tokens_per_s, 1)});
  measures.add_row({"time per output token (ms)", format_fixed(bench.ms_per_output_token, 3)});
  measures.add_row({"sequences in flight", std::to_string(bench.concurrency)});
  measures.add_row({"peak GPU memory (GiB)", format_fixed(bench.peak_memory_gib, 2)});
  measures.add_row({"state per sequence (GiB)", format_fixed(bench.state_gib_per_sequence, 3)});
  measures.add_row({"copy bandwidth (GB/s, measured)", format_fixed(bench.copy_bandwidth_gbs, 1)});
  measures.add_row({"matmul (TFLOP/s, measured)", format_fixed(bench.matmul_tflops, 2)});
  measures.add_row({"weights read per step (GB)", format_fixed(bench.weight_bytes_per_step / 1e9, 3)});
  measures.add_row({"state moved per step (GB)", format_fixed(bench.state_bytes_per_step / 1e9, 3)});
  measures.add_row({"roofline tokens/s", format_fixed(bench.roofline_tokens_per_s, 1)});
  measures.add_row({"achieved fraction of roofline", format_percent(bench.roofline_fraction)});
  out.append(rates.render()).append("\n").append(measures.render());
  // The context sweep stays in the stored JSON (its length varies); shown when the bench ran one.
  const nlohmann::json result = nlohmann::json::parse(bench.result_json, nullptr, /*allow_exceptions=*/false);
  if (result.is_object() && result.contains("sweep") && result["sweep"].is_array() && !result["sweep"].empty()) {
    TextTable sweep({"context", "ms/step", "tokens/s", "roofline"});
    for (const nlohmann::json& point : result["sweep"]) {
      const auto number = [&point](const char* key) {
        return point.contains(key) && point[key].is_number() ? point[key].get<double>() : std::nan("");
      };
      sweep.add_row({format_fixed(number("context"), 0), format_fixed(1e3 * number("step_seconds"), 3),
                     format_fixed(number("tokens_per_s"), 1), format_percent(number("roofline_fraction"))});
    }
    out.append("\n").append(sweep.render());
  }
  return out;
}

std::string format_comparison(const std::vector<MetricComparison>& comparisons) {
  TextTable table({"task", "metric", "run a", "run b", "b - a", "± se", "95% interval", "paired problems"});
  for (const MetricComparison& row : comparisons) {
    table.add_row({row.task, row.metric, format_percent(row.a.mean), format_percent(row.b.mean),
                   format_percent(row.difference.mean), format_percent(row.difference.standard_error),
                   format_interval(row.difference), std::to_string(row.difference.n_problems)});
  }
  return table.render();
}

}  // namespace rbench::results
