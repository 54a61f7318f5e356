// Extraction rules on their own: strict versus lenient, list forming, and linear-time behaviour on huge input.
#include <gtest/gtest.h>

#include <chrono>

#include "graders/extraction/answer_extraction.h"
#include "graders/grade.h"

namespace rbench::graders::extraction {
namespace {

TEST(GradersExtraction, StrictReadsOnlyTheBoxAfterThink) {
  EXPECT_EQ(extract_math_strict("<think>\\boxed{1}</think> so \\boxed{2}").value_or(""), "2");
  EXPECT_FALSE(extract_math_strict("The final answer is 5.").has_value());
  EXPECT_EQ(extract_math_lenient("The final answer is 5.").value_or(""), "5");
}

TEST(GradersExtraction, BothRulesAreRecorded) {
  const auto v = grade({"math", "5", "The final answer is 5."});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].rule, kLenientRule);
  EXPECT_TRUE(v[0].correct);
  EXPECT_EQ(v[1].rule, kStrictRule);
  EXPECT_FALSE(v[1].correct);
  EXPECT_EQ(v[1].reason, reason::kNoAnswer);
}

TEST(GradersExtraction, CloseBoxesFormAListButDistantOnesDoNot) {
  EXPECT_EQ(extract_math_strict("$\\boxed{1}$, $\\boxed{2}$").value_or(""), "1, 2");
  EXPECT_EQ(extract_math_strict("\\boxed{1} is wrong because of a long explanation here; \\boxed{2}").value_or(""),
            "2");
}

TEST(GradersExtraction, IntegerAndChoiceStrictForms) {
  EXPECT_EQ(extract_integer_strict("\\boxed{025}").value_or(""), "25");
  EXPECT_FALSE(extract_integer_strict("the answer is 25").has_value());
  EXPECT_EQ(extract_integer_lenient("the answer is 25").value_or(""), "25");
  EXPECT_EQ(extract_choice_strict("**Answer:** (B)").value_or(""), "B");
  EXPECT_FALSE(extract_choice_strict("A good start. Then B.").has_value());
}

TEST(GradersExtraction, HugeInputIsLinear) {
  const std::string huge = std::string(8u << 20, '{') + "\\boxed{" + std::string(2u << 20, '{');
  const auto start = std::chrono::steady_clock::now();
  for (const char* task : {"math", "aime", "gpqa"}) {
    const auto v = grade({task, "1", huge});
    EXPECT_FALSE(v[0].correct);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(GradersExtraction, UnknownGraderIsABadRequest) {
  const auto v = grade({"chess", "1", "1"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].reason, reason::kBadRequest);
}

}  // namespace
}  // namespace rbench::graders::extraction
