// Bad usage of `rbench run`, through the real binary: each mistake must end with a non-zero exit code, a message
// on stderr that names the problem and the fix, and no database file written (nothing half-stored). Covered: a
// prompt longer than the model's context, --max-tokens beyond the context, an unknown suite, a checkpoint of an
// architecture rbench does not run, and a dataset file of the wrong format.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tiny_run.h"

namespace rbench::hardening {
namespace {

namespace fs = std::filesystem;

// A copy of the tiny model with config.json edited by `edit`.
std::string edited_model(const fs::path& dir, const std::function<void(nlohmann::json&)>& edit) {
  const fs::path model = dir / "model";
  fs::copy(tiny_model(), model, fs::copy_options::recursive);
  nlohmann::json config;
  std::ifstream(model / "config.json") >> config;
  edit(config);
  std::ofstream(model / "config.json") << config.dump(2);
  return model.string();
}

void expect_refused(const Finished& f, const std::string& db, const std::vector<std::string>& must_mention) {
  EXPECT_NE(f.exit_code, 0) << f.out << f.err;
  for (const auto& word : must_mention) EXPECT_NE(f.err.find(word), std::string::npos) << "'" << word << "' in: " << f.err;
  EXPECT_FALSE(fs::exists(db)) << "a refused run must not create " << db;
}

std::vector<std::string> with_flag(std::vector<std::string> args, const std::string& flag, const std::string& value) {
  auto at = std::find(args.begin(), args.end(), flag);
  if (at == args.end()) {
    args.push_back(flag);
    args.push_back(value);
  } else {
    *(at + 1) = value;
  }
  return args;
}

TEST(HardeningBadUsage, PromptLongerThanTheContextNamesTheProblemAndTheFix) {
  const auto dir = fresh_dir("hardening-bad-prompt");
  const auto model = edited_model(dir, [](nlohmann::json& c) { c["max_position_embeddings"] = 12; });
  const std::string db = (dir / "x.sqlite").string();
  auto f = run_capturing(with_flag(run_args(db, model), "--max-tokens", "4"), dir);
  expect_refused(f, db, {"task smoke problem 0", "exceeds the model's context of 12 tokens",
                         "max_position_embeddings", "longer context"});
}

TEST(HardeningBadUsage, MaxTokensBeyondTheContextNamesTheFlag) {
  const auto dir = fresh_dir("hardening-bad-max-tokens");
  const auto model = edited_model(dir, [](nlohmann::json& c) { c["max_position_embeddings"] = 4096; });
  const std::string db = (dir / "x.sqlite").string();
  auto f = run_capturing(with_flag(run_args(db, model), "--max-tokens", "5000"), dir);
  expect_refused(f, db, {"--max-tokens 5000", "context of 4096 tokens", "pass --max-tokens below 4096"});
  // Fits the context alone but not with the prompt: the message says how far to lower it.
  auto g = run_capturing(with_flag(run_args(db, model), "--max-tokens", "4090"), dir);
  expect_refused(g, db, {"plus --max-tokens 4090", "lower --max-tokens to at most"});
}

TEST(HardeningBadUsage, UnknownSuiteListsTheKnownOnes) {
  const auto dir = fresh_dir("hardening-bad-suite");
  const std::string db = (dir / "x.sqlite").string();
  auto f = run_capturing(with_flag(run_args(db), "--suite", "math5000"), dir);
  expect_refused(f, db, {"math5000", "math500", "smoke", "presets"});
}

TEST(HardeningBadUsage, CheckpointOfAnotherArchitectureIsNamed) {
  const auto dir = fresh_dir("hardening-bad-arch");
  const auto model = edited_model(dir, [](nlohmann::json& c) { c["model_type"] = "llama"; });
  const std::string db = (dir / "x.sqlite").string();
  auto f = run_capturing(run_args(db, model), dir);
  expect_refused(f, db, {"llama", "phi4flash"});
}

TEST(HardeningBadUsage, DatasetOfTheWrongFormatNamesFileAndLine) {
  const auto dir = fresh_dir("hardening-bad-dataset");
  const fs::path data = dir / "data";
  fs::create_directories(data);
  // A CSV where JSON Lines are expected, as after saving the wrong download under the expected name.
  std::ofstream(data / "math500.jsonl") << "problem,answer\n\"What is 1+1?\",2\n";
  const std::string db = (dir / "x.sqlite").string();
  auto args = with_flag(with_flag(run_args(db), "--suite", "math500"), "--data-dir", data.string());
  auto f = run_capturing(args, dir);
  expect_refused(f, db, {"math500.jsonl:1:", "invalid JSON"});
}

}  // namespace
}  // namespace rbench::hardening
