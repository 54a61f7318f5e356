// Damaged tokenizer files fail to load with a message that names the file and the entry: truncated JSON, a merge
// naming a token that is not in the vocab, bad base64 or a bad rank in a .tiktoken file, unknown file kinds.
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

// The message of the exception load_tokenizer throws (fails the test when it loads).
std::string load_error(const std::filesystem::path& path) {
  try {
    (void)load_tokenizer(path);
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded although it is damaged";
  return "";
}

void expect_mentions(const std::string& message, const std::vector<std::string>& parts) {
  for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TokenizerErrors, TruncatedJsonNamesTheFile) {
  const auto dir = test::scratch_dir("truncated");
  write_tiny_tokenizer(dir, "some text to learn a few merges from, some text", 10);
  const std::string whole = read_all(dir / "tokenizer.json");
  std::ofstream(dir / "tokenizer.json", std::ios::binary) << whole.substr(0, whole.size() / 2);
  expect_mentions(load_error(dir / "tokenizer.json"), {(dir / "tokenizer.json").string(), "invalid JSON"});
}

TEST(TokenizerErrors, MergeWithUnknownTokenNamesTheEntry) {
  const auto dir = test::scratch_dir("bad_merge");
  write_tiny_tokenizer(dir, "abab abab cdcd cdcd abab cdcd", 4);
  std::ifstream in(dir / "tokenizer.json");
  auto doc = nlohmann::ordered_json::parse(in);
  in.close();
  ASSERT_GE(doc["model"]["merges"].size(), 3u);
  doc["model"]["merges"][2] = nlohmann::ordered_json::array({"a", "NOT_A_TOKEN"});
  std::ofstream(dir / "tokenizer.json") << doc.dump();
  expect_mentions(load_error(dir / "tokenizer.json"),
                  {(dir / "tokenizer.json").string(), "model.merges[2]", "NOT_A_TOKEN", "not in the vocab"});
}

TEST(TokenizerErrors, UnsupportedTokenizerJsonFeaturesAreRefusedByName) {
  const auto dir = test::scratch_dir("normalizer");
  write_tiny_tokenizer(dir, "", 0);
  std::ifstream in(dir / "tokenizer.json");
  auto doc = nlohmann::ordered_json::parse(in);
  in.close();
  doc["normalizer"] = {{"type", "NFC"}};
  std::ofstream(dir / "tokenizer.json") << doc.dump();
  expect_mentions(load_error(dir), {"tokenizer.json", "normalizer"});
}

// The first `keep` lines of the real o200k file, then `bad_line`, saved as `name`.
std::filesystem::path damaged_ranks(const std::string& name, int keep, const std::string& bad_line) {
  const auto dir = test::scratch_dir("ranks_" + std::to_string(keep));
  std::ifstream in(test::o200k_ranks_path());
  std::ofstream out(dir / name);
  std::string line;
  for (int i = 0; i < keep && std::getline(in, line); ++i) out << line << "\n";
  out << bad_line << "\n";
  return dir / name;
}

TEST(TokenizerErrors, BadBase64NamesFileAndLine) {
  const auto file = damaged_ranks("o200k_base.tiktoken", 300, "!!notbase64!! 300");
  expect_mentions(load_error(file), {file.string() + ":301", "bad base64", "!!notbase64!!"});
  const auto unpadded = damaged_ranks("o200k_base.tiktoken", 10, "YWJj= 10");
  expect_mentions(load_error(unpadded), {unpadded.string() + ":11", "bad base64"});
}

TEST(TokenizerErrors, BadRankNamesFileAndLine) {
  const auto file = damaged_ranks("o200k_base.tiktoken", 20, "YWJjZA== twelve");
  expect_mentions(load_error(file), {file.string() + ":21", "bad rank", "twelve"});
}

TEST(TokenizerErrors, UnknownEncodingAndFileKinds) {
  const auto dir = test::scratch_dir("unknown_kinds");
  std::ofstream(dir / "mystery.tiktoken") << "YQ== 0\n";
  expect_mentions(load_error(dir / "mystery.tiktoken"), {"mystery", "unknown tiktoken encoding", "o200k_base"});
  std::ofstream(dir / "vocab.txt") << "a\n";
  expect_mentions(load_error(dir / "vocab.txt"), {(dir / "vocab.txt").string(), "unknown tokenizer file type"});
  expect_mentions(load_error(dir / "absent.json"), {(dir / "absent.json").string(), "no such"});
  const auto empty = test::scratch_dir("empty_model_dir");
  expect_mentions(load_error(empty), {empty.string(), "no tokenizer.json"});
}

}  // namespace
}  // namespace rbench::runtime
