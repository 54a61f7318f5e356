// `rbench grade` end to end: the single-request form prints one verdict line; the JSONL form answers every input
// line in order, bad lines included (an error verdict naming the line), through the sandboxed pool.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tests/graders/test_support.h"

namespace rbench::graders {
namespace {

std::vector<nlohmann::json> run_lines(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " exited with status " + std::to_string(status));
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(nlohmann::json::parse(output.substr(start, end - start)));
  }
  return lines;
}

std::string rbench() { return testing::required_env("RBENCH_BIN_DIR") + "/rbench"; }

TEST(GradersCli, SingleRequestPrintsOneVerdict) {
  const auto lines = run_lines(rbench() + " grade --task math --gold '\\frac12' --pred 'so \\boxed{0.5}'");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("correct"), true);
  EXPECT_EQ(lines[0].at("extracted"), "0.5");
  EXPECT_EQ(lines[0].at("reason"), "ok");
  EXPECT_EQ(lines[0].at("rules").size(), 2u);
}

TEST(GradersCli, JsonlStreamAnswersEveryLineInOrder) {
  const std::string path = testing::required_env("RBENCH_TEST_TMP") + "/graders_cli_grade.jsonl";
  {
    std::ofstream out(path);
    for (int i = 0; i < 40; ++i) {
      out << nlohmann::json{{"task", "aime"}, {"gold", std::to_string(i)}, {"pred", "\\boxed{" + std::to_string(i) + "}"}}
          << "\n";
    }
    out << "this is not json\n";
    out << R"({"task": "gpqa", "gold": "B"})" << "\n";
    out << R"json({"task": "gpqa", "gold": "B", "pred": "**Answer:** (B)"})json" << "\n";
  }
  const auto lines = run_lines(rbench() + " grade --jsonl " + path);
  ASSERT_EQ(lines.size(), 43u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(lines[i].at("extracted"), std::to_string(i));
    EXPECT_EQ(lines[i].at("correct"), true);
  }
  EXPECT_EQ(lines[40].at("reason"), "bad_request");
  EXPECT_NE(lines[40].at("detail").get<std::string>().find("line 41"), std::string::npos);
  EXPECT_EQ(lines[41].at("reason"), "bad_request");
  EXPECT_NE(lines[41].at("detail").get<std::string>().find("pred"), std::string::npos);
  EXPECT_EQ(lines[42].at("correct"), true);
}

}  // namespace
}  // namespace rbench::graders
