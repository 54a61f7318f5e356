// Comparing two stored runs: the side-by-side values, paired differences, McNemar counts and p-values and the
// list of disagreements must equal what the test computes on its own from the fake's seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

#include "evaluator/run_comparison.h"
#include "evaluator/run_metrics.h"
#include "fake_runs.h"

namespace rbench::evaluator {
namespace {

const ComparedMetric* find(const RunComparison& c, const std::string& task, const std::string& metric) {
  for (const auto& m : c.metrics)
    if (m.values.task == task && m.values.metric == metric) return &m;
  return nullptr;
}

// 2 * P(X <= min) for X ~ Binomial(n, 1/2), by direct summation of binomial coefficients.
double two_sided_binomial(int a_only, int b_only) {
  const int n = a_only + b_only, k = std::min(a_only, b_only);
  double tail = 0, coefficient = 1;
  for (int i = 0; i <= k; ++i) {
    tail += coefficient;
    coefficient = coefficient * (n - i) / (i + 1);
  }
  return std::min(1.0, 2.0 * tail / std::pow(2.0, n));
}

std::string pct(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * f);
  return b;
}

TEST(EvaluatorCompare, OneSampleRunsUseMcNemarOverSharedProblems) {
  results::Database db(":memory:");
  auto a = testing::run_fake(db, testing::fake_config(5, 1), "/models/a");
  auto b = testing::run_fake(db, testing::fake_config(11, 1), "/models/b");
  auto c = compare_runs(db, a.run_id, b.run_id);
  EXPECT_EQ(c.a.model_path, "/models/a");
  EXPECT_EQ(c.b.throughput.n_samples, 20);

  std::set<std::pair<std::string, std::string>> want_disagreements;
  for (const auto& task : testing::fake_tasks()) {
    auto ea = testing::expected_per_problem(task, 1, 5), eb = testing::expected_per_problem(task, 1, 11);
    int a_only = 0, b_only = 0;
    double diff = 0;
    for (size_t i = 0; i < ea.size(); ++i) {
      a_only += ea[i] > eb[i];
      b_only += eb[i] > ea[i];
      diff += (eb[i] - ea[i]) / static_cast<double>(ea.size());
      if (ea[i] != eb[i]) want_disagreements.insert({task.name, task.problems[i].id});
    }
    const auto* row = find(c, task.name, "avg@1");
    ASSERT_NE(row, nullptr) << task.name;
    EXPECT_NEAR(row->values.a.mean, testing::mean_of(ea), 1e-12);
    EXPECT_NEAR(row->values.b.mean, testing::mean_of(eb), 1e-12);
    EXPECT_NEAR(row->values.difference.mean, diff, 1e-12);
    EXPECT_EQ(row->values.difference.n_problems, static_cast<int64_t>(ea.size()));
    EXPECT_EQ(row->test.method, "mcnemar-exact");
    EXPECT_EQ(row->test.n_a_only, a_only);
    EXPECT_EQ(row->test.n_b_only, b_only);
    EXPECT_NEAR(row->test.p_value, two_sided_binomial(a_only, b_only), 1e-12);
    ASSERT_NE(find(c, task.name, "pass@1"), nullptr);
  }
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& d : c.disagreements) {
    got.insert({d.task, d.problem_id});
    EXPECT_NE(d.accuracy_a, d.accuracy_b);
    EXPECT_EQ(d.accuracy_a == 0.0 ? d.answer_a : d.answer_b, "wrong");
  }
  ASSERT_FALSE(want_disagreements.empty());
  EXPECT_EQ(got, want_disagreements);

  const std::string text = format_run_comparison(c, true);
  const auto* alpha = find(c, "alpha", "avg@1");
  EXPECT_NE(text.find(pct(alpha->values.a.mean)), std::string::npos) << text;
  EXPECT_NE(text.find(pct(alpha->values.b.mean)), std::string::npos);
  EXPECT_NE(text.find("mcnemar-exact"), std::string::npos);
  EXPECT_NE(text.find("disagreements (" + std::to_string(want_disagreements.size()) + " problems)"),
            std::string::npos);
  auto json = run_comparison_json(c);
  EXPECT_EQ(json["disagreements"].size(), want_disagreements.size());
  EXPECT_EQ(json["a"]["run_id"], a.run_id);
}

TEST(EvaluatorCompare, SeveralSamplesUsePairedBootstrapAndSharedProblemsOnly) {
  results::Database db(":memory:");
  auto a = testing::run_fake(db, testing::fake_config(5, 4), "/models/a");
  auto config_b = testing::fake_config(11, 4);
  config_b.limit = 6;  // b answered only the first 6 problems of each task
  auto b = testing::run_fake(db, config_b, "/models/b");
  auto c = compare_runs(db, a.run_id, b.run_id);
  const auto task = testing::fake_tasks().front();
  auto ea = testing::expected_per_problem(task, 4, 5), eb = testing::expected_per_problem(task, 4, 11);
  double diff = 0;
  for (size_t i = 0; i < 6; ++i) diff += (eb[i] - ea[i]) / 6.0;
  const auto* row = find(c, "alpha", "avg@4");
  ASSERT_NE(row, nullptr);
  EXPECT_NEAR(row->values.a.mean, testing::mean_of(ea), 1e-12);
  EXPECT_EQ(row->values.b.n_problems, 6);
  EXPECT_EQ(row->values.difference.n_problems, 6);
  EXPECT_NEAR(row->values.difference.mean, diff, 1e-12);
  EXPECT_EQ(row->test.method, "paired-bootstrap");
  EXPECT_EQ(row->test.n_pairs, 6);
  EXPECT_GE(row->test.p_value, 0.0);
  EXPECT_LE(row->test.p_value, 1.0);
  for (const auto& d : c.disagreements) EXPECT_LT(d.problem_id.substr(d.problem_id.size() - 2), "06");
}

TEST(EvaluatorCompare, LatestRunOfModelByPath) {
  results::Database db(":memory:");
  testing::run_fake(db, testing::fake_config(5, 1), "/models/a");
  auto b = testing::run_fake(db, testing::fake_config(7, 1), "/models/b");
  auto a2 = testing::run_fake(db, testing::fake_config(9, 1), "/models/a");
  EXPECT_EQ(latest_run_of_model(db, "/models/a"), a2.run_id);
  EXPECT_EQ(latest_run_of_model(db, "/models/b/"), b.run_id);
  EXPECT_FALSE(latest_run_of_model(db, "/models/c").has_value());
}

}  // namespace
}  // namespace rbench::evaluator
