// The RFC 4180 parser: quoting rules, line numbers of records that span lines, and errors that name the line.
#include "tasks/csv.h"

#include <gtest/gtest.h>

#include "tasks/dataset_error.h"

namespace rbench::tasks {
namespace {

using Fields = std::vector<std::string>;

TEST(TasksCsv, PlainRecordsWithLfAndCrlf) {
  const auto records = parse_csv("a,b,c\r\n1,2,3\n4,,6", "x.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[2].fields, (Fields{"4", "", "6"}));
  EXPECT_EQ(records[2].line, 3u);
}

TEST(TasksCsv, QuotedCommasDoubledQuotesAndMultiLineCells) {
  const std::string text =
      "id,text,n\n"
      "1,\"has, comma\",x\n"
      "2,\"she said \"\"hi\"\"\",y\n"
      "3,\"line one\nline two\r\nline three\",z\n"
      "4,\"\",\n";
  const auto records = parse_csv(text, "x.csv");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "has, comma", "x"}));
  EXPECT_EQ(records[2].fields, (Fields{"2", "she said \"hi\"", "y"}));
  EXPECT_EQ(records[3].fields, (Fields{"3", "line one\nline two\r\nline three", "z"}));
  EXPECT_EQ(records[3].line, 4u);
  EXPECT_EQ(records[4].line, 7u);  // the multi-line cell took lines 4-6
  EXPECT_EQ(records[4].fields, (Fields{"4", "", ""}));
}

TEST(TasksCsv, ByteOrderMarkAndBlankLinesAreSkipped) {
  const auto records = parse_csv("\xEF\xBB\xBFh1,h2\n\nv1,v2\n\n", "x.csv");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(records[1].line, 3u);
}

TEST(TasksCsv, EmptyInputHasNoRecords) { EXPECT_TRUE(parse_csv("", "x.csv").empty()); }

void expect_error(const std::string& text, const std::string& needle) {
  try {
    parse_csv(text, "bad.csv");
    ADD_FAILURE() << "no error for: " << text;
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TasksCsv, UnterminatedQuoteNamesTheRecordLine) {
  expect_error("a,b\n1,2\n3,\"never\nclosed\n", "bad.csv:3: unterminated quoted field");
}

TEST(TasksCsv, StrayQuoteInsideUnquotedField) { expect_error("a,b\n1,x\"y\n", "bad.csv:2: stray double quote"); }

TEST(TasksCsv, TextAfterClosingQuote) { expect_error("a,b\n\"x\"y,2\n", "bad.csv:2: unexpected character"); }

}  // namespace
}  // namespace rbench::tasks
