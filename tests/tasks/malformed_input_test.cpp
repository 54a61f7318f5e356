// Malformed inputs give a DatasetError that names the file, the line and the field, and never modify the
// source: truncated JSON, missing or bad fields, duplicate ids, empty files, wrong CSV headers, wrong field
// counts, a wrong zip password. Fixtures are written by the tests.
#include <functional>

#include <gtest/gtest.h>

#include "fixtures.h"
#include "tasks/dataset_error.h"
#include "tasks/readers.h"
#include "tasks/source_file.h"
#include "test_support.h"

namespace rbench::tasks {
namespace {

using namespace rbench::tasks::testing;

const std::string kMathLine =
    R"({"problem": "What is $1+1$?", "solution": "It is $\\boxed{2}$.", "answer": "2", )"
    R"("subject": "Prealgebra", "level": 1, "unique_id": "test/prealgebra/1.json"})";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DatasetError& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << "missing '" << (needle) << "' in: " << (haystack)

TEST(TasksMalformed, TruncatedJsonLine) {
  const auto path = write_file(scratch_dir() / "math500.jsonl", kMathLine + "\n" + kMathLine.substr(0, 40));
  EXPECT_CONTAINS(error_of([&] { read_math500(path); }), path.string() + ":2: invalid JSON");
}

TEST(TasksMalformed, MissingField) {
  std::string line = kMathLine;
  line.replace(line.find("\"answer\""), std::string("\"answer\": \"2\", ").size(), "");
  const auto path = write_file(scratch_dir() / "math500.jsonl", kMathLine + "\n\n" + line + "\n");
  EXPECT_CONTAINS(error_of([&] { read_math500(path); }), path.string() + ":3: field 'answer' is missing");
}

TEST(TasksMalformed, EmptyFiles) {
  const auto dir = scratch_dir();
  const auto math = write_file(dir / "math500.jsonl", "");
  const auto aime = write_file(dir / "aime24.jsonl", "\n");
  const auto csv = write_file(dir / "gpqa_diamond.csv", "");
  EXPECT_CONTAINS(error_of([&] { read_math500(math); }), math.string() + ": empty file");
  EXPECT_CONTAINS(error_of([&] { read_aime("aime24", aime); }), aime.string() + ": empty file");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(csv); }), csv.string() + ": empty file");
  const std::string header = gpqa_fixture_csv().substr(0, gpqa_fixture_csv().find('\n') + 1);
  const auto header_only = write_file(dir / "header_only.csv", header);
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(header_only); }), "no problems after the CSV header");
}

TEST(TasksMalformed, AimeAnswersMustBeIntegersAndIdsUnique) {
  const auto dir = scratch_dir();
  const auto ok = write_file(dir / "ok.jsonl",
                             R"({"id": "2024-I-2", "problem": "P", "answer": "025"})" "\n"
                             R"({"id": 7, "problem": "Q", "answer": 0})" "\n");
  const Task task = read_aime("aime24", ok);
  ASSERT_EQ(task.problems.size(), 2u);
  EXPECT_EQ(task.problems[0].gold, "25");
  EXPECT_EQ(task.problems[1].id, "7");
  EXPECT_EQ(task.problems[1].gold, "0");

  const auto bad = write_file(dir / "bad.jsonl", R"({"id": "a", "problem": "P", "answer": "1/2"})" "\n");
  EXPECT_CONTAINS(error_of([&] { read_aime("aime24", bad); }),
                  bad.string() + ":1: field 'answer' should be an integer");
  const auto dup = write_file(dir / "dup.jsonl",
                              R"({"id": "a", "problem": "P", "answer": "1"})" "\n"
                              R"({"id": "a", "problem": "Q", "answer": "2"})" "\n");
  EXPECT_CONTAINS(error_of([&] { read_aime("aime24", dup); }),
                  dup.string() + ":2: duplicate problem id 'a' (first seen on line 1)");
}

