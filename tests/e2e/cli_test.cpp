// The reporting commands through the rbench binary, on databases written with the fake generator: runs, show,
// compare (by run ids and by --models), export, merge and regrade, each checked for the numbers the test computes
// itself from the fake's seeds, not only for success.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "evaluator/run_metrics.h"
#include "fake_runs.h"
#include "process.h"

namespace rbench::e2e {
namespace {

namespace fake = evaluator::testing;

std::string pct(double f) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100 * f);
  return b;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class E2eCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_path = (dir / "results.sqlite").string();
    results::Database db(db_path);
    run_a = fake::run_fake(db, fake::fake_config(5, 1), "/models/a").run_id;
    run_b = fake::run_fake(db, fake::fake_config(11, 1), "/models/b").run_id;
  }
  double expected(const std::string& task, uint64_t seed, int n = 1) {
    for (const auto& t : fake::fake_tasks())
      if (t.name == task) return fake::mean_of(fake::expected_per_problem(t, n, seed));
    return -1;
  }
  CommandResult rbench(std::vector<std::string> args) {
    args.insert(args.begin(), rbench_bin());
    return run_command(args);
  }
  std::filesystem::path dir;
  std::string db_path;
  int64_t run_a = 0, run_b = 0;
};

TEST_F(E2eCli, RunsListsBothRuns) {
  auto r = rbench({"runs", "--db", db_path, "--json"});
  ASSERT_EQ(r.exit_code, 0);
  auto runs = nlohmann::json::parse(r.output);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["model_path"], "/models/a");
  EXPECT_EQ(runs[1]["n_samples"], 20);
  EXPECT_EQ(runs[1]["status"], "complete");
  auto table = rbench({"runs", "--db", db_path});
  EXPECT_NE(table.output.find("/models/b"), std::string::npos);
  EXPECT_NE(rbench({"runs", "--db", (dir / "missing.sqlite").string()}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.sqlite"));
}

TEST_F(E2eCli, ShowPrintsSummaryAndTraceWithVerdict) {
  auto summary = rbench({"show", std::to_string(run_a), "--db", db_path});
  ASSERT_EQ(summary.exit_code, 0);
  EXPECT_NE(summary.output.find(pct(expected("alpha", 5))), std::string::npos) << summary.output;
  EXPECT_NE(summary.output.find("avg@1"), std::string::npos);
  const bool correct = evaluator::sample_seed(5, "alpha", "alpha-03", 0) % 2 == 0;
  auto trace = rbench({"show", std::to_string(run_a), "--db", db_path, "--problem", "alpha-03", "--sample", "0"});
  ASSERT_EQ(trace.exit_code, 0);
  EXPECT_NE(trace.output.find(correct ? "so \\boxed{9}" : "so \\boxed{wrong}"), std::string::npos) << trace.output;
  EXPECT_NE(trace.output.find(std::string("math/lenient [") + std::string(graders::kGraderVersion) + "]: extracted '" +
                              (correct ? "9" : "wrong") + "', gold '9' -> " + (correct ? "CORRECT" : "wrong")),
            std::string::npos)
      << trace.output;
  EXPECT_NE(trace.output.find("q gold=9"), std::string::npos);  // the prompt
  EXPECT_EQ(rbench({"show", std::to_string(run_a), "--db", db_path, "--problem", "nope"}).exit_code, 1);
}

TEST_F(E2eCli, CompareByRunsAndByModelsGivesTheSameNumbers) {
  auto by_runs = rbench({"compare", std::to_string(run_a), std::to_string(run_b), "--db", db_path, "--json"});
  auto by_models = rbench({"compare", "--models", "/models/a", "/models/b", "--db", db_path, "--json"});
  ASSERT_EQ(by_runs.exit_code, 0);
  ASSERT_EQ(by_models.exit_code, 0);
  EXPECT_EQ(by_runs.output, by_models.output);
  auto j = nlohmann::json::parse(by_runs.output);
  bool seen = false;
  for (const auto& m : j["metrics"]) {
    if (m["task"] != "beta" || m["metric"] != "avg@1") continue;
    seen = true;
    EXPECT_NEAR(m["a"]["mean"].get<double>(), expected("beta", 5), 1e-12);
    EXPECT_NEAR(m["b"]["mean"].get<double>(), expected("beta", 11), 1e-12);
    EXPECT_NEAR(m["difference"]["mean"].get<double>(), expected("beta", 11) - expected("beta", 5), 1e-12);
    EXPECT_EQ(m["test"]["method"], "mcnemar-exact");
  }
  EXPECT_TRUE(seen);
  auto text = rbench({"compare", std::to_string(run_a), std::to_string(run_b), "--db", db_path, "--disagreements"});
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find(pct(expected("alpha", 11))), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("disagreements ("), std::string::npos);
  EXPECT_EQ(rbench({"compare", std::to_string(run_a), "--db", db_path}).exit_code, 2);
}

