// The incremental detokenizer: streamed pieces are valid UTF-8 one by one, ids that cut a character in the
// middle are held back until it completes, and the concatenation always equals the full decode.
#include <random>

#include "runtime/tokenizer.h"
#include "runtime/tokenizer/utf8.h"
#include "tests/tokenizer/test_support.h"

namespace rbench::runtime {
namespace {

bool is_valid_utf8(const std::string& s) {
  std::string checked;
  tokenizer::append_utf8_lossy(checked, s);
  return checked == s && s.find("\xEF\xBF\xBD") == std::string::npos;
}

struct Streamed {
  std::string text;
  int held_back = 0;  // pushes that returned nothing while bytes were pending
  bool all_pieces_valid = true;
};

Streamed stream(const Tokenizer& tokenizer, const std::vector<int32_t>& ids, bool skip_special = false) {
  Streamed out;
  IncrementalDecoder decoder(tokenizer, skip_special);
  for (const int32_t id : ids) {
    const std::string piece = decoder.push(id);
    if (piece.empty()) ++out.held_back;
    std::string checked;
    tokenizer::append_utf8_lossy(checked, piece);
    out.all_pieces_valid = out.all_pieces_valid && checked == piece;
    out.text += piece;
  }
  out.text += decoder.flush();
  return out;
}

const Tokenizer& o200k() {
  static const auto tokenizer = load_tokenizer(test::o200k_ranks_path());
  return *tokenizer;
}

TEST(TokenizerStreaming, PiecesAreValidAndConcatenateToTheDecode) {
  const std::string text = "Emoji 🧑🏿‍🚀👨‍👩‍👧‍👦 CJK 日本語テキスト 中文 combining e\u0301\u0302 math ∑√∞ <|end|>";
  const auto ids = o200k().encode(text);
  const Streamed s = stream(o200k(), ids);
  EXPECT_EQ(s.text, text);
  EXPECT_TRUE(s.all_pieces_valid);
  EXPECT_GT(s.held_back, 0) << "the text should contain tokens that end inside a character";
}

TEST(TokenizerStreaming, RandomByteTokensMatchTheLossyDecode) {
  std::vector<int32_t> byte_ids;
  for (int b = 0; b < 256; ++b) byte_ids.push_back(*o200k().token_id(std::string(1, static_cast<char>(b))));
  std::mt19937 rng(1234);
  // Mostly bytes of real multi-byte characters, with random bytes mixed in to make invalid sequences.
  const std::string material = "é日😀Ω\xF0\x9F\x98\xE2\x82\xAC";
  for (int round = 0; round < 200; ++round) {
    std::vector<int32_t> ids;
    for (int k = 0; k < 40; ++k) {
      const unsigned char b = rng() % 4 == 0 ? static_cast<unsigned char>(rng() % 256)
                                             : static_cast<unsigned char>(material[rng() % material.size()]);
      ids.push_back(byte_ids[b]);
    }
    const Streamed s = stream(o200k(), ids);
    ASSERT_EQ(s.text, o200k().decode(ids)) << "round " << round;
    ASSERT_TRUE(s.all_pieces_valid) << "round " << round;
  }
}

TEST(TokenizerStreaming, HeldBackBytesAreFlushedAsReplacement) {
  const std::vector<int32_t> ids = {*o200k().token_id("\xF0"), *o200k().token_id("\x9F")};
  IncrementalDecoder decoder(o200k());
  EXPECT_EQ(decoder.push(ids[0]), "");
  EXPECT_EQ(decoder.push(ids[1]), "");
  EXPECT_EQ(decoder.flush(), "\xEF\xBF\xBD");
  EXPECT_EQ(o200k().decode(ids), "\xEF\xBF\xBD");
}

TEST(TokenizerStreaming, SkipSpecialMatchesDecode) {
  const auto ids = o200k().encode("one<|endoftext|>two", true);
  const Streamed s = stream(o200k(), ids, /*skip_special=*/true);
  EXPECT_EQ(s.text, "onetwo");
  EXPECT_EQ(s.text, o200k().decode(ids, true));
  EXPECT_TRUE(is_valid_utf8(s.text));
}

}  // namespace
}  // namespace rbench::runtime
