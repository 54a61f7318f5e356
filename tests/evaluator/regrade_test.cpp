// Regrading a stored run: stale grades (another grader version) are replaced through the Grading interface with
// the stored completion and gold, verdicts and metrics follow the new grader, nothing is generated, and a second
// regrade finds everything current and changes nothing.
#include <gtest/gtest.h>

#include <map>

#include "evaluator/regrade.h"
#include "graders/grade.h"
#include "evaluator/run_metrics.h"
#include "fake_runs.h"

namespace rbench::evaluator {
namespace {

// A "fixed" grader that accepts every answer, recording what it was asked.
class AcceptEverything : public Grading {
 public:
  std::vector<graders::GradeRequest> requests;
  std::future<std::vector<graders::Verdict>> submit(graders::GradeRequest request) override {
    requests.push_back(request);
    std::promise<std::vector<graders::Verdict>> p;
    p.set_value({{true, "any", "strict", "ok", ""}, {true, "any", "lenient", "ok", ""}});
    return p.get_future();
  }
};

double avg_of_task(const results::Database& db, int64_t run, const std::string& task) {
  for (const auto& t : score_run(db, run).tasks)
    if (t.task == task) return t.metrics.front().estimate.mean;
  return -1;
}

TEST(EvaluatorRegrade, ReplacesStaleGradesOnceAndIsIdempotent) {
  results::Database db(":memory:");
  auto run = testing::run_fake(db, testing::fake_config(5, 2), "/models/a", /*fail_every=*/5);
  const auto samples = db.samples_of(run.run_id);
  int64_t n_graded = 0, n_wrong = 0;
  for (const auto& s : samples) n_graded += s.finish_reason != "error";
  for (const auto& g : db.grades_of(run.run_id)) n_wrong += g.rule == "lenient" && !g.correct;
  ASSERT_LT(avg_of_task(db, run.run_id, "alpha"), 1.0);

  AcceptEverything grader;
  auto first = regrade_run(db, run.run_id, grader, "graders-test-2");
  EXPECT_EQ(first.n_samples_regraded, n_graded);
  EXPECT_EQ(first.n_samples_current, 0);
  EXPECT_EQ(first.n_grades_written, 2 * n_graded);
  EXPECT_EQ(first.n_verdicts_changed, 2 * n_wrong);  // strict and lenient flip together in the fake
  ASSERT_EQ(grader.requests.size(), static_cast<size_t>(n_graded));
  // The request is the stored trace and gold, not a new generation.
  for (const auto& s : samples) {
    if (s.finish_reason == "error") continue;
    bool found = false;
    for (const auto& r : grader.requests) found = found || (r.prediction == s.completion && r.grader == "math");
    EXPECT_TRUE(found) << s.problem_id;
  }
  for (const auto& g : db.grades_of(run.run_id)) {
    EXPECT_EQ(g.grader_version, "graders-test-2");
    EXPECT_TRUE(g.correct);
  }
  EXPECT_EQ(db.samples_of(run.run_id).size(), samples.size());
  // Error rows count as wrong; every other sample is now right: avg@2 of alpha is the mean share of non-errors.
  std::map<std::string, double> non_errors;
  for (const auto& s : samples)
    if (s.task == "alpha") non_errors[s.problem_id] += s.finish_reason != "error" ? 0.5 : 0.0;
  double expected = 0;
  for (const auto& [id, share] : non_errors) expected += share / static_cast<double>(non_errors.size());
  EXPECT_NEAR(avg_of_task(db, run.run_id, "alpha"), expected, 1e-12);

  auto scores_after = score_run(db, run.run_id);
  AcceptEverything again;
  auto second = regrade_run(db, run.run_id, again, "graders-test-2");
  EXPECT_EQ(second.n_samples_regraded, 0);
  EXPECT_EQ(second.n_samples_current, n_graded);
  EXPECT_EQ(second.n_grades_written, 0);
  EXPECT_TRUE(again.requests.empty());
  EXPECT_EQ(score_run(db, run.run_id).tasks.front().metrics.front().estimate.mean,
            scores_after.tasks.front().metrics.front().estimate.mean);
}

TEST(EvaluatorRegrade, UnknownRunIsAnError) {
  results::Database db(":memory:");
  AcceptEverything grader;
  EXPECT_THROW(regrade_run(db, 42, grader, "v"), results::DatabaseError);
}

}  // namespace
}  // namespace rbench::evaluator

namespace rbench::evaluator {
namespace {

// The graders in process: real extraction, equivalence and canonical forms.
class InProcessGrading : public Grading {
 public:
  std::future<std::vector<graders::Verdict>> submit(graders::GradeRequest request) override {
    std::promise<std::vector<graders::Verdict>> p;
    p.set_value(graders::grade(request));
    return p.get_future();
  }
};

double metric_of(const results::Database& db, int64_t run, const std::string& name) {
  for (const auto& t : score_run(db, run).tasks)
    for (const auto& m : t.metrics)
      if (m.name == name) return m.estimate.mean;
  return -1;
}

TEST(EvaluatorRegrade, FillsTheCanonicalFormsOfOldRowsSoEquivalentAnswersVoteTogether) {
  results::Database db(":memory:");
  const int64_t model = db.upsert_model({0, "/models/old", "fake", "c", "w", 1});
  results::RunRecord run_record;
  run_record.model_id = model;
  run_record.suite = "old";
  run_record.sampling_json = "{}";
  const int64_t run = db.insert_run(run_record);
  // A row of a harness before canonical forms: same grader version, no canonical answer.
  const std::vector<std::pair<std::string, bool>> answers = {
      {"7", false}, {"\\frac{1}{2}", true}, {"7", false}, {"0.5", true}, {"1/2", true}};
  for (std::size_t i = 0; i < answers.size(); ++i) {
    results::SampleRecord s;
    s.run_id = run;
    s.task = "math500";
    s.task_version = "1";
    s.dataset_sha256 = "d";
    s.problem_id = "p1";
    s.sample_index = static_cast<int64_t>(i);
    s.prompt = "[]";
    s.completion = "so \\boxed{" + answers[i].first + "}";
    results::GradeRecord g;
    g.grader = "math";
    g.grader_version = std::string(graders::kGraderVersion);
    g.rule = std::string(graders::kPrimaryRule);
    g.extracted = answers[i].first;
    g.correct = answers[i].second;
    g.reason = "ok";
    g.gold = "\\frac12";
    db.insert_sample_with_grades(s, {g});
  }
  EXPECT_EQ(metric_of(db, run, "maj@5"), 0.0) << "by strings, 7 wins 2 to 1 to 1 to 1";

  InProcessGrading grading;
  const auto stats = regrade_run(db, run, grading, std::string(graders::kGraderVersion));
  EXPECT_EQ(stats.n_samples_regraded, 5) << "rows without a canonical form are regraded at the same version";
  for (const auto& g : db.grades_of(run)) {
    ASSERT_TRUE(g.canonical.has_value()) << g.rule << " of sample " << g.sample_id;
    EXPECT_EQ(*g.canonical, g.extracted == "7" ? "7" : "0.5");
  }
  EXPECT_EQ(metric_of(db, run, "maj@5"), 1.0) << "\\frac{1}{2}, 0.5 and 1/2 vote together and win 3 to 2";
  EXPECT_EQ(regrade_run(db, run, grading, std::string(graders::kGraderVersion)).n_samples_regraded, 0);
}

}  // namespace
}  // namespace rbench::evaluator
