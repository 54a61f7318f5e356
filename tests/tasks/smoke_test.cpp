// The built-in smoke task: enough problems, unique ordered ids, no blank fields, answers of every shape the
// math grader must handle, and a stable content hash.
#include <algorithm>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "tasks/readers.h"

namespace rbench::tasks {
namespace {

TEST(TasksSmoke, AtLeastTwentyProblemsWithOrderedUniqueIds) {
  const Task task = smoke_task();
  EXPECT_EQ(task.name, "smoke");
  EXPECT_EQ(task.grader, "math");
  ASSERT_GE(task.problems.size(), 20u);
  std::set<std::string> questions;
  for (std::size_t i = 0; i < task.problems.size(); ++i) {
    const Problem& p = task.problems[i];
    char expected_id[32];
    std::snprintf(expected_id, sizeof expected_id, "smoke-%02zu", i + 1);
    EXPECT_EQ(p.id, expected_id);
    EXPECT_FALSE(p.question.empty());
    EXPECT_FALSE(p.gold.empty());
    EXPECT_TRUE(questions.insert(p.question).second) << "duplicate question " << p.question;
  }
}

TEST(TasksSmoke, AnswersCoverNegativesFractionsAndExpressions) {
  const Task task = smoke_task();
  auto count = [&](const std::regex& pattern) {
    return std::count_if(task.problems.begin(), task.problems.end(),
                         [&](const Problem& p) { return std::regex_search(p.gold, pattern); });
  };
  EXPECT_GE(count(std::regex("^-")), 3);
  EXPECT_GE(count(std::regex(R"(\\frac)")), 5);
  EXPECT_GE(count(std::regex("x")), 3);
  EXPECT_GE(count(std::regex("^[0-9]+$")), 8);
}

TEST(TasksSmoke, HashIsStableAndHex) {
  const Task a = smoke_task();
  EXPECT_EQ(a.source_sha256, smoke_task().source_sha256);
  EXPECT_TRUE(std::regex_match(a.source_sha256, std::regex("[0-9a-f]{64}"))) << a.source_sha256;
}

TEST(TasksSmoke, PromptsCarryTheMathInstruction) {
  const Task task = smoke_task();
  const PromptedSample sample = task.prompt(0, 0);
  EXPECT_EQ(sample.messages[0].content.rfind("Please reason step by step", 0), 0u);
  EXPECT_EQ(sample.gold, task.problems[0].gold);
}

}  // namespace
}  // namespace rbench::tasks
