// Exact parity of our byte-level BPE with OpenAI's tiktoken and Hugging Face tokenizers on the parity corpus
// (every benchmark text plus generated hard cases), through both of our readers: the o200k_base.tiktoken
// rank file and a Phi-4-style tokenizer.json generated from it. Oracle ids come from
// scripts/reference/tokenizer_oracle.py, run here with the project's Python.
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

struct OracleRow {
  std::string text;
  std::vector<int32_t> tiktoken, tiktoken_special, hf;
};

std::vector<OracleRow> read_oracle(const std::filesystem::path& file) {
  std::vector<OracleRow> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    rows.push_back({j["text"], j["tiktoken"], j["tiktoken_special"], j["hf"]});
  }
  return rows;
}

std::string describe_first_difference(const std::string& text, const std::vector<int32_t>& want,
                                      const std::vector<int32_t>& got) {
  std::size_t i = 0;
  while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
  auto at = [](const std::vector<int32_t>& v, std::size_t k) { return k < v.size() ? std::to_string(v[k]) : "end"; };
  return "text '" + text.substr(0, 80) + "...': first difference at id " + std::to_string(i) + " (want " + at(want, i) +
         ", got " + at(got, i) + ")";
}

class TokenizerParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::scratch_dir("parity");
    const std::string python = test::env_or_throw("RBENCH_PYTHON");
    const std::string source = test::env_or_throw("RBENCH_SOURCE_DIR");
    const std::string ranks = test::o200k_ranks_path().string();
    test::run_command(python + " " + source + "/scripts/make_phi4_tokenizer_json.py --ranks " + ranks + " --out " +
                      dir_.string() + " --model-dir");
    test::run_command(python + " " + source + "/scripts/reference/tokenizer_oracle.py --data " +
                      test::env_or_throw("RBENCH_TEST_DATA") + " --ranks " + ranks + " --tokenizer-json " +
                      (dir_ / "tokenizer.json").string() + " --out " + (dir_ / "oracle.jsonl").string());
    rows_ = read_oracle(dir_ / "oracle.jsonl");
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }  // 15 MB per run otherwise
  static inline std::filesystem::path dir_;
  static inline std::vector<OracleRow> rows_;
};

void expect_parity(const Tokenizer& tokenizer, const std::vector<OracleRow>& rows, bool special_from_hf) {
  ASSERT_GT(rows.size(), 1000u);
  std::size_t mismatches = 0, round_trip_failures = 0;
  for (const auto& row : rows) {
    const auto ordinary = tokenizer.encode(row.text);
    const auto& want_special = special_from_hf ? row.hf : row.tiktoken_special;
    const auto with_special = tokenizer.encode(row.text, true);
    if (ordinary != row.tiktoken) {
      if (++mismatches <= 5) ADD_FAILURE() << "ordinary: " << describe_first_difference(row.text, row.tiktoken, ordinary);
    }
    if (with_special != want_special) {
      if (++mismatches <= 5) ADD_FAILURE() << "special: " << describe_first_difference(row.text, want_special, with_special);
    }
    if (tokenizer.decode(ordinary) != row.text || tokenizer.decode(row.tiktoken_special) != row.text) {
      if (++round_trip_failures <= 5) ADD_FAILURE() << "round trip failed for '" << row.text.substr(0, 80) << "'";
    }
  }
  EXPECT_EQ(mismatches, 0u) << "of " << rows.size() << " texts";
  EXPECT_EQ(round_trip_failures, 0u);
}

TEST_F(TokenizerParity, TiktokenFileMatchesTiktokenExactly) {
  // The corpus must contain the categories the parity claim is about.
  auto any = [&](std::string_view needle) {
    for (const auto& r : rows_) {
      if (r.text.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(any("\xF0\x9F\x91\xA8\xE2\x80\x8D"));  // a ZWJ emoji sequence
  EXPECT_TRUE(any("IT'LL"));
  EXPECT_TRUE(any("12345678901234567890"));
  EXPECT_TRUE(any(std::string(1000, ' ')));
  EXPECT_TRUE(any("<|user|>"));
  EXPECT_TRUE(any("\\boxed"));
  const auto tokenizer = load_tokenizer(test::o200k_ranks_path());
  EXPECT_EQ(tokenizer->vocab_size(), 200019);
  expect_parity(*tokenizer, rows_, /*special_from_hf=*/false);
}

TEST_F(TokenizerParity, GeneratedTokenizerJsonMatchesTiktokenAndHuggingFace) {
  const auto tokenizer = load_tokenizer(dir_);
  EXPECT_EQ(tokenizer->vocab_size(), 200029);
  EXPECT_EQ(tokenizer->token_id("<|end|>"), 200020);
  EXPECT_EQ(tokenizer->token_id("<|user|>"), 200021);
  expect_parity(*tokenizer, rows_, /*special_from_hf=*/true);
}

}  // namespace
}  // namespace rbench::runtime