TEST_F(E2eCli, ExportWritesEveryFormatWithTheNumbers) {
  auto csv = rbench({"export", "--db", db_path, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  char alpha_a[32];
  std::snprintf(alpha_a, sizeof alpha_a, "%.6f", expected("alpha", 5));
  EXPECT_NE(csv.output.find(std::string(",avg@1,") + alpha_a + ","), std::string::npos) << csv.output;
  const auto md_path = dir / "board.md";
  ASSERT_EQ(rbench({"export", "--db", db_path, "--format", "md", "--out", md_path.string()}).exit_code, 0);
  const std::string md = read_file(md_path);
  EXPECT_NE(md.find("# rbench leaderboard"), std::string::npos);
  EXPECT_NE(md.find(pct(expected("beta", 11))), std::string::npos);
  auto json = rbench({"export", "--db", db_path, "--format", "json"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(json.output)["rows"].size(), 2u);
  EXPECT_EQ(rbench({"export", "--db", db_path, "--format", "pdf"}).exit_code, 2);
}

TEST_F(E2eCli, MergeShardsIsIdempotent) {
  std::vector<std::string> shards;
  for (int i = 0; i < 2; ++i) {
    shards.push_back((dir / ("shard" + std::to_string(i) + ".sqlite")).string());
    results::Database shard(shards.back());
    auto config = fake::fake_config(5, 3);
    config.shard = {i, 2};
    fake::run_fake(shard, config, "/models/a");
  }
  const std::string out = (dir / "merged.sqlite").string();
  auto first = rbench({"merge", out, shards[0], shards[1]});
  ASSERT_EQ(first.exit_code, 0);
  EXPECT_NE(first.output.find("merged into " + out + ": 60 samples"), std::string::npos) << first.output;
  auto again = rbench({"merge", out, shards[1], shards[0]});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("merged into " + out + ": 0 samples"), std::string::npos) << again.output;
  results::Database merged(out);
  ASSERT_EQ(merged.list_runs().size(), 1u);
  EXPECT_EQ(merged.samples_of(merged.list_runs()[0].id).size(), 60u);
  EXPECT_NE(rbench({"merge", out, (dir / "absent.sqlite").string()}).exit_code, 0);
}

TEST_F(E2eCli, RegradeReplacesStaleGradesThroughTheSandbox) {
  {
    results::Database db(db_path);
    for (auto g : db.grades_of(run_a)) {  // pretend an older grader wrote every verdict, all of them wrong
      g.grader_version = "graders-0.0.1";
      g.correct = false;
      db.insert_grade(g);
    }
    EXPECT_EQ(evaluator::score_run(db, run_a).tasks.front().metrics.front().estimate.mean, 0.0);
  }
  auto r = rbench({"regrade", std::to_string(run_a), "--db", db_path, "--graders", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("20 samples regraded"), std::string::npos) << r.output;
  results::Database db(db_path);
  for (const auto& g : db.grades_of(run_a)) EXPECT_EQ(g.grader_version, std::string(graders::kGraderVersion));
  for (const auto& t : evaluator::score_run(db, run_a).tasks)
    EXPECT_NEAR(t.metrics.front().estimate.mean, expected(t.task, 5), 1e-12) << t.task;
  auto again = rbench({"regrade", std::to_string(run_a), "--db", db_path, "--graders", "1"});
  EXPECT_NE(again.output.find("0 samples regraded"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace rbench::e2e
