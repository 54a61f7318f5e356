// Presets and suite files: the paper protocol, overrides, and errors that name the file and key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "evaluator/run_config.h"

namespace rbench::evaluator {
namespace {

std::filesystem::path write_file(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::path(std::getenv("RBENCH_TEST_TMP") ? std::getenv("RBENCH_TEST_TMP") : "/tmp") / "run_config";
  std::filesystem::create_directories(dir);
  auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

TEST(EvaluatorRunConfig, PaperPresetIsThePaperProtocol) {
  auto c = preset("paper");
  ASSERT_TRUE(c);
  std::map<std::string, int> n;
  for (const auto& t : c->tasks) n[t.name] = t.n_samples;
  EXPECT_EQ(n["aime24"], 64);
  EXPECT_EQ(n["aime25"], 64);
  EXPECT_EQ(n["math500"], 8);
  EXPECT_EQ(n["gpqa_diamond"], 8);
  EXPECT_DOUBLE_EQ(c->sampling.temperature, 0.6);
  EXPECT_DOUBLE_EQ(c->sampling.top_p, 0.95);
  EXPECT_EQ(c->sampling.max_new_tokens, 32768);
  EXPECT_FALSE(preset("nonsense"));
}

TEST(EvaluatorRunConfig, SuiteFileOverridesOnlyWhatItNames) {
  auto p = write_file("mine.json", R"({"tasks": {"smoke": 3}, "sampling": {"temperature": 0.0}, "seed": 9})");
  auto c = read_suite_file(p, *preset("paper"));
  EXPECT_EQ(c.suite, "mine");
  ASSERT_EQ(c.tasks.size(), 1u);
  EXPECT_EQ(c.tasks[0].n_samples, 3);
  EXPECT_DOUBLE_EQ(c.sampling.temperature, 0.0);
  EXPECT_DOUBLE_EQ(c.sampling.top_p, 0.95);
  EXPECT_EQ(c.seed, 9u);
}

TEST(EvaluatorRunConfig, SuiteFileErrorsNameFileAndKey) {
  auto expect_error = [](const std::filesystem::path& p, const std::string& needle) {
    try {
      read_suite_file(p, RunConfig{});
      FAIL() << "no error for " << p;
    } catch (const std::runtime_error& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
      EXPECT_NE(msg.find(needle), std::string::npos) << msg;
    }
  };
  expect_error(write_file("bad_key.json", R"({"temprature": 1})"), "temprature");
  expect_error(write_file("bad_type.json", R"({"sampling": {"top_p": "high"}})"), "sampling.top_p");
  expect_error(write_file("bad_json.json", R"({"tasks": )"), "not valid JSON");
  expect_error(write_file("zero.json", R"({"tasks": {"smoke": 0}})"), "tasks.smoke");
}

TEST(EvaluatorRunConfig, ProtocolIdentityChangesWithSampling) {
  auto a = *preset("paper"), b = *preset("paper");
  EXPECT_EQ(a.protocol_json(), b.protocol_json());
  b.sampling.top_p = 0.9;
  EXPECT_NE(a.protocol_json(), b.protocol_json());
}

}  // namespace
}  // namespace rbench::evaluator
