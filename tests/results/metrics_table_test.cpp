// The per-task metrics table and the throughput summary built from a stored run, against values computed by
// hand for a small run: two tasks with different grading rules, an ungraded (failed) sample, a tie in a vote.
#include <gtest/gtest.h>

#include "results/metrics_table.h"
#include "results/throughput_summary.h"
#include "test_database.h"

namespace rbench::results {
namespace {

using testing::make_grade;
using testing::make_model;
using testing::make_run;
using testing::make_sample;
using testing::store_problem;

// aime: 3 problems x 4 samples, math/boxed. gpqa: 2 problems x 2 samples, choice/answer_letter.
int64_t store_small_run(Database& db) {
  const int64_t run = db.insert_run(make_run(db.upsert_model(make_model())));
  store_problem(db, run, "aime", "p1", {{"5", true}, {"5", true}, {"7", false}, {"5", true}}, "math", "boxed");
  store_problem(db, run, "aime", "p2", {{"1", false}, {"2", false}, {"2", false}, {"3", true}}, "math", "boxed");
  store_problem(db, run, "aime", "p3", {{"-", false}, {"9", false}, {"4", true}, {"4", true}}, "math", "boxed");
  store_problem(db, run, "gpqa", "q1", {{"A", true}, {"B", false}}, "choice", "answer_letter");
  store_problem(db, run, "gpqa", "q2", {{"C", false}, {"C", false}}, "choice", "answer_letter");
  return run;
}

const MetricRow& row(const TaskMetrics& task, const std::string& name) {
  for (const MetricRow& metric : task.metrics) {
    if (metric.name == name) return metric;
  }
  throw std::runtime_error("no metric " + name + " for task " + task.task);
}

TEST(ResultsMetricsTable, HandComputedSmallRun) {
  Database db(":memory:");
  const int64_t run = store_small_run(db);
  MetricsOptions options;
  options.pass_ks = {1, 2, 8};
  const MetricsTable table = metrics_for_run(db, run, options);
  ASSERT_EQ(table.tasks.size(), 2u);
  const TaskMetrics& aime = table.tasks[0];
  EXPECT_EQ(aime.task, "aime");
  EXPECT_EQ(aime.grader, "math");
  EXPECT_EQ(aime.rule, "boxed");
  EXPECT_EQ(aime.n_problems, 3);
  EXPECT_EQ(aime.n_samples, 12);
  EXPECT_EQ(aime.n_ungraded, 1);
  EXPECT_DOUBLE_EQ(row(aime, "avg@4").estimate.mean, (3.0 / 4 + 1.0 / 4 + 2.0 / 4) / 3);
  EXPECT_DOUBLE_EQ(row(aime, "pass@1").estimate.mean, 0.5);
  // pass@2: p1 (c=3) 1, p2 (c=1) 1 - C(3,2)/C(4,2) = 1/2, p3 (c=2) 1 - C(2,2)/C(4,2) = 5/6
  EXPECT_NEAR(row(aime, "pass@2").estimate.mean, (1.0 + 0.5 + 5.0 / 6.0) / 3, 1e-12);
  EXPECT_THROW(row(aime, "pass@8"), std::runtime_error) << "k above the samples per problem is left out";
  // maj@4: p1 "5" (right), p2 "2" (wrong), p3 "4" beats "9"; the failed sample abstains.
  EXPECT_NEAR(row(aime, "maj@4").estimate.mean, 2.0 / 3.0, 1e-12);
  EXPECT_EQ(row(aime, "maj@4").estimate.n_problems, 3);
  const TaskMetrics& gpqa = table.tasks[1];
  EXPECT_EQ(gpqa.rule, "answer_letter");
  EXPECT_DOUBLE_EQ(row(gpqa, "avg@2").estimate.mean, 0.25);
  // maj@2: q1 ties "A" against "B", "A" came first and is right; q2 "C" is wrong.
  EXPECT_DOUBLE_EQ(row(gpqa, "maj@2").estimate.mean, 0.5);
  EXPECT_EQ(gpqa.n_ungraded, 0);
}

TEST(ResultsMetricsTable, AmbiguousGradingMustBeChosen) {
  Database db(":memory:");
  const int64_t run = store_small_run(db);
  const int64_t sample = db.samples_of(run, std::string("gpqa"))[0].id;
  GradeRecord lenient = make_grade("A", true, "lenient_letter");
  lenient.grader = "choice";
  lenient.sample_id = sample;
  db.insert_grade(lenient);
  try {
    metrics_for_run(db, run);
    FAIL() << "two rules on gpqa must not be mixed silently";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("choice/lenient_letter"), std::string::npos) << error.what();
  }
  MetricsOptions options;
  options.rule = "lenient_letter";
  const MetricsTable table = metrics_for_run(db, run, options);
  const TaskMetrics& gpqa = table.tasks[1];
  EXPECT_EQ(gpqa.n_ungraded, 3) << "only one gpqa sample has a lenient grade";
  EXPECT_DOUBLE_EQ(row(gpqa, "avg@2").estimate.mean, 0.25);
  EXPECT_EQ(table.tasks[0].n_ungraded, 12) << "aime has no lenient_letter grades";
  EXPECT_THROW(metrics_for_run(db, run + 1), DatabaseError);
}

TEST(ResultsMetricsTable, ThroughputSummaryOfAStoredRun) {
  Database db(":memory:");
  const int64_t run = store_small_run(db);
  db.insert_throughput({0, run, "prefill", 1000, 0.25, 4, "cpu"});
  db.insert_throughput({0, run, "prefill", 1000, 0.75, 4, "cpu"});
  db.insert_throughput({0, run, "decode", 300, 3.0, 4, "cpu"});
  SampleRecord truncated = make_sample(run, "gpqa", "q3", 0);
  truncated.finish_reason = "length";
  truncated.n_completion_tokens = 100;
  db.insert_sample(truncated);
  const ThroughputSummary summary = throughput_for_run(db, run);
  EXPECT_EQ(summary.aggregate_prefill.tokens, 2000);
  EXPECT_DOUBLE_EQ(summary.aggregate_prefill.tokens_per_second, 2000.0);
  EXPECT_DOUBLE_EQ(summary.aggregate_decode.tokens_per_second, 100.0);
  // 17 samples: 16 of 12 prompt / 8 completion tokens, one of 100 completion tokens.
  EXPECT_EQ(summary.n_samples, 17);
  EXPECT_DOUBLE_EQ(summary.mean_prompt_tokens, 12.0);
  EXPECT_DOUBLE_EQ(summary.mean_completion_tokens, (16 * 8 + 100) / 17.0);
  EXPECT_EQ(summary.max_completion_tokens, 100);
  EXPECT_EQ(summary.per_sequence_decode.tokens, 16 * 8 + 100);
  EXPECT_NEAR(summary.per_sequence_decode.tokens_per_second, (16 * 8 + 100) / (17 * 0.08), 1e-9);
  EXPECT_EQ(summary.finish_reasons, (std::map<std::string, int64_t>{{"error", 1}, {"length", 1}, {"stop", 15}}));
  EXPECT_EQ(summary.n_truncated, 1);
  const ThroughputSummary aime = throughput_for_run(db, run, std::string("aime"));
  EXPECT_EQ(aime.n_samples, 12);
  EXPECT_EQ(aime.n_truncated, 0);
}

}  // namespace
}  // namespace rbench::results

