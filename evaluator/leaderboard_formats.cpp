// Markdown, CSV and JSON renderings of the leaderboard (see leaderboard_formats.h).
#include "evaluator/leaderboard_formats.h"

#include <cmath>
#include <cstdio>

#include "results/json_export.h"

namespace rbench::evaluator {

std::string percent(double fraction) {
  if (!std::isfinite(fraction)) return "-";
  return fixed(100.0 * fraction, 1) + "%";
}

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

namespace {

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

// Markdown table cells must not contain a bare pipe.
std::string md_cell(std::string text) {
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string leaderboard_markdown(const Leaderboard& board) {
  std::string out = "# rbench leaderboard\n\n";
  out += "Accuracy is avg@n (mean over problems of the share of correct samples) with its 95% percentile-bootstrap "
         "interval over problems.\n\n| rank | model |";
  for (const auto& task : board.tasks) out += " " + md_cell(task) + " |";
  out += " mean | decode tok/s | mean gen tokens | truncated |\n|---:|---|";
  for (size_t i = 0; i < board.tasks.size(); ++i) out += "---:|";
  out += "---:|---:|---:|---:|\n";
  int rank = 0;
  for (const auto& row : board.rows) {
    out += "| " + std::to_string(++rank) + " | " + md_cell(row.label) + " |";
    for (const auto& task : board.tasks) {
      auto found = row.scores.find(task);
      if (found == row.scores.end()) {
        out += " - |";
        continue;
      }
      const auto& e = found->second.accuracy;
      out += " " + percent(e.mean) + " [" + percent(e.ci_low) + ", " + percent(e.ci_high) + "] (" +
             found->second.metric + ") |";
    }
    out += " " + percent(row.mean_accuracy) + " | " + fixed(row.throughput.aggregate_decode.tokens_per_second, 1) +
           " | " + fixed(row.throughput.mean_completion_tokens, 1) + " | " +
           std::to_string(row.throughput.n_truncated) +
           " |\n";
  }
  out += "\n## Protocol and provenance\n\n";
  for (const auto& row : board.rows) {
    out += "### " + md_cell(row.label) + "\n\n";
    out += "- model: `" + row.model.path + "` (" + row.model.architecture + ", " + std::to_string(row.model.n_params) +
           " parameters, weights sha256 `" + row.model.weights_sha256 + "`, config sha256 `" +
           row.model.config_sha256 + "`)\n";
    out += "- run " + std::to_string(row.run.id) + ": suite `" + row.run.suite + "`, status " + row.run.status +
           ", started " + row.run.started_at + ", finished " +
           (row.run.finished_at.empty() ? "-" : row.run.finished_at) +
           "\n";
    out += "- git commit `" + row.run.git_commit + "`, harness " + row.run.harness_version + ", device " +
           row.run.device + ", seed " + std::to_string(row.run.seed) + "\n";
    out += "- protocol: `" + row.run.sampling_json + "`\n";
    out += "- grader versions: " + join(row.grader_versions) + "\n";
    for (const auto& [task, score] : row.scores)
      out += "- " + task + ": version " + score.task_version + ", dataset sha256 `" + score.dataset_sha256 + "`, " +
             std::to_string(score.n_samples) + " samples, " + std::to_string(score.n_ungraded) + " ungraded, " +
             std::to_string(score.n_truncated) + " truncated\n";
    out += "\n";
  }
  return out;
}

std::string leaderboard_csv(const Leaderboard& board) {
  std::string out = "rank,model,model_path,run_id,suite";
  for (const auto& task : board.tasks)
    out += "," + csv_field(task + "_metric") + "," + csv_field(task + "_accuracy") + "," + csv_field(task + "_ci_low") +
           "," + csv_field(task + "_ci_high") + "," + csv_field(task + "_n_samples");
  out += ",mean_accuracy,decode_tokens_per_second,prefill_tokens_per_second,mean_completion_tokens,n_truncated,"
         "git_commit,harness_version,device,seed,protocol,grader_versions,dataset_sha256\n";
  int rank = 0;
  for (const auto& row : board.rows) {
    out += std::to_string(++rank) + "," + csv_field(row.label) + "," + csv_field(row.model.path) + "," +
           std::to_string(row.run.id) + "," + csv_field(row.run.suite);
    std::string hashes;
    for (const auto& task : board.tasks) {
      auto found = row.scores.find(task);
      if (found == row.scores.end()) {
        out += ",,,,,";
        continue;
      }
      const auto& s = found->second;
      out += "," + s.metric + "," + fixed(s.accuracy.mean, 6) + "," + fixed(s.accuracy.ci_low, 6) + "," +
             fixed(s.accuracy.ci_high, 6) + "," + std::to_string(s.n_samples);
      hashes += (hashes.empty() ? "" : " ") + task + ":" + s.dataset_sha256;
    }
    out += "," + fixed(row.mean_accuracy, 6) + "," + fixed(row.throughput.aggregate_decode.tokens_per_second, 3) + "," +
           fixed(row.throughput.aggregate_prefill.tokens_per_second, 3) + "," +
           fixed(row.throughput.mean_completion_tokens, 3) + "," + std::to_string(row.throughput.n_truncated) + "," +
           csv_field(row.run.git_commit) + "," + csv_field(row.run.harness_version) + "," + csv_field(row.run.device) +
           "," + std::to_string(row.run.seed) + "," + csv_field(row.run.sampling_json) + "," +
           csv_field(join(row.grader_versions)) + "," + csv_field(hashes) + "\n";
  }
  return out;
}

nlohmann::json leaderboard_json(const Leaderboard& board) {
  nlohmann::json rows = nlohmann::json::array();
  int rank = 0;
  for (const auto& row : board.rows) {
    nlohmann::json scores = nlohmann::json::object();
    for (const auto& [task, s] : row.scores)
      scores[task] = {{"metric", s.metric},
                      {"accuracy", s.accuracy},
                      {"n_samples", s.n_samples},
                      {"n_ungraded", s.n_ungraded},
                      {"n_truncated", s.n_truncated},
                      {"mean_completion_tokens", s.mean_completion_tokens},
                      {"task_version", s.task_version},
                      {"dataset_sha256", s.dataset_sha256}};
    rows.push_back({{"rank", ++rank},
                    {"model", row.model},
                    {"label", row.label},
                    {"run", row.run},
                    {"scores", scores},
                    {"mean_accuracy", row.mean_accuracy},
                    {"throughput", row.throughput},
                    {"grader_versions", row.grader_versions}});
  }
  return {{"tasks", board.tasks}, {"rows", rows}};
}

}  // namespace rbench::evaluator
