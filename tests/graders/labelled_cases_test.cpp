// The labelled verdict set (tests/graders/labelled_cases.jsonl): every (task, gold, prediction) case must get
// its expected verdict under the primary extraction rule. Accuracy on it is a test: 100%, and every fixed
// grading bug adds a case.
#include <gtest/gtest.h>

#include <map>

#include "graders/grade.h"
#include "tests/graders/test_support.h"

namespace rbench::graders {
namespace {

std::vector<nlohmann::json> labelled_cases() {
  return testing::read_jsonl(std::filesystem::path(testing::required_env("RBENCH_SOURCE_DIR")) / "tests" /
                             "graders" / "labelled_cases.jsonl");
}

TEST(GradersLabelled, SetIsLargeAndCoversEveryTask) {
  const auto cases = labelled_cases();
  std::map<std::string, int> per_task;
  std::map<bool, int> per_verdict;
  for (const auto& c : cases) {
    ++per_task[c.at("task").get<std::string>()];
    ++per_verdict[c.at("correct").get<bool>()];
  }
  EXPECT_GE(cases.size(), 400u);
  EXPECT_GE(per_task["math"], 250);
  EXPECT_GE(per_task["aime"], 25);
  EXPECT_GE(per_task["gpqa"], 30);
  EXPECT_GE(per_verdict[false], 120) << "hard negatives";
}

TEST(GradersLabelled, EveryCaseGetsItsExpectedVerdict) {
  const auto cases = labelled_cases();
  int wrong = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const GradeRequest request{c.at("task"), c.at("gold"), c.at("pred")};
    const std::vector<Verdict> verdicts = grade(request);
    ASSERT_FALSE(verdicts.empty());
    const Verdict& primary = verdicts.front();
    EXPECT_EQ(primary.rule, kPrimaryRule);
    if (primary.correct != c.at("correct").get<bool>()) {
      ++wrong;
      ADD_FAILURE() << "case " << i + 1 << " (" << c.at("note").get<std::string>() << "): task " << request.grader
                    << ", gold " << request.gold << ", prediction " << request.prediction << "\n  expected "
                    << c.at("correct") << ", got " << primary.correct << " (extracted '" << primary.extracted
                    << "', reason " << primary.reason << " " << primary.detail << ")";
    }
  }
  EXPECT_EQ(wrong, 0) << "of " << cases.size() << " labelled cases";
}

}  // namespace
}  // namespace rbench::graders
