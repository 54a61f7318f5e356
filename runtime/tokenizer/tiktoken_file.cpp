// Reader of tiktoken rank files. Each line is a base64-encoded token, a space and its rank; ranks are the ids.
// The file does not carry the split pattern or the special tokens, so the encoding is recognised by the file's
// name (o200k_base.tiktoken, cl100k_base.tiktoken, r50k_base / p50k_base / gpt2) and those come from here.
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/tokenizer/bpe_tokenizer.h"
#include "runtime/tokenizer/loaders.h"

namespace rbench::runtime::tokenizer {
namespace {

struct EncodingSpec {
  std::string_view name;
  std::string_view pattern;
  std::vector<AddedToken> specials;
};

std::vector<EncodingSpec> known_encodings() {
  return {
      {"o200k_base", o200k_split_pattern(), {{199999, "<|endoftext|>"}, {200018, "<|endofprompt|>"}}},
      {"cl100k_base",
       cl100k_split_pattern(),
       {{100257, "<|endoftext|>"},
        {100258, "<|fim_prefix|>"},
        {100259, "<|fim_middle|>"},
        {100260, "<|fim_suffix|>"},
        {100276, "<|endofprompt|>"}}},
      {"r50k_base", gpt2_split_pattern(), {{50256, "<|endoftext|>"}}},
      {"gpt2", gpt2_split_pattern(), {{50256, "<|endoftext|>"}}},
  };
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict standard base64 (padding required); nullopt when malformed.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    uint32_t group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int v;
      if (c == '=' && last && k >= 4 - padding) {
        v = 0;
      } else {
        v = base64_value(c);
        if (v < 0) return std::nullopt;
      }
      group = (group << 6) | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<char>(group >> 16));
    if (!(last && padding == 2)) out.push_back(static_cast<char>((group >> 8) & 0xFF));
    if (!(last && padding >= 1)) out.push_back(static_cast<char>(group & 0xFF));
  }
  return out;
}

}  // namespace

std::unique_ptr<Tokenizer> load_tiktoken_file(const std::filesystem::path& path) {
  const std::string where = path.string();
  const std::string encoding = path.stem().string();
  const EncodingSpec* spec = nullptr;
  const auto encodings = known_encodings();
  for (const auto& e : encodings) {
    if (e.name == encoding) spec = &e;
  }
  if (spec == nullptr) {
    std::string names;
    for (const auto& e : encodings) names += std::string(names.empty() ? "" : ", ") + std::string(e.name);
    throw std::runtime_error(where + ": unknown tiktoken encoding '" + encoding +
                             "' (the file name names the encoding; known: " + names + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(where + ": cannot open");

  std::vector<std::string> tokens;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string context = where + ":" + std::to_string(line_number);
    const std::size_t space = line.find(' ');
    if (space == std::string::npos) throw std::runtime_error(context + ": expected '<base64 token> <rank>'");
    const auto bytes = decode_base64(std::string_view(line).substr(0, space));
    if (!bytes) throw std::runtime_error(context + ": bad base64 '" + line.substr(0, space) + "'");
    std::size_t parsed = 0;
    long long rank = -1;
    try {
      rank = std::stoll(line.substr(space + 1), &parsed);
    } catch (const std::exception&) {
      parsed = 0;
    }
    if (parsed == 0 || space + 1 + parsed != line.size() || rank < 0 || rank >= INT32_MAX) {
      throw std::runtime_error(context + ": bad rank '" + line.substr(space + 1) + "'");
    }
    if (static_cast<std::size_t>(rank) >= tokens.size()) tokens.resize(static_cast<std::size_t>(rank) + 1);
    if (!tokens[rank].empty()) throw std::runtime_error(context + ": rank " + std::to_string(rank) + " given twice");
    tokens[rank] = std::move(*bytes);
  }
  if (tokens.empty()) throw std::runtime_error(where + ": no ranks in the file");

  BpeModel model = [&] {
    try {
      return BpeModel::from_ranks(std::move(tokens));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(where + ": " + e.what());
    }
  }();
  for (int b = 0; b < 256; ++b) {
    if (!model.byte_token(static_cast<unsigned char>(b))) {
      throw std::runtime_error(where + ": byte " + std::to_string(b) + " has no token (not a byte-level vocabulary)");
    }
  }
  return std::make_unique<BpeTokenizer>(std::move(model), SplitPattern(std::string(spec->pattern)),
                                        AddedTokens(spec->specials), "tiktoken " + encoding + " from " + where);
}

}  // namespace rbench::runtime::tokenizer
