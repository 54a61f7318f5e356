// Regrading a stored run: stale grades (another grader version) are replaced through the Grading interface with
// the stored completion and gold, verdicts and metrics follow the new grader, nothing is generated, and a second
// regrade finds everything current and changes nothing.
#include <gtest/gtest.h>

#include <map>

#include "evaluator/regrade.h"
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
