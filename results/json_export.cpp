// The to_json overloads of results/json_export.h: field names are the records' member names.
#include "results/json_export.h"

#include <cmath>

namespace rbench::results {
namespace {

nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

// Stored sampling parameters are canonical JSON; a file edited by hand may hold anything, kept as text.
nlohmann::json embedded_json(const std::string& text) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(text) : parsed;
}

}  // namespace

void to_json(nlohmann::json& out, const ModelRecord& model) {
  out = {{"id", model.id},
         {"path", model.path},
         {"architecture", model.architecture},
         {"config_sha256", model.config_sha256},
         {"weights_sha256", model.weights_sha256},
         {"n_params", model.n_params}};
}

void to_json(nlohmann::json& out, const RunRecord& run) {
  out = {{"id", run.id},
         {"model_id", run.model_id},
         {"suite", run.suite},
         {"sampling", embedded_json(run.sampling_json)},
         {"seed", run.seed},
         {"git_commit", run.git_commit},
         {"harness_version", run.harness_version},
         {"device", run.device},
         {"started_at", run.started_at},
         {"finished_at", run.finished_at},
         {"status", run.status},
         {"command_line", run.command_line}};
}

void to_json(nlohmann::json& out, const SampleRecord& sample) {
  out = {{"id", sample.id},
         {"run_id", sample.run_id},
         {"task", sample.task},
         {"task_version", sample.task_version},
         {"dataset_sha256", sample.dataset_sha256},
         {"problem_id", sample.problem_id},
         {"sample_index", sample.sample_index},
         {"seed", sample.seed},
         {"prompt", sample.prompt},
         {"completion", sample.completion},
         {"n_prompt_tokens", sample.n_prompt_tokens},
         {"n_completion_tokens", sample.n_completion_tokens},
         {"finish_reason", sample.finish_reason},
         {"error", sample.error},
         {"prefill_seconds", sample.prefill_seconds},
         {"decode_seconds", sample.decode_seconds},
         {"created_at", sample.created_at}};
}

void to_json(nlohmann::json& out, const GradeRecord& grade) {
  out = {{"id", grade.id},
         {"sample_id", grade.sample_id},
         {"grader", grade.grader},
         {"grader_version", grade.grader_version},
         {"rule", grade.rule},
         {"extracted", grade.extracted},
         {"correct", grade.correct},
         {"reason", grade.reason},
         {"gold", grade.gold},
         {"canonical", grade.canonical ? nlohmann::json(*grade.canonical) : nlohmann::json(nullptr)}};
}

void to_json(nlohmann::json& out, const ThroughputRecord& record) {
  out = {{"id", record.id},         {"run_id", record.run_id}, {"phase", record.phase}, {"tokens", record.tokens},
         {"seconds", record.seconds}, {"batch", record.batch},   {"device", record.device},
         {"decode_steps", record.decode_steps}, {"max_in_flight", record.max_in_flight},
         {"graphs_captured", record.graphs_captured}, {"engines", record.engines}};
}

void to_json(nlohmann::json& out, const BenchRecord& bench) {
  out = {{"run_id", bench.run_id},
         {"dtype", bench.dtype},
         {"prompt_len", bench.prompt_len},
         {"gen_len", bench.gen_len},
         {"concurrency", bench.concurrency},
         {"capacity", bench.capacity},
         {"cuda_graphs", bench.cuda_graphs},
         {"prefill_tokens_per_s", number_or_null(bench.prefill_tokens_per_s)},
         {"decode_tokens_per_s", number_or_null(bench.decode_tokens_per_s)},
         {"ms_per_output_token", number_or_null(bench.ms_per_output_token)},
         {"peak_memory_gib", number_or_null(bench.peak_memory_gib)},
         {"state_gib_per_sequence", number_or_null(bench.state_gib_per_sequence)},
         {"copy_bandwidth_gbs", number_or_null(bench.copy_bandwidth_gbs)},
         {"matmul_tflops", number_or_null(bench.matmul_tflops)},
         {"weight_bytes_per_step", number_or_null(bench.weight_bytes_per_step)},
         {"state_bytes_per_step", number_or_null(bench.state_bytes_per_step)},
         {"roofline_tokens_per_s", number_or_null(bench.roofline_tokens_per_s)},
         {"roofline_fraction", number_or_null(bench.roofline_fraction)},
         {"result", embedded_json(bench.result_json)}};
}

void to_json(nlohmann::json& out, const Estimate& estimate) {
  out = {{"mean", number_or_null(estimate.mean)},
         {"standard_error", number_or_null(estimate.standard_error)},
         {"ci_low", number_or_null(estimate.ci_low)},
         {"ci_high", number_or_null(estimate.ci_high)},
         {"n_problems", estimate.n_problems}};
}

void to_json(nlohmann::json& out, const MetricRow& row) { out = {{"name", row.name}, {"estimate", row.estimate}}; }

void to_json(nlohmann::json& out, const TaskMetrics& task) {
  out = {{"task", task.task},
         {"grader", task.grader},
         {"rule", task.rule},
         {"n_problems", task.n_problems},
         {"n_samples", task.n_samples},
         {"min_samples_per_problem", task.min_samples_per_problem},
         {"max_samples_per_problem", task.max_samples_per_problem},
         {"n_ungraded", task.n_ungraded},
         {"metrics", task.metrics}};
}

void to_json(nlohmann::json& out, const MetricsTable& table) { out = {{"run_id", table.run_id}, {"tasks", table.tasks}}; }

void to_json(nlohmann::json& out, const PhaseRate& rate) {
  out = {{"tokens", rate.tokens}, {"seconds", rate.seconds}, {"tokens_per_second", rate.tokens_per_second}};
}

void to_json(nlohmann::json& out, const ThroughputSummary& summary) {
  out = {{"aggregate_prefill", summary.aggregate_prefill},
         {"aggregate_decode", summary.aggregate_decode},
         {"per_sequence_prefill", summary.per_sequence_prefill},
         {"per_sequence_decode", summary.per_sequence_decode},
         {"n_samples", summary.n_samples},
         {"mean_prompt_tokens", summary.mean_prompt_tokens},
         {"mean_completion_tokens", summary.mean_completion_tokens},
         {"max_completion_tokens", summary.max_completion_tokens},
         {"finish_reasons", summary.finish_reasons},
         {"n_truncated", summary.n_truncated}};
}

void to_json(nlohmann::json& out, const MetricComparison& comparison) {
  out = {{"task", comparison.task},
         {"metric", comparison.metric},
         {"a", comparison.a},
         {"b", comparison.b},
         {"difference", comparison.difference}};
}

}  // namespace rbench::results
