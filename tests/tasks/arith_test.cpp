// The synthetic arithmetic generator: every worked solution ends in the right answer, the streams are
// deterministic, the held-out task is disjoint from any training stream, and its prompts are the math prompts.
#include <gtest/gtest.h>

#include <set>
#include <map>

#include "tasks/arith.h"
#include "tasks/registry.h"

namespace rbench::tasks {
namespace {

std::string boxed(const std::string& text) {
  const auto open = text.rfind("\\boxed{");
  const auto close = text.find('}', open);
  return open == std::string::npos || close == std::string::npos ? "" : text.substr(open + 7, close - open - 7);
}

TEST(TasksArith, SolutionsEndInTheCorrectAnswer) {
  for (const auto& p : arith_problems(5, 4000, false)) {
    const int64_t expected = p.kind == ArithKind::add   ? p.a + p.b
                             : p.kind == ArithKind::sub ? p.a - p.b
                             : p.kind == ArithKind::mul ? p.a * p.b
                                                        : (p.c - p.b) / p.a;
    ASSERT_EQ(boxed(p.solution()), std::to_string(expected)) << p.key() << "\n" << p.solution();
    if (p.kind == ArithKind::linear) ASSERT_EQ(p.a * expected + p.b, p.c) << p.key();
    if (p.kind == ArithKind::sub) ASSERT_GE(p.a, p.b) << p.key();
  }
}

TEST(TasksArith, WorkedStepsAreDigitByDigit) {
  ArithProblem p{ArithKind::add, 47, 85, 0, 1};
  EXPECT_EQ(p.question(), "Compute $47 + 85$.");
  EXPECT_EQ(p.solution(), "47+85\n7+5+0=12\n4+8+1=13\n\\boxed{132}");
  ArithProblem s{ArithKind::sub, 72, 5, 0, 0};
  EXPECT_EQ(s.solution(), "72-5\n12-5-0=7\n7-0-1=6\n\\boxed{67}");
  ArithProblem m{ArithKind::mul, 92, 8, 0, 0};
  EXPECT_EQ(m.solution(), "92*8\n2*8+0=16\n9*8+1=73\n\\boxed{736}");
  ArithProblem l{ArithKind::linear, 5, 23, 38, 0};
  EXPECT_EQ(l.solution(), "5x+23=38\n5x=38-23\n8-3-0=5\n3-2-0=1\n5x=15\nx=15/5=3\n\\boxed{3}");
}

TEST(TasksArith, StreamsAreDeterministicAndSeedDependent) {
  auto a = arith_training_examples(11, 50), b = arith_training_examples(11, 50), c = arith_training_examples(12, 50);
  ASSERT_EQ(a.size(), 50u);
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].completion, b[i].completion);
    EXPECT_EQ(a[i].prompt[0].content, b[i].prompt[0].content);
    differ += a[i].completion != c[i].completion;
  }
  EXPECT_GT(differ, 25);
  EXPECT_EQ(a[0].prompt.size(), 1u);
  EXPECT_EQ(a[0].prompt[0].role, "user");
  EXPECT_EQ(a[0].prompt[0].content.rfind("Please reason step by step", 0), 0u);
}

TEST(TasksArith, HeldOutTaskIsFixedAndDisjointFromTraining) {
  const Task task = load_task("arith", "/nonexistent");
  ASSERT_EQ(task.problems.size(), 100u);
  EXPECT_EQ(task.grader, "math");
  EXPECT_EQ(task.source_sha256, arith_task().source_sha256);
  std::set<std::string> keys, ids;
  std::map<std::string, int> kinds;
  for (const auto& p : task.problems) {
    keys.insert(p.meta["key"].get<std::string>());
    ids.insert(p.id);
    ++kinds[p.meta["kind"].get<std::string>()];
  }
  EXPECT_EQ(keys.size(), 100u);
  EXPECT_EQ(ids.size(), 100u);
  EXPECT_EQ(kinds.size(), 4u);
  for (const auto& p : arith_problems(1, 20000, false)) ASSERT_EQ(keys.count(p.key()), 0u) << p.key();
  const auto sample = task.prompt(0, 0);
  EXPECT_EQ(sample.gold, task.problems[0].gold);
  EXPECT_NE(sample.messages[0].content.find(task.problems[0].question), std::string::npos);
}

TEST(TasksArith, RejectsBadMixes) {
  EXPECT_THROW(arith_problems(1, 5, false, ArithMix{{}, 3}), std::invalid_argument);
  EXPECT_THROW(arith_problems(1, 5, false, ArithMix{{ArithKind::add}, 4}), std::invalid_argument);
}

}  // namespace
}  // namespace rbench::tasks
