// Run plans: sizes, seeds, shards that partition the plan exactly, resume that drops what is done.
#include <gtest/gtest.h>

#include <set>

#include "evaluator/plan.h"

namespace rbench::evaluator {
namespace {

tasks::Task make_task(const std::string& name, int n_problems) {
  tasks::Task t;
  t.name = name;
  t.grader = "math";
  for (int i = 0; i < n_problems; ++i) t.problems.push_back({name + "-" + std::to_string(i), "q", "1", {}});
  return t;
}

TEST(EvaluatorPlan, CoversProblemsTimesSamples) {
  auto a = make_task("a", 5), b = make_task("b", 3);
  auto plan = make_plan({&a, &b}, {{"a", 4}, {"b", 2}}, std::nullopt, 7, {}, {});
  EXPECT_EQ(plan.size(), 5u * 4 + 3u * 2);
  std::set<results::SampleKey> keys;
  for (const auto& s : plan) keys.insert({s.task->name, s.problem_id(), s.sample_index});
  EXPECT_EQ(keys.size(), plan.size());
}

TEST(EvaluatorPlan, LimitKeepsTheFirstProblems) {
  auto a = make_task("a", 5);
  auto plan = make_plan({&a}, {{"a", 2}}, 2, 7, {}, {});
  ASSERT_EQ(plan.size(), 4u);
  for (const auto& s : plan) EXPECT_LT(s.problem_index, 2u);
}

TEST(EvaluatorPlan, SeedsAreStableAndDistinct) {
  EXPECT_EQ(sample_seed(1, "a", "p", 0), sample_seed(1, "a", "p", 0));
  EXPECT_NE(sample_seed(1, "a", "p", 0), sample_seed(1, "a", "p", 1));
  EXPECT_NE(sample_seed(1, "a", "p", 0), sample_seed(2, "a", "p", 0));
  EXPECT_NE(sample_seed(1, "ab", "c", 0), sample_seed(1, "a", "bc", 0));
  EXPECT_LT(sample_seed(99, "x", "y", 3), uint64_t{1} << 63);
}

TEST(EvaluatorPlan, ShardsPartitionThePlanWithTheSameSeeds) {
  auto a = make_task("a", 7), b = make_task("b", 4);
  std::vector<TaskSelection> sel{{"a", 3}, {"b", 5}};
  auto full = make_plan({&a, &b}, sel, std::nullopt, 11, {}, {});
  std::map<results::SampleKey, uint64_t> seen;
  for (int i = 0; i < 3; ++i) {
    for (const auto& s : make_plan({&a, &b}, sel, std::nullopt, 11, {i, 3}, {})) {
      auto [it, inserted] = seen.insert({{s.task->name, s.problem_id(), s.sample_index}, s.seed});
      EXPECT_TRUE(inserted) << "sample in two shards";
    }
  }
  ASSERT_EQ(seen.size(), full.size());
  for (const auto& s : full) EXPECT_EQ((seen[{s.task->name, s.problem_id(), s.sample_index}]), s.seed);
}

TEST(EvaluatorPlan, ResumeDropsDoneSamples) {
  auto a = make_task("a", 3);
  std::set<results::SampleKey> done{{"a", "a-0", 0}, {"a", "a-2", 1}};
  auto plan = make_plan({&a}, {{"a", 2}}, std::nullopt, 5, {}, done);
  EXPECT_EQ(plan.size(), 4u);
  for (const auto& s : plan) EXPECT_FALSE(done.count({"a", s.problem_id(), s.sample_index}));
}

TEST(EvaluatorShard, ParsesAndRejects) {
  auto s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 5);
  for (const char* bad : {"5/5", "-1/3", "1", "a/b", "1/0", "1/2x"}) EXPECT_THROW(parse_shard(bad), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace rbench::evaluator
