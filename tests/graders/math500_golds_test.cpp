// Every MATH-500 gold answer must parse, equal itself, and equal the last \boxed{} of its own worked solution:
// 500 real answers of every kind the grader claims to handle.
#include <gtest/gtest.h>

#include "graders/extraction/answer_extraction.h"
#include "graders/math/equivalence.h"
#include "tests/graders/test_support.h"

namespace rbench::graders {
namespace {

std::vector<nlohmann::json> math500() {
  return testing::read_jsonl(std::filesystem::path(testing::required_env("RBENCH_TEST_DATA")) / "math500.jsonl");
}

TEST(GradersMath500, EveryGoldEqualsItself) {
  const auto rows = math500();
  ASSERT_EQ(rows.size(), 500u);
  int failures = 0;
  for (const auto& row : rows) {
    const std::string gold = row.at("answer");
    try {
      if (!math::compare_math_answers(gold, gold).equivalent) {
        ADD_FAILURE() << "not equal to itself: " << gold;
        ++failures;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "gold " << gold << ": " << e.what();
      ++failures;
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(GradersMath500, EveryGoldEqualsItsSolutionsBox) {
  const auto rows = math500();
  int failures = 0;
  for (const auto& row : rows) {
    const std::string gold = row.at("answer");
    const auto boxed = extraction::extract_math_strict(row.at("solution").get<std::string>());
    if (!boxed) {
      ADD_FAILURE() << "no box in the solution of " << row.at("unique_id");
      ++failures;
      continue;
    }
    try {
      if (!math::compare_math_answers(gold, *boxed).equivalent) {
        ADD_FAILURE() << "gold " << gold << " vs solution box " << *boxed;
        ++failures;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "gold " << gold << " vs solution box " << *boxed << ": " << e.what();
      ++failures;
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace rbench::graders
