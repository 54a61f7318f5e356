// Prompts: exact MATH/AIME text, GPQA options in the shuffled order with the gold letter pointing at the
// correct option, and bad indices rejected.
#include "tasks/prompts.h"

#include <gtest/gtest.h>

#include "tasks/option_shuffle.h"
#include "tasks/task.h"

namespace rbench::tasks {
namespace {

Task gpqa_like_task() {
  Problem problem{"rec-test", "Which is heaviest?", "lead",
                  {{"options", {"lead", "feathers", "air", "foam"}}}};
  return Task{"gpqa_fixture", "1", "gpqa", "", "", {problem}};
}

TEST(TasksPrompts, MathPromptIsInstructionNewlineProblem) {
  const Task task{"m", "1", "math", "", "", {Problem{"p1", "What is $1+1$?", "2", {}}}};
  const PromptedSample sample = task.prompt(0, 3);
  ASSERT_EQ(sample.messages.size(), 1u);
  EXPECT_EQ(sample.messages[0].role, "user");
  EXPECT_EQ(sample.messages[0].content,
            "Please reason step by step, and put your final answer within \\boxed{}.\nWhat is $1+1$?");
  EXPECT_EQ(sample.gold, "2");
}

TEST(TasksPrompts, MultipleChoiceGoldLetterPointsAtTheCorrectOption) {
  const Task task = gpqa_like_task();
  for (int sample_index = 0; sample_index < 16; ++sample_index) {
    const PromptedSample sample = task.prompt(0, sample_index);
    ASSERT_EQ(sample.messages.size(), 1u);
    const std::string& text = sample.messages[0].content;
    ASSERT_EQ(sample.gold.size(), 1u);
    ASSERT_TRUE(sample.gold[0] >= 'A' && sample.gold[0] <= 'D') << sample.gold;
    EXPECT_NE(text.find("\n" + sample.gold + ") lead\n"), std::string::npos) << text;
    EXPECT_EQ(text.rfind("Which is heaviest?\n\nA) ", 0), 0u) << text;
    for (const char* option : {"feathers", "air", "foam"}) EXPECT_NE(text.find(option), std::string::npos);
    EXPECT_NE(text.find(kMultipleChoiceInstruction), std::string::npos);
    EXPECT_NE(text.find("Answer: X"), std::string::npos);
    EXPECT_EQ(task.prompt(0, sample_index).messages[0].content, text);  // deterministic
  }
}

TEST(TasksPrompts, MultipleChoiceTextForOneSampleIsPinned) {
  // rec-test#0 -> order computed by the documented shuffle; the exact text guards against silent changes.
  const auto order = option_order(4, option_shuffle_seed("rec-test", 0));
  const std::vector<std::string> options = {"lead", "feathers", "air", "foam"};
  std::string expected = "Which is heaviest?\n\n";
  for (std::size_t slot = 0; slot < 4; ++slot) {
    expected += std::string(1, static_cast<char>('A' + slot)) + ") " + options[order[slot]] + "\n";
  }
  expected +=
      "\nPlease reason step by step, and put your final choice of one letter from A/B/C/D within \\boxed{}. "
      "End your response with a final line of the form \"Answer: X\", where X is one of A, B, C or D.";
  EXPECT_EQ(gpqa_like_task().prompt(0, 0).messages[0].content, expected);
}

TEST(TasksPrompts, BadIndicesAndMissingOptionsAreErrors) {
  const Task task = gpqa_like_task();
  EXPECT_THROW(task.prompt(1, 0), std::out_of_range);
  EXPECT_THROW(task.prompt(0, -1), std::invalid_argument);
  Task broken = task;
  broken.problems[0].meta = nlohmann::json::object();
  EXPECT_THROW(broken.prompt(0, 0), std::invalid_argument);
  Task unknown = task;
  unknown.grader = "essay";
  EXPECT_THROW(unknown.prompt(0, 0), std::invalid_argument);
}

}  // namespace
}  // namespace rbench::tasks
