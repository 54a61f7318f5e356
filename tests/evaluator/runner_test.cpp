// The run loop with a fake generator and in-process grading: every planned sample stored exactly once with its
// grades, resume after a crash equals an uninterrupted run, error rows retried, shards that add up.
#include <gtest/gtest.h>

#include <map>

#include "evaluator/runner.h"
#include "fakes.h"

namespace rbench::evaluator {
namespace {

std::vector<tasks::Task> make_tasks() {
  std::vector<tasks::Task> out;
  for (auto [name, n] : {std::pair{"alpha", 6}, std::pair{"beta", 4}}) {
    tasks::Task t;
    t.name = name;
    t.version = "1";
    t.grader = "math";
    t.source_sha256 = "hash";
    for (int i = 0; i < n; ++i) {
      std::string gold = std::to_string(i * 3);
      t.problems.push_back({std::string(name) + "-" + std::to_string(i), "q gold=" + gold, gold, {}});
    }
    out.push_back(std::move(t));
  }
  return out;
}

RunConfig make_config() {
  RunConfig c;
  c.suite = "unit";
  c.tasks = {{"alpha", 3}, {"beta", 2}};
  c.seed = 5;
  c.max_batch = 2;
  return c;
}

// (task, problem, sample) -> (completion, correct under the lenient rule)
std::map<std::tuple<std::string, std::string, int64_t>, std::pair<std::string, bool>> snapshot(results::Database& db,
                                                                                           int64_t run_id) {
  std::map<std::tuple<std::string, std::string, int64_t>, std::pair<std::string, bool>> out;
  for (const auto& o : db.graded_outcomes(run_id, "math", "lenient")) {
    auto samples = db.samples_of(run_id, o.task);
    for (const auto& s : samples)
      if (s.problem_id == o.problem_id && s.sample_index == o.sample_index)
        out[{o.task, o.problem_id, o.sample_index}] = {s.completion, o.correct};
  }
  return out;
}

TEST(EvaluatorRunner, StoresEverySampleOnceWithGrades) {
  auto tasks = make_tasks();
  results::Database db(":memory:");
  testing::FakeGenerator gen;
  testing::ExactGrading grading;
  Progress progress(false);
  auto out = run_evaluation(make_config(), tasks, gen, grading, db, progress, {});
  EXPECT_EQ(out.n_planned, 6 * 3 + 4 * 2);
  EXPECT_EQ(out.n_generated, out.n_planned);
  EXPECT_FALSE(out.resumed);
  EXPECT_EQ(db.samples_of(out.run_id).size(), static_cast<size_t>(out.n_planned));
  EXPECT_EQ(db.grades_of(out.run_id).size(), static_cast<size_t>(2 * out.n_planned));  // strict + lenient
  EXPECT_EQ(db.get_run(out.run_id)->status, "complete");
  EXPECT_FALSE(db.throughput_of(out.run_id).empty());
  int64_t truncated = 0;
  for (const auto& s : db.samples_of(out.run_id)) truncated += s.finish_reason == "length";
  EXPECT_EQ(truncated, out.n_truncated);

  // Running the same command again finds the complete run and generates nothing.
  testing::FakeGenerator again;
  auto second = run_evaluation(make_config(), tasks, again, grading, db, progress, {});
  EXPECT_TRUE(second.resumed);
  EXPECT_EQ(second.run_id, out.run_id);
  EXPECT_EQ(second.n_generated, 0);
  EXPECT_EQ(again.n_results, 0);
}

TEST(EvaluatorRunner, ResumeAfterCrashEqualsUninterruptedRun) {
  auto tasks = make_tasks();
  testing::ExactGrading grading;
  Progress progress(false);

  results::Database reference(":memory:");
  testing::FakeGenerator clean;
  auto ref = run_evaluation(make_config(), tasks, clean, grading, reference, progress, {});

  results::Database db(":memory:");
  for (int64_t die_after : {3, 5, 4}) {  // 12 of the 26 samples, over three crashes
    testing::FakeGenerator crashing;
    crashing.die_after = die_after;
    EXPECT_THROW(run_evaluation(make_config(), tasks, crashing, grading, db, progress, {}), std::runtime_error);
  }
  testing::FakeGenerator rest;
  auto out = run_evaluation(make_config(), tasks, rest, grading, db, progress, {});
  EXPECT_TRUE(out.resumed);
  EXPECT_GT(out.n_already_done, 0);
  EXPECT_EQ(out.n_already_done + out.n_generated, ref.n_planned);
  EXPECT_EQ(snapshot(db, out.run_id), snapshot(reference, ref.run_id));
}

TEST(EvaluatorRunner, GenerationErrorsAreRowsAndAreRetried) {
  auto tasks = make_tasks();
  testing::ExactGrading grading;
  Progress progress(false);
  results::Database db(":memory:");
  testing::FakeGenerator flaky;
  flaky.fail_every = 4;
  auto first = run_evaluation(make_config(), tasks, flaky, grading, db, progress, {});
  EXPECT_GT(first.n_errors, 0);
  int64_t error_rows = 0;
  for (const auto& s : db.samples_of(first.run_id)) {
    if (s.finish_reason == "error") {
      error_rows++;
      EXPECT_EQ(s.error, "fake failure");
    }
  }
  EXPECT_EQ(error_rows, first.n_errors);
  testing::FakeGenerator good;
  auto second = run_evaluation(make_config(), tasks, good, grading, db, progress, {});
  EXPECT_EQ(second.n_generated, first.n_errors);
  for (const auto& s : db.samples_of(first.run_id)) EXPECT_NE(s.finish_reason, "error");
}

TEST(EvaluatorRunner, ShardsTogetherCoverThePlan) {
  auto tasks = make_tasks();
  testing::ExactGrading grading;
  Progress progress(false);
  results::Database reference(":memory:");
  testing::FakeGenerator clean;
  auto ref = run_evaluation(make_config(), tasks, clean, grading, reference, progress, {});
  auto want = snapshot(reference, ref.run_id);

  std::map<std::tuple<std::string, std::string, int64_t>, std::pair<std::string, bool>> merged;
  for (int i = 0; i < 3; ++i) {
    results::Database db(":memory:");
    auto config = make_config();
    config.shard = {i, 3};
    testing::FakeGenerator gen;
    auto out = run_evaluation(config, tasks, gen, grading, db, progress, {});
    for (auto& [k, v] : snapshot(db, out.run_id)) EXPECT_TRUE(merged.insert({k, v}).second);
  }
  EXPECT_EQ(merged, want);
}

TEST(EvaluatorRunner, StopRequestEndsAsInterrupted) {
  auto tasks = make_tasks();
  testing::ExactGrading grading;
  Progress progress(false);
  results::Database db(":memory:");
  testing::FakeGenerator gen;
  std::atomic<bool> stop{true};
  RunContext ctx;
  ctx.stop_requested = &stop;
  auto out = run_evaluation(make_config(), tasks, gen, grading, db, progress, ctx);
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(db.get_run(out.run_id)->status, "interrupted");
}

}  // namespace
}  // namespace rbench::evaluator
