// The leaderboard and its renderings: one row per model from its newest run, accuracies equal to what the test
// computes from the fake's seeds, provenance present, and the Markdown, CSV, JSON and HTML forms carrying those
// same numbers (not merely existing).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "evaluator/html_report.h"
#include "evaluator/leaderboard.h"
#include "evaluator/leaderboard_formats.h"
#include "evaluator/svg_charts.h"
#include "fake_runs.h"

namespace rbench::evaluator {
namespace {

std::string pct(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * f);
  return b;
}

// Splits one CSV line, honouring double-quoted fields with doubled quotes inside.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class EvaluatorLeaderboard : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::run_fake(db, testing::fake_config(3, 2), "/models/alpha-model");  // older run: not on the board
    testing::run_fake(db, testing::fake_config(5, 2), "/models/alpha-model");
    testing::run_fake(db, testing::fake_config(11, 2), "/models/beta-model");
    for (uint64_t seed : {5, 11}) {
      double sum = 0;
      for (const auto& task : testing::fake_tasks()) {
        double v = testing::mean_of(testing::expected_per_problem(task, 2, seed));
        expected[seed][task.name] = v;
        sum += v / 2;
      }
      expected_mean[seed] = sum;
    }
  }
  results::Database db{":memory:"};
  std::map<uint64_t, std::map<std::string, double>> expected;
  std::map<uint64_t, double> expected_mean;
};

TEST_F(EvaluatorLeaderboard, RowsHoldEachModelsNewestRunWithItsAccuracy) {
  auto board = build_leaderboard(db);
  ASSERT_EQ(board.rows.size(), 2u);
  EXPECT_EQ(board.tasks, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_GE(board.rows[0].mean_accuracy, board.rows[1].mean_accuracy);
  for (const auto& row : board.rows) {
    const uint64_t seed = row.model.path == "/models/alpha-model" ? 5 : 11;
    EXPECT_EQ(row.run.seed, static_cast<int64_t>(seed));
    for (const auto& task : board.tasks) {
      const auto& score = row.scores.at(task);
      EXPECT_EQ(score.metric, "avg@2");
      EXPECT_NEAR(score.accuracy.mean, expected[seed][task], 1e-12);
      EXPECT_EQ(score.dataset_sha256, "sha-" + task);
      EXPECT_EQ(score.task_version, "1");
      EXPECT_EQ(score.mean_completion_tokens, 10.0);  // the fake's length
    }
    EXPECT_NEAR(row.mean_accuracy, expected_mean[seed], 1e-12);
    EXPECT_EQ(row.grader_versions.size(), 1u);
    EXPECT_EQ(row.throughput.n_samples, (12 + 8) * 2);
  }
}

TEST_F(EvaluatorLeaderboard, MarkdownCsvAndJsonCarryTheNumbers) {
  auto board = build_leaderboard(db);
  const std::string md = leaderboard_markdown(board);
  const std::string first = board.rows[0].label;
  EXPECT_EQ(first, model_label(board.rows[0].model));
  const uint64_t first_seed = board.rows[0].run.seed;
  EXPECT_NE(md.find("| 1 | " + first + " | " + pct(expected[first_seed]["alpha"])), std::string::npos) << md;
  EXPECT_NE(md.find("dataset sha256 `sha-beta`"), std::string::npos);
  EXPECT_NE(md.find("\"temperature\""), std::string::npos);  // the protocol
  EXPECT_NE(md.find(std::string(graders::kGraderVersion)), std::string::npos);

  const std::string csv = leaderboard_csv(board);
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = csv.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(csv.substr(start, end - start));
  ASSERT_EQ(lines.size(), 3u);
  auto header = csv_fields(lines[0]);
  for (size_t r = 1; r < 3; ++r) {
    auto fields = csv_fields(lines[r]);
    ASSERT_EQ(fields.size(), header.size()) << lines[r];
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
    const uint64_t seed = row["model_path"] == "/models/alpha-model" ? 5 : 11;
    EXPECT_NEAR(std::stod(row["alpha_accuracy"]), expected[seed]["alpha"], 1e-6);
    EXPECT_NEAR(std::stod(row["beta_accuracy"]), expected[seed]["beta"], 1e-6);
    EXPECT_EQ(row["alpha_n_samples"], "24");
    EXPECT_EQ(row["mean_completion_tokens"], "10.000");
    EXPECT_NE(row["protocol"].find("\"seed\":" + std::to_string(seed)), std::string::npos) << row["protocol"];
    EXPECT_EQ(row["dataset_sha256"], "alpha:sha-alpha beta:sha-beta");
  }

  auto json = leaderboard_json(board);
  ASSERT_EQ(json["rows"].size(), 2u);
  for (const auto& row : json["rows"]) {
    const uint64_t seed = row["model"]["path"] == "/models/alpha-model" ? 5 : 11;
    EXPECT_NEAR(row["scores"]["beta"]["accuracy"]["mean"].get<double>(), expected[seed]["beta"], 1e-12);
    EXPECT_EQ(row["run"]["seed"], seed);
  }
}

TEST_F(EvaluatorLeaderboard, HtmlIsSelfContainedWithCharts) {
  auto board = build_leaderboard(db);
  const std::string html = leaderboard_html(board);
  EXPECT_EQ(count(html, "class=\"model-row\""), 2u);
  for (const char* id : {"chart-accuracy", "chart-length", "chart-throughput"})
    EXPECT_EQ(count(html, std::string("<svg id=\"") + id + "\""), 1u) << id;
  EXPECT_EQ(count(html, "<g class=\"whisker\""), 4u);  // 2 models x 2 tasks
  EXPECT_EQ(count(html, "<circle class=\"point\""), 4u);
  EXPECT_NE(html.find("data-value=\"" + pct(expected[5]["alpha"]) + "\""), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(EvaluatorLeaderboardLabels, SameDirectoryNameInTwoPlacesShowsFullPaths) {
  results::Database db(":memory:");
  testing::run_fake(db, testing::fake_config(5, 1), "/runs/a/checkpoint");
  testing::run_fake(db, testing::fake_config(5, 1), "/runs/b/checkpoint/");
  testing::run_fake(db, testing::fake_config(5, 1), "/runs/c/other");
  std::set<std::string> labels;
  for (const auto& row : build_leaderboard(db).rows) labels.insert(row.label);
  EXPECT_EQ(labels, (std::set<std::string>{"/runs/a/checkpoint", "/runs/b/checkpoint/", "other"}));
}

TEST(EvaluatorSvg, EscapesText) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace rbench::evaluator
