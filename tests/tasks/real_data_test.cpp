// The real benchmark files in ../shared/data (RBENCH_TEST_DATA): problem counts, no blank fields, known
// answers, sha256 equal to the data README's, prompts that never carry a solution, and GPQA's shuffle
// deterministic with the correct letter spread evenly over A-D.
#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tasks/csv.h"
#include "tasks/jsonl.h"
#include "tasks/prompts.h"
#include "tasks/registry.h"
#include "tasks/source_file.h"
#include "tasks/zip_member.h"
#include "tasks/readers.h"
#include "test_support.h"

namespace rbench::tasks {
namespace {

using namespace rbench::tasks::testing;

std::filesystem::path data_dir() { return required_env("RBENCH_TEST_DATA"); }

void expect_complete(const Task& task) {
  std::set<std::string> ids;
  for (const Problem& p : task.problems) {
    EXPECT_FALSE(p.id.empty());
    EXPECT_FALSE(p.question.empty()) << p.id;
    EXPECT_FALSE(p.gold.empty()) << p.id;
    EXPECT_TRUE(ids.insert(p.id).second) << "duplicate " << p.id;
  }
}

std::vector<std::string> golds(const Task& task) {
  std::vector<std::string> out;
  for (const Problem& p : task.problems) out.push_back(p.gold);
  return out;
}

TEST(TasksRealData, Math500) {
  const Task task = load_task("math500", data_dir());
  ASSERT_EQ(task.problems.size(), 500u);
  EXPECT_EQ(task.source_sha256, "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132");
  EXPECT_EQ(task.grader, "math");
  expect_complete(task);
  EXPECT_EQ(task.problems[0].id, "test/precalculus/807.json");
  EXPECT_EQ(task.problems[0].gold, "\\left( 3, \\frac{\\pi}{2} \\right)");
  std::map<std::string, int> subjects;
  for (const Problem& p : task.problems) ++subjects[p.meta["subject"].get<std::string>()];
  EXPECT_EQ(subjects["Algebra"], 124);
  EXPECT_EQ(subjects["Counting & Probability"], 38);

  // No prompt contains its problem's worked solution (read independently from the raw file).
  const auto raw = parse_jsonl(read_source_file(task.source_path).bytes, task.source_path);
  ASSERT_EQ(raw.size(), task.problems.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::string solution = raw[i].text("solution");
    const std::string prompt = task.prompt(i, 0).messages[0].content;
    EXPECT_EQ(prompt.find(solution), std::string::npos) << task.problems[i].id;
    EXPECT_EQ(prompt.rfind(kMathInstruction, 0), 0u);
    EXPECT_NE(prompt.find(task.problems[i].question), std::string::npos);
  }
}

TEST(TasksRealData, Aime24) {
  const Task task = load_task("aime24", data_dir());
  ASSERT_EQ(task.problems.size(), 30u);
  EXPECT_EQ(task.source_sha256, "14d5f571a7f365fc0cefda7f7b8dde84836e5758d7b8a6ca317f2f6aa51388d7");
  EXPECT_EQ(task.grader, "aime");
  expect_complete(task);
  EXPECT_EQ(task.problems[0].id, "2024-I-1");
  EXPECT_EQ(task.problems[29].id, "2024-II-15");
  EXPECT_EQ(golds(task), (std::vector<std::string>{"204", "25",  "809", "116", "104", "294", "540", "197",
                                                   "480", "113", "371", "385", "110", "104", "721", "73",
                                                   "236", "45",  "33",  "80",  "55",  "699", "127", "902",
                                                   "468", "601", "23",  "321", "211", "315"}));
  const auto raw = parse_jsonl(read_source_file(task.source_path).bytes, task.source_path);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    EXPECT_EQ(task.prompt(i, 5).messages[0].content.find(raw[i].text("solution")), std::string::npos);
  }
}

TEST(TasksRealData, Aime25) {
  const Task task = load_task("aime25", data_dir());
  ASSERT_EQ(task.problems.size(), 30u);
  EXPECT_EQ(task.source_sha256, "ec07116065dcfde6afc138e38228172396103dfd3774fa7e350f7b3809cb7de2");
  expect_complete(task);
  EXPECT_EQ(golds(task), (std::vector<std::string>{"70",  "588", "16",  "117", "279", "504", "821", "77",
                                                   "62",  "81",  "259", "510", "204", "60",  "735", "468",
                                                   "49",  "82",  "106", "336", "293", "237", "610", "149",
                                                   "907", "113", "19",  "248", "104", "240"}));
}

TEST(TasksRealData, GpqaDiamondFromTheEncryptedZip) {
  const Task task = load_task("gpqa_diamond", data_dir());
  ASSERT_EQ(task.problems.size(), 198u);
  EXPECT_EQ(task.source_path, (data_dir() / "gpqa" / "dataset.zip").string());
  EXPECT_EQ(task.source_sha256, "461ae7329f15a3e35f8184d2dac24b990f34fdf12f366ca4062d8e6638cd08dc");
  EXPECT_EQ(task.grader, "gpqa");
  expect_complete(task);
  std::map<std::string, int> domains;
  for (const Problem& p : task.problems) {
    ++domains[p.meta["domain"].get<std::string>()];
    ASSERT_EQ(p.meta["options"].size(), 4u);
    EXPECT_EQ(p.meta["options"][0], p.gold);
    for (const auto& option : p.meta["options"]) {
      const std::string text = option.get<std::string>();
      ASSERT_FALSE(text.empty()) << p.id;
      EXPECT_FALSE(std::isspace(static_cast<unsigned char>(text.front()))) << p.id;
      EXPECT_FALSE(std::isspace(static_cast<unsigned char>(text.back()))) << p.id;
    }
  }
  EXPECT_EQ(domains, (std::map<std::string, int>{{"Chemistry", 93}, {"Physics", 86}, {"Biology", 19}}));

  // The README's two rows whose distractors coincide after stripping confirm the column mapping.
  auto options_of = [&](const std::string& id) {
    for (const Problem& p : task.problems) {
      if (p.id == id) return p.meta["options"];
    }
    return nlohmann::json();
  };
  const auto first = options_of("recZSGUkn56v9kEp1");
  const auto second = options_of("recnGEpF1srQpaqWq");
  ASSERT_EQ(first.size(), 4u);
  ASSERT_EQ(second.size(), 4u);
  EXPECT_EQ(first[1], first[3]);    // Incorrect Answer 1 = Incorrect Answer 3
  EXPECT_EQ(second[2], second[3]);  // Incorrect Answer 2 = Incorrect Answer 3
  EXPECT_NE(first[0], first[1]);
  EXPECT_NE(second[0], second[2]);

  // The member inside is the CSV the README describes, byte for byte.
  const ZipMember member = read_zip_member(read_source_file(task.source_path), "gpqa_diamond.csv",
                                           std::string(kGpqaZipPassword));
  EXPECT_EQ(member.name, "dataset/gpqa_diamond.csv");
  EXPECT_EQ(sha256_hex(member.bytes), "41d1213cd7a4998605a26c2798500652572007161b3a92817ba46b35befcd305");

  // No prompt carries the expert's explanation (which gives the answer away), read here independently;
  // explanations may quote an option, so the whole text is looked for.
  const auto records = parse_csv(member.bytes, member.name);
  ASSERT_EQ(records.size(), task.problems.size() + 1);
  const auto& header = records[0].fields;
  const auto explanation_column = std::find(header.begin(), header.end(), "Explanation") - header.begin();
  ASSERT_LT(static_cast<std::size_t>(explanation_column), header.size());
  for (std::size_t i = 0; i < task.problems.size(); ++i) {
    std::string explanation = records[i + 1].fields[explanation_column];
    explanation.erase(0, explanation.find_first_not_of(" \t\r\n"));
    ASSERT_GT(explanation.size(), 20u) << task.problems[i].id;
    const std::string prompt = task.prompt(i, 0).messages[0].content;
    EXPECT_EQ(prompt.find(explanation), std::string::npos) << task.problems[i].id;
  }
}

TEST(TasksRealData, GpqaFieldsMatchPythonsCsvModule) {
  // Oracle: Python's csv module on the same member, each used field stripped of " \t\r\n\v\f", fields
  // joined by 0x1F and records by 0x1E, hashed with sha256 (one-off computation, pinned here).
  const Task task = load_task("gpqa_diamond", data_dir());
  std::string joined;
  for (const Problem& p : task.problems) {
    if (!joined.empty()) joined += '\x1e';
    joined += p.id + '\x1f' + p.question;
    for (const auto& option : p.meta["options"]) joined += '\x1f' + option.get<std::string>();
    joined += '\x1f' + p.meta["domain"].get<std::string>() + '\x1f' + p.meta["subdomain"].get<std::string>();
  }
  EXPECT_EQ(sha256_hex(joined), "e0285e425a04ee1290bf316e2fe5092ccdc852311bee85971332dd6e23a83850");
  const auto multi_line = std::count_if(task.problems.begin(), task.problems.end(),
                                        [](const Problem& p) { return p.question.find('\n') != std::string::npos; });
  EXPECT_EQ(multi_line, 104);  // questions that still span lines after stripping
}

TEST(TasksRealData, GpqaShuffleIsDeterministicAndBalanced) {
  const Task task = load_task("gpqa_diamond", data_dir());
  const Task again = load_task("gpqa_diamond", data_dir());
  const int n_samples = 8;  // the reference evaluation's samples per GPQA problem
  std::array<int, 4> letter_counts{};
  for (std::size_t i = 0; i < task.problems.size(); ++i) {
    std::set<std::string> distinct_prompts;
    for (int s = 0; s < n_samples; ++s) {
      const PromptedSample sample = task.prompt(i, s);
      const PromptedSample repeat = again.prompt(i, s);
      ASSERT_EQ(sample.messages[0].content, repeat.messages[0].content);
      ASSERT_EQ(sample.gold, repeat.gold);
      ASSERT_EQ(sample.gold.size(), 1u);
      ++letter_counts[sample.gold[0] - 'A'];
      const std::string& text = sample.messages[0].content;
      EXPECT_NE(text.find("\n" + sample.gold + ") " + task.problems[i].gold + "\n"), std::string::npos)
          << task.problems[i].id << " sample " << s;
      EXPECT_NE(text.find("Answer: X"), std::string::npos);
      distinct_prompts.insert(text);
    }
    EXPECT_GE(distinct_prompts.size(), 2u) << "options never reshuffled for " << task.problems[i].id;
  }
  const double total = static_cast<double>(task.problems.size() * n_samples);
  for (int letter = 0; letter < 4; ++letter) {
    const double share = letter_counts[letter] / total;
    EXPECT_GT(share, 0.20) << char('A' + letter);
    EXPECT_LT(share, 0.30) << char('A' + letter);
  }
}

}  // namespace
}  // namespace rbench::tasks
