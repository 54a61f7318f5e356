// Reports and exports: the paired comparison of two runs by hand, the aligned text tables, and the JSON
// forms (embedded sampling parameters, null for undefined numbers).
#include <gtest/gtest.h>

#include <cmath>

#include "results/comparison.h"
#include "results/json_export.h"
#include "results/report.h"
#include "results/text_table.h"
#include "test_database.h"

namespace rbench::results {
namespace {

using testing::make_model;
using testing::make_run;
using testing::store_problem;

// Run a: p1 (2/2), p2 (0/2), p3 (1/2). Run b: p1 (1/2), p2 (2/2), p4 (2/2). Shared problems: p1, p2.
std::pair<MetricsTable, MetricsTable> two_runs(Database& db) {
  const int64_t model = db.upsert_model(make_model());
  const int64_t a = db.insert_run(make_run(model));
  const int64_t b = db.insert_run(make_run(model));
  store_problem(db, a, "smoke", "p1", {{"1", true}, {"1", true}}, "math", "boxed");
  store_problem(db, a, "smoke", "p2", {{"0", false}, {"0", false}}, "math", "boxed");
  store_problem(db, a, "smoke", "p3", {{"3", true}, {"4", false}}, "math", "boxed");
  store_problem(db, b, "smoke", "p1", {{"1", true}, {"9", false}}, "math", "boxed");
  store_problem(db, b, "smoke", "p2", {{"2", true}, {"2", true}}, "math", "boxed");
  store_problem(db, b, "smoke", "p4", {{"4", true}, {"4", true}}, "math", "boxed");
  return {metrics_for_run(db, a), metrics_for_run(db, b)};
}

TEST(ResultsReport, PairedComparisonOverSharedProblems) {
  Database db(":memory:");
  const auto [a, b] = two_runs(db);
  const auto comparisons = compare_metrics(a, b);
  ASSERT_EQ(comparisons.size(), 3u);  // avg@2, pass@1 (the default k), maj@2
  const MetricComparison& avg = comparisons[0];
  EXPECT_EQ(avg.metric, "avg@2");
  EXPECT_DOUBLE_EQ(avg.a.mean, 0.5);
  EXPECT_DOUBLE_EQ(avg.b.mean, (0.5 + 1.0 + 1.0) / 3);
  // Differences on p1 and p2: -0.5 and +1.0; sample sd = 0.75 * sqrt(2), se = 0.75.
  EXPECT_EQ(avg.difference.n_problems, 2);
  EXPECT_DOUBLE_EQ(avg.difference.mean, 0.25);
  EXPECT_NEAR(avg.difference.standard_error, 0.75, 1e-12);
  EXPECT_GE(avg.difference.ci_low, -0.5);
  EXPECT_LE(avg.difference.ci_high, 1.0);
  // maj@2: a solves p1 (and p3: "3" and "4" tie, "3" came first, right); b solves p1 ("1" first), p2 and p4.
  EXPECT_EQ(comparisons[1].metric, "pass@1");
  EXPECT_DOUBLE_EQ(comparisons[1].difference.mean, 0.25);
  const MetricComparison& maj = comparisons[2];
  EXPECT_EQ(maj.metric, "maj@2");
  EXPECT_DOUBLE_EQ(maj.a.mean, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(maj.b.mean, 1.0);
  EXPECT_DOUBLE_EQ(maj.difference.mean, 0.5);  // p1: 0, p2: +1
}

TEST(ResultsReport, TextTableAlignsColumns) {
  TextTable table({"task", "value"});
  table.add_row({"aime24", "3.5%"});
  table.add_row({"math", "71.25%"});
  EXPECT_EQ(table.render(),
            "task     value\n"
            "--------------\n"
            "aime24    3.5%\n"
            "math    71.25%\n");
  EXPECT_THROW(table.add_row({"only one cell"}), std::invalid_argument);
  EXPECT_EQ(format_percent(0.2345), "23.4%");
  EXPECT_EQ(format_percent(std::nan("")), "-");
}

TEST(ResultsReport, MetricsAndThroughputTablesNameEveryFigure) {
  Database db(":memory:");
  const auto [a, b] = two_runs(db);
  const std::string text = format_metrics_table(a);
  EXPECT_NE(text.find("smoke"), std::string::npos) << text;
  EXPECT_NE(text.find("math/boxed"), std::string::npos) << text;
  EXPECT_NE(text.find("avg@2"), std::string::npos) << text;
  EXPECT_NE(text.find("50.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("maj@2"), std::string::npos) << text;
  db.insert_throughput({0, 1, "decode", 500, 2.0, 4, "cpu"});
  const std::string throughput = format_throughput(throughput_for_run(db, 1));
  EXPECT_NE(throughput.find("250.0"), std::string::npos) << throughput;
  const std::string runs = format_runs(db.run_overviews());
  EXPECT_NE(runs.find("/models/tiny"), std::string::npos) << runs;
  EXPECT_NE(format_comparison(compare_metrics(a, b)).find("25.0%"), std::string::npos);
}

TEST(ResultsReport, JsonFormsEmbedSamplingAndNullUndefinedNumbers) {
  Database db(":memory:");
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  store_problem(db, run, "smoke", "only", {{"2", true}}, "math", "boxed");
  const nlohmann::json run_json = *db.get_run(run);
  EXPECT_DOUBLE_EQ(run_json.at("sampling").at("temperature").get<double>(), 0.6);
  EXPECT_EQ(run_json.at("status"), "running");
  const nlohmann::json table = metrics_for_run(db, run);
  const nlohmann::json& estimate = table.at("tasks").at(0).at("metrics").at(0).at("estimate");
  EXPECT_EQ(estimate.at("mean").get<double>(), 1.0);
  EXPECT_TRUE(estimate.at("standard_error").is_null()) << "one problem has no standard error";
  EXPECT_NO_THROW(table.dump());
  const nlohmann::json samples = db.samples_of(run);
  EXPECT_EQ(samples.at(0).at("prompt").get<std::string>(), R"([{"role":"user","content":"What is 1+1?"}])");
  const nlohmann::json grades = db.grades_of(run);
  EXPECT_EQ(grades.at(0).at("correct"), true);
  const nlohmann::json summary = throughput_for_run(db, run);
  EXPECT_EQ(summary.at("finish_reasons").at("stop"), 1);
}

}  // namespace
}  // namespace rbench::results
