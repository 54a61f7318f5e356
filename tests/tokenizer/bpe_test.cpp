// Behaviour of the byte-level BPE tokenizer beyond corpus parity: added tokens only when asked, rstrip,
// merge priority taken from the merges list, ids without tokens, whitespace runs and invalid UTF-8 input.
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/tokenizer.h"
#include "runtime/tokenizer/unicode_additions.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

const Tokenizer& o200k() {
  static const auto tokenizer = load_tokenizer(test::o200k_ranks_path());
  return *tokenizer;
}

TEST(TokenizerBpe, SpecialTokensOnlyWhenAsked) {
  const std::string text = "a<|endoftext|>b";
  const auto plain = o200k().encode(text);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 199999), 0);
  EXPECT_EQ(o200k().decode(plain), text);
  const auto with_special = o200k().encode(text, true);
  ASSERT_EQ(with_special.size(), 3u);
  EXPECT_EQ(with_special[1], 199999);
  EXPECT_EQ(o200k().decode(with_special), text);
  EXPECT_EQ(o200k().decode(with_special, /*skip_special=*/true), "ab");
}

TEST(TokenizerBpe, TiktokenVocabularyFacts) {
  EXPECT_EQ(o200k().vocab_size(), 200019);
  EXPECT_EQ(o200k().token_id("<|endofprompt|>"), 200018);
  EXPECT_TRUE(o200k().is_special(199999));
  EXPECT_FALSE(o200k().is_special(1000));
  EXPECT_EQ(o200k().token_id("<|user|>"), std::nullopt);  // a Phi token, not an o200k one
  const auto hello = o200k().token_id("hello");
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(o200k().encode("hello"), std::vector<int32_t>{*hello});
}

TEST(TokenizerBpe, IdWithoutTokenIsAnErrorNamingIt) {
  const std::vector<int32_t> hole = {199998};  // o200k leaves this id unused
  try {
    (void)o200k().decode(hole);
    FAIL() << "decoding an unused id must throw";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("199998"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)o200k().decode(std::vector<int32_t>{-1}), std::out_of_range);
  EXPECT_THROW((void)o200k().decode(std::vector<int32_t>{250000}), std::out_of_range);
}

TEST(TokenizerBpe, LongWhitespaceRunsAndInvalidUtf8RoundTrip) {
  const std::string spaces(100000, ' ');
  const auto ids = o200k().encode("x" + spaces + "y");
  EXPECT_EQ(o200k().decode(ids), "x" + spaces + "y");
  EXPECT_LT(ids.size(), 10000u);  // merged into long space tokens, not one id per byte
  const std::string invalid = "ok \xFF\xFE bytes \xE2\x82 cut";
  EXPECT_EQ(o200k().decode_bytes(o200k().encode(invalid)), invalid);
  EXPECT_EQ(o200k().decode(o200k().encode(invalid)), "ok \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD cut");
}

// A tiny tokenizer.json whose merges we choose, to see that their order (not the ids) decides.
std::filesystem::path tokenizer_with_merges(const std::string& name, const std::vector<std::array<std::string, 2>>& merges) {
  const auto dir = test::scratch_dir(name);
  write_tiny_tokenizer(dir, "", 0);
  std::ifstream in(dir / "tokenizer.json");
  auto doc = nlohmann::ordered_json::parse(in);
  in.close();
  auto& vocab = doc["model"]["vocab"];
  int next = 1000;
  for (const auto& m : merges) {
    if (!vocab.contains(m[0] + m[1])) vocab[m[0] + m[1]] = next++;
    doc["model"]["merges"].push_back({m[0], m[1]});
  }
  std::ofstream(dir / "tokenizer.json") << doc.dump();
  return dir;
}

