// The registry: known names, where each task's file is looked for, the fallbacks, and a missing file
// reported with the places looked and how to get the data.
#include "tasks/registry.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "tasks/dataset_error.h"
#include "tasks/readers.h"
#include "test_support.h"

namespace rbench::tasks {
namespace {

using namespace rbench::tasks::testing;

TEST(TasksRegistry, NamesAreTheFiveTasks) {
  EXPECT_EQ(task_names(), (std::vector<std::string>{"math500", "aime24", "aime25", "gpqa_diamond", "smoke", "arith"}));
}

TEST(TasksRegistry, UnknownNameListsTheKnownOnes) {
  try {
    load_task("mmlu", "/nonexistent");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown task 'mmlu'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("gpqa_diamond"), std::string::npos);
  }
}

TEST(TasksRegistry, SmokeNeedsNoData) {
  const Task task = load_task("smoke", "/nonexistent");
  EXPECT_GE(task.problems.size(), 20u);
}

TEST(TasksRegistry, MissingFileSaysWhereItLookedAndHowToGetIt) {
  const auto dir = scratch_dir();
  for (const std::string name : {"math500", "aime24", "aime25", "gpqa_diamond"}) {
    try {
      load_task(name, dir);
      ADD_FAILURE() << name << ": no error";
    } catch (const DatasetError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("task '" + name + "'"), std::string::npos) << message;
      for (const auto& path : candidate_files(name, dir)) {
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
      }
      EXPECT_NE(message.find("scripts/fetch-datasets.sh"), std::string::npos) << message;
    }
  }
}

TEST(TasksRegistry, FallbackFileNames) {
  const auto dir = scratch_dir();
  write_file(dir / "test.jsonl",
             R"({"problem": "P?", "answer": "1", "subject": "Algebra", "level": 1, "unique_id": "test/a/1.json"})"
             "\n");
  write_file(dir / "gpqa_diamond.csv", gpqa_fixture_csv());
  const Task math = load_task("math500", dir);
  EXPECT_EQ(math.source_path, (dir / "test.jsonl").string());
  ASSERT_EQ(math.problems.size(), 1u);
  EXPECT_EQ(math.problems[0].id, "test/a/1.json");
  const Task gpqa = load_task("gpqa_diamond", dir);
  EXPECT_EQ(gpqa.source_path, (dir / "gpqa_diamond.csv").string());
  EXPECT_EQ(gpqa.problems.size(), 2u);

  // The zip at the top level is preferred over an extracted CSV.
  write_zip(dir / "dataset.zip", "dataset/gpqa_diamond.csv", gpqa_fixture_csv(), std::string(kGpqaZipPassword));
  EXPECT_EQ(load_task("gpqa_diamond", dir).source_path, (dir / "dataset.zip").string());
}

}  // namespace
}  // namespace rbench::tasks
