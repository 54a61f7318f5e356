// JSON Lines parsing: line numbers survive blank lines, and every fault names the file, line and field.
#include "tasks/jsonl.h"

#include <functional>

#include <gtest/gtest.h>

#include "tasks/dataset_error.h"

namespace rbench::tasks {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TasksJsonl, RecordsKeepTheirLineNumbers) {
  const auto records = parse_jsonl("{\"a\":\"x\"}\n\n{\"a\":7}\n", "f.jsonl");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line(), 1u);
  EXPECT_EQ(records[1].line(), 3u);
  EXPECT_EQ(records[0].text("a"), "x");
  EXPECT_EQ(records[1].text("a"), "7");  // integers are accepted as text
}

TEST(TasksJsonl, TruncatedLineNamesFileAndLine) {
  const std::string message = error_of([] { parse_jsonl("{\"a\":1}\n{\"a\": \"cut", "f.jsonl"); });
  EXPECT_NE(message.find("f.jsonl:2: invalid JSON"), std::string::npos) << message;
}

TEST(TasksJsonl, NonObjectLine) {
  const std::string message = error_of([] { parse_jsonl("[1,2]\n", "f.jsonl"); });
  EXPECT_NE(message.find("f.jsonl:1: expected a JSON object"), std::string::npos) << message;
}

TEST(TasksJsonl, EmptyFile) {
  EXPECT_NE(error_of([] { parse_jsonl("", "f.jsonl"); }).find("f.jsonl: empty file"), std::string::npos);
  EXPECT_NE(error_of([] { parse_jsonl("\n \n", "f.jsonl"); }).find("f.jsonl: empty file"), std::string::npos);
}

TEST(TasksJsonl, MissingBlankAndMistypedFields) {
  const auto records = parse_jsonl("{}\n{\"a\":\"  \"}\n{\"a\":[1]}\n", "f.jsonl");
  EXPECT_NE(error_of([&] { records[0].text("a"); }).find("f.jsonl:1: field 'a' is missing"), std::string::npos);
  EXPECT_NE(error_of([&] { records[1].text("a"); }).find("f.jsonl:2: field 'a' is empty"), std::string::npos);
  EXPECT_NE(error_of([&] { records[2].text("a"); }).find("f.jsonl:3: field 'a' should be a string"),
            std::string::npos);
  EXPECT_TRUE(records[0].optional("a").is_null());
}

}  // namespace
}  // namespace rbench::tasks