TEST(TokenizerBpe, MergesApplyInListOrder) {
  const auto bc_first = load_tokenizer(tokenizer_with_merges("bc_first", {{"b", "c"}, {"a", "b"}}));
  const auto ab_first = load_tokenizer(tokenizer_with_merges("ab_first", {{"a", "b"}, {"b", "c"}}));
  const auto a = static_cast<int32_t>('a'), c = static_cast<int32_t>('c');
  EXPECT_EQ(bc_first->encode("abc"), (std::vector<int32_t>{a, *bc_first->token_id("bc")}));
  EXPECT_EQ(ab_first->encode("abc"), (std::vector<int32_t>{*ab_first->token_id("ab"), c}));
  EXPECT_EQ(bc_first->decode(bc_first->encode("abc abc")), "abc abc");
}

TEST(TokenizerBpe, RstripTokensSwallowFollowingWhitespace) {
  const auto dir = test::scratch_dir("rstrip");
  write_tiny_tokenizer(dir, "", 0);
  const auto tokenizer = load_tokenizer(dir);
  const int32_t user = *tokenizer->token_id("<|user|>");
  const int32_t end = *tokenizer->token_id("<|end|>");
  const int32_t endoftext = *tokenizer->token_id("<|endoftext|>");
  std::vector<int32_t> want = {user};
  for (const int32_t id : tokenizer->encode("hi ")) want.push_back(id);
  want.push_back(end);
  // <|user|> and <|end|> strip whitespace to their right; <|endoftext|> does not.
  EXPECT_EQ(tokenizer->encode("<|user|> \n\t hi <|end|>\n\n", true), want);
  const auto kept = tokenizer->encode("<|endoftext|> x", true);
  ASSERT_GE(kept.size(), 2u);
  EXPECT_EQ(kept[0], endoftext);
  EXPECT_EQ(tokenizer->decode(std::vector<int32_t>(kept.begin() + 1, kept.end())), " x");
}

TEST(TokenizerBpe, RemovedInvertedSplitReadsLikeIsolated) {
  // GPT-4o-style files write the split as behavior Removed with invert; for these patterns it cuts the same pieces.
  const auto dir = test::scratch_dir("removed_split");
  const std::string text = "Isn't 12345 a NUMBER?  Yes...\n\n  it is! 日本";
  write_tiny_tokenizer(dir, text, 20);
  const auto isolated = load_tokenizer(dir)->encode(text);
  std::ifstream in(dir / "tokenizer.json");
  auto doc = nlohmann::ordered_json::parse(in);
  in.close();
  auto& split = doc["pre_tokenizer"]["pretokenizers"][0];
  split["behavior"] = "Removed";
  split["invert"] = true;
  std::ofstream(dir / "tokenizer.json") << doc.dump();
  EXPECT_EQ(load_tokenizer(dir)->encode(text), isolated);
  split["invert"] = false;
  std::ofstream(dir / "tokenizer.json") << doc.dump();
  EXPECT_THROW((void)load_tokenizer(dir), std::runtime_error);
}

TEST(TokenizerBpe, SplitPatternGetsUnicode16Classes) {
  // \p{..} and \s are spelled out with the code points PCRE2 10.42 does not know (U+31350 is a CJK Extension H
  // letter since Unicode 15); inside a class they are appended, outside they become a class.
  const std::string expanded = tokenizer::with_unicode_additions(R"([^\s\p{L}]+|\p{N}{1,3}|\s+(?!\S)|\x{41})");
  EXPECT_NE(expanded.find("[^\\x{9}-\\x{D}"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("\\p{L}\\x{"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("\\x{31350}-\\x{323AF}"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("[\\p{N}\\x{"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("(?![^\\x{9}-\\x{D}"), std::string::npos) << expanded;
  EXPECT_NE(expanded.find("|\\x{41}"), std::string::npos) << expanded;
  EXPECT_EQ(expanded.find("\\s"), std::string::npos) << expanded;
  const std::string text = " \U00031350\U00031351 a\u180Eb";  // ids checked against tiktoken by TokenizerParity
  EXPECT_EQ(o200k().decode(o200k().encode(text)), text);
}

}  // namespace
}  // namespace rbench::runtime