TEST(TasksMalformed, GpqaCsvWithMultiLineCellsParses) {
  const auto path = write_file(scratch_dir() / "gpqa_diamond.csv", gpqa_fixture_csv());
  const Task task = read_gpqa_diamond_csv(path);
  ASSERT_EQ(task.problems.size(), 2u);
  const Problem& first = task.problems[0];
  EXPECT_EQ(first.id, "recA");
  EXPECT_EQ(first.question, "What is 2+2?\nShow the value, \"exactly\".");  // stripped, quotes undoubled
  EXPECT_EQ(first.gold, "4");
  EXPECT_EQ(first.meta["options"], nlohmann::json({"4", "3", "5", "22"}));
  EXPECT_EQ(first.meta["domain"], "Physics");
  EXPECT_EQ(task.problems[1].meta["options"], nlohmann::json({"Oxygen", "Helium", "Neon", "Neon"}));
  EXPECT_EQ(task.source_sha256, sha256_hex(gpqa_fixture_csv()));
}

TEST(TasksMalformed, WrongCsvHeader) {
  std::string text = gpqa_fixture_csv();
  text.replace(text.find("Correct Answer"), 14, "Right Answer");
  const auto path = write_file(scratch_dir() / "gpqa_diamond.csv", text);
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(path); }),
                  path.string() + ":1: CSV header lacks the column 'Correct Answer'");
}

TEST(TasksMalformed, CsvRecordFaultsNameTheRecordsFirstLine) {
  const auto dir = scratch_dir();
  const std::string csv = gpqa_fixture_csv();
  const auto short_record = write_file(dir / "short.csv", csv + "old,\"multi\nline\",x\n");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(short_record); }),
                  short_record.string() + ":7: record has 3 fields, the header has 10");
  const auto blank_cell = write_file(dir / "blank.csv", csv + "old,Q?,\"  \n\",a,b,c,recC,Biology,Cells,c\n");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(blank_cell); }),
                  blank_cell.string() + ":7: field 'Correct Answer' is empty");
  const auto ambiguous = write_file(dir / "ambiguous.csv", csv + "old,Q?,a,b,a,c,recC,Biology,Cells,c\n");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(ambiguous); }),
                  ambiguous.string() + ":7: field 'Correct Answer' equals one of the incorrect answers");
  const auto duplicate = write_file(dir / "duplicate.csv", csv + "old,Q?,a,b,d,c,recA,Biology,Cells,c\n");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_csv(duplicate); }),
                  duplicate.string() + ":7: duplicate problem id 'recA' (first seen on line 2)");
}

TEST(TasksMalformed, ZipWithTheRightPasswordLoads) {
  const auto path = scratch_dir() / "dataset.zip";
  write_zip(path, "dataset/gpqa_diamond.csv", gpqa_fixture_csv(), "s3cret");
  const Task task = read_gpqa_diamond_zip(path, "s3cret");
  EXPECT_EQ(task.problems.size(), 2u);
  EXPECT_EQ(task.source_sha256, read_source_file(path).sha256);  // the archive's hash, not the member's
  EXPECT_EQ(task.source_path, path.string());
}

TEST(TasksMalformed, WrongZipPasswordNamesTheArchiveAndLeavesItIntact) {
  const auto path = scratch_dir() / "dataset.zip";
  write_zip(path, "dataset/gpqa_diamond.csv", gpqa_fixture_csv(), "s3cret");
  const std::string before = read_source_file(path).sha256;
  for (const std::string wrong : {"not-it", "s3cre", "S3CRET", ""}) {
    const std::string message = error_of([&] { read_gpqa_diamond_zip(path, wrong); });
    EXPECT_CONTAINS(message, path.string() + ":dataset/gpqa_diamond.csv");
    EXPECT_CONTAINS(message, "password");
  }
  EXPECT_EQ(read_source_file(path).sha256, before);
}

TEST(TasksMalformed, ZipWithoutTheDiamondMemberOrNotAZip) {
  const auto dir = scratch_dir();
  write_zip(dir / "other.zip", "dataset/gpqa_main.csv", gpqa_fixture_csv(), "");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_zip(dir / "other.zip"); }),
                  "no member named 'gpqa_diamond.csv' (members: dataset/gpqa_main.csv)");
  const auto garbage = write_file(dir / "garbage.zip", "this is not a zip archive");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_zip(garbage); }), garbage.string() + ": cannot open zip archive");
  const auto empty = write_file(dir / "empty.zip", "");
  EXPECT_CONTAINS(error_of([&] { read_gpqa_diamond_zip(empty); }), empty.string() + ": cannot open zip archive");
}

}  // namespace
}  // namespace rbench::tasks
