// The HTML leaderboard report (see html_report.h).
#include "evaluator/html_report.h"

#include <cmath>
#include <limits>

#include "evaluator/leaderboard_formats.h"
#include "evaluator/svg_charts.h"

namespace rbench::evaluator {

namespace {

constexpr const char* kStyle = R"(body{font-family:sans-serif;margin:24px;color:#222;background:#fff}
table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:first-child,td:nth-child(2){text-align:left}th{background:#f3f3f3}.ci{color:#666;font-size:85%}
.charts svg{display:block;margin:16px 0}code{font-size:85%;word-break:break-all}dl{margin:4px 0 16px 0}
dt{font-weight:bold;margin-top:6px}dd{margin-left:16px})";

std::string cell(const std::string& text) { return "<td>" + html_escape(text) + "</td>"; }

std::string leaderboard_table(const Leaderboard& board) {
  std::string out = "<table id=\"leaderboard\">\n<thead><tr><th>rank</th><th>model</th>";
  for (const auto& task : board.tasks) out += "<th>" + html_escape(task) + "</th>";
  out += "<th>mean</th><th>decode tok/s</th><th>mean gen tokens</th><th>truncated</th></tr></thead>\n<tbody>\n";
  int rank = 0;
  for (const auto& row : board.rows) {
    const std::string label = row.label;
    out += "<tr class=\"model-row\" data-model=\"" + html_escape(label) + "\">" + cell(std::to_string(++rank)) +
           "<td title=\"" + html_escape(row.model.path) + "\">" + html_escape(label) + "</td>";
    for (const auto& task : board.tasks) {
      auto found = row.scores.find(task);
      if (found == row.scores.end()) {
        out += cell("-");
        continue;
      }
      const auto& e = found->second.accuracy;
      out += "<td data-task=\"" + html_escape(task) + "\">" + html_escape(percent(e.mean)) + " <span class=\"ci\">[" +
             html_escape(percent(e.ci_low)) + ", " + html_escape(percent(e.ci_high)) + "] " +
             html_escape(found->second.metric) + "</span></td>";
    }
    out += cell(percent(row.mean_accuracy)) + cell(fixed(row.throughput.aggregate_decode.tokens_per_second, 1)) +
           cell(fixed(row.throughput.mean_completion_tokens, 1)) + cell(std::to_string(row.throughput.n_truncated)) +
           "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string provenance(const Leaderboard& board) {
  std::string out = "<h2>Protocol and provenance</h2>\n";
  for (const auto& row : board.rows) {
    auto item = [](const std::string& term, const std::string& value) {
      return "<dt>" + html_escape(term) + "</dt><dd><code>" + html_escape(value) + "</code></dd>";
    };
    std::string graders;
    for (const auto& v : row.grader_versions) graders += (graders.empty() ? "" : " ") + v;
    out += "<h3>" + html_escape(row.label) + "</h3>\n<dl class=\"provenance\">" +
           item("model", row.model.path + " (" + row.model.architecture + ", " + std::to_string(row.model.n_params) +
                             " parameters)") +
           item("weights sha256", row.model.weights_sha256) + item("config sha256", row.model.config_sha256) +
           item("run", std::to_string(row.run.id) + ", suite " + row.run.suite + ", " + row.run.status + ", " +
                           row.run.started_at + " to " + (row.run.finished_at.empty() ? "-" : row.run.finished_at)) +
           item("git commit", row.run.git_commit) + item("harness version", row.run.harness_version) +
           item("device", row.run.device) + item("seed", std::to_string(row.run.seed)) +
           item("protocol", row.run.sampling_json) + item("grader versions", graders);
    for (const auto& [task, score] : row.scores)
      out += item(task, "version " + score.task_version + ", dataset sha256 " + score.dataset_sha256 + ", " +
                            std::to_string(score.n_samples) + " samples, " + std::to_string(score.n_ungraded) +
                            " ungraded, " + std::to_string(score.n_truncated) + " truncated");
    out += "</dl>\n";
  }
  return out;
}

}  // namespace

std::string leaderboard_html(const Leaderboard& board) {
  std::vector<std::string> models;
  for (const auto& row : board.rows) models.push_back(row.label);

  const double none = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<BarValue>> accuracy(board.rows.size());
  std::vector<ScatterPoint> points;
  std::vector<double> decode_rates;
  for (size_t r = 0; r < board.rows.size(); ++r) {
    const auto& row = board.rows[r];
    for (const auto& task : board.tasks) {
      auto found = row.scores.find(task);
      if (found == row.scores.end()) {
        accuracy[r].push_back({none, none, none});
        continue;
      }
      const auto& e = found->second.accuracy;
      accuracy[r].push_back({e.mean, e.ci_low, e.ci_high});
      points.push_back({models[r], task, found->second.mean_completion_tokens, e.mean});
    }
    decode_rates.push_back(row.throughput.aggregate_decode.tokens_per_second);
  }

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<title>rbench leaderboard</title><style>" +
                    std::string(kStyle) + "</style></head>\n<body>\n<h1>rbench leaderboard</h1>\n";
  out += "<p>Accuracy is avg@n: the mean over problems of the share of correct samples, with its 95% percentile "
         "bootstrap interval over problems. " +
         std::to_string(board.rows.size()) + " models, " + std::to_string(board.tasks.size()) + " tasks.</p>\n";
  out += leaderboard_table(board);
  out += "<div class=\"charts\">\n";
  out += svg_grouped_bars("chart-accuracy", "Accuracy per task (95% interval)", board.tasks, models, accuracy);
  out += svg_scatter("chart-length", "Accuracy vs mean generated length", "mean generated tokens", models, points);
  out += svg_horizontal_bars("chart-throughput", "Decode throughput", models, decode_rates, "tok/s");
  out += "</div>\n" + provenance(board) + "</body></html>\n";
  return out;
}

}  // namespace rbench::evaluator