namespace rbench::results {
namespace {

// Stores one sample of problem p1 graded math/lenient with the given extracted text and canonical form.
void store_vote(Database& db, int64_t run, int64_t index, const std::string& extracted,
                const std::optional<std::string>& canonical, bool correct) {
  GradeRecord grade = testing::make_grade(extracted, correct, "lenient");
  grade.grader = "math";
  grade.canonical = canonical;
  db.insert_sample_with_grades(testing::make_sample(run, "math500", "p1", index), {grade});
}

TEST(ResultsMetricsTable, MajorityGroupsEquivalentAnswersByTheirCanonicalForm) {
  Database db(":memory:");
  const int64_t run = db.insert_run(testing::make_run(db.upsert_model(testing::make_model())));
  // Three spellings of one half (right) against two identical wrong strings: by strings "7" would win 2 to 1.
  store_vote(db, run, 0, "7", "7", false);
  store_vote(db, run, 1, "\\frac{1}{2}", "0.5", true);
  store_vote(db, run, 2, "7", "7", false);
  store_vote(db, run, 3, "0.5", "0.5", true);
  store_vote(db, run, 4, "1/2", "0.5", true);
  MetricsOptions options;
  options.maj_ks = {5, 3};
  const MetricsTable table = metrics_for_run(db, run, options);
  ASSERT_EQ(table.tasks.size(), 1u);
  EXPECT_DOUBLE_EQ(row(table.tasks[0], "maj@5").estimate.mean, 1.0) << "0.5 wins 3 to 2";
  EXPECT_DOUBLE_EQ(row(table.tasks[0], "maj@3").estimate.mean, 0.0) << "7 wins 2 to 1 among the first three";
}

TEST(ResultsMetricsTable, RowsWithoutACanonicalFormVoteByTheirExtractedText) {
  Database db(":memory:");
  const int64_t run = db.insert_run(testing::make_run(db.upsert_model(testing::make_model())));
  store_vote(db, run, 0, "7", std::nullopt, false);
  store_vote(db, run, 1, "\\frac{1}{2}", std::nullopt, true);
  store_vote(db, run, 2, "7", std::nullopt, false);
  store_vote(db, run, 3, "0.5", std::nullopt, true);
  store_vote(db, run, 4, "1/2", std::nullopt, true);
  MetricsOptions options;
  options.maj_ks = {5};
  const MetricsTable table = metrics_for_run(db, run, options);
  EXPECT_DOUBLE_EQ(row(table.tasks[0], "maj@5").estimate.mean, 0.0) << "by strings, 7 wins 2 to 1 to 1 to 1";
  ASSERT_EQ(db.grades_of(run).size(), 5u);
  EXPECT_FALSE(db.grades_of(run)[0].canonical.has_value()) << "NULL reads back as no canonical form";
}

}  // namespace
}  // namespace rbench::results
