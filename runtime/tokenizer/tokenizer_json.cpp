// Reader of Hugging Face tokenizer.json files whose model is byte-level BPE (GPT-2, GPT-4o / o200k and Phi-4
// style). Vocabulary and merges are written in the GPT-2 byte alphabet; added_tokens carry the authoritative ids
// and flags of special tokens. Features that would change the ids and that we do not implement (normalizers,
// prefix spaces, dropout, subword prefixes, single-word added tokens) are refused by name rather than ignored.
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/tokenizer/bpe_tokenizer.h"
#include "runtime/tokenizer/byte_level_alphabet.h"
#include "runtime/tokenizer/loaders.h"

namespace rbench::runtime::tokenizer {
namespace {

using nlohmann::json;

// Hugging Face's ByteLevel pre-tokenizer regex (used when use_regex is true): the GPT-2 pattern.
constexpr std::string_view kByteLevelRegex =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class JsonReader {
 public:
  explicit JsonReader(std::string where) : where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(where_ + ": " + what); }

  const json& field(const json& object, const char* name, const std::string& path) const {
    if (!object.is_object()) fail(path + " is not an object");
    const auto it = object.find(name);
    if (it == object.end()) fail("missing field " + path + "." + name);
    return *it;
  }

  bool flag(const json& object, const char* name, bool fallback, const std::string& path) const {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) fail(path + "." + name + " is not true/false");
    return it->get<bool>();
  }

  bool null_or_empty(const json& object, const char* name) const {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()) ||
           (it->is_number() && it->get<double>() == 0.0) || (it->is_boolean() && !it->get<bool>());
  }

  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// The split regex from pre_tokenizer (a Split + ByteLevel sequence, or ByteLevel with its own regex).
// Split "Isolated" keeps text between matches as pieces, "Removed" with invert drops it (like tiktoken). We always
// keep it: the patterns of byte-level vocabularies match all valid UTF-8, so only invalid bytes (which HF and
// tiktoken cannot receive, being given strings) ever fall between matches, and those should not vanish.
std::string read_split_pattern(const JsonReader& r, const json& pre) {
  if (pre.is_null()) r.fail("pre_tokenizer is null: a byte-level BPE needs a ByteLevel pre-tokenizer");
  const std::string type = r.field(pre, "type", "pre_tokenizer").get<std::string>();
  auto check_byte_level = [&](const json& node, const std::string& path, bool regex_expected) {
    if (r.flag(node, "add_prefix_space", false, path)) r.fail(path + ".add_prefix_space=true is not supported");
    if (r.flag(node, "use_regex", true, path) != regex_expected) {
      r.fail(path + ".use_regex must be " + std::string(regex_expected ? "true" : "false") + " here");
    }
  };
  if (type == "ByteLevel") {
    check_byte_level(pre, "pre_tokenizer", true);
    return std::string(kByteLevelRegex);
  }
  if (type != "Sequence") r.fail("unsupported pre_tokenizer type '" + type + "' (expected Sequence or ByteLevel)");
  const json& steps = r.field(pre, "pretokenizers", "pre_tokenizer");
  if (!steps.is_array() || steps.size() != 2) {
    r.fail("pre_tokenizer.pretokenizers: expected [Split, ByteLevel], got " + steps.dump().substr(0, 200));
  }
  const json& split = steps[0];
  if (r.field(split, "type", "pre_tokenizer.pretokenizers[0]") != "Split") {
    r.fail("pre_tokenizer.pretokenizers[0] must be a Split");
  }
  const std::string split_path = "pre_tokenizer.pretokenizers[0]";
  const json& pattern = r.field(split, "pattern", split_path);
  if (!pattern.contains("Regex") || !pattern["Regex"].is_string()) r.fail(split_path + ".pattern must be {\"Regex\": ...}");
  const std::string behavior = r.field(split, "behavior", split_path).get<std::string>();
  const bool invert = r.flag(split, "invert", false, split_path);
  if (!(behavior == "Isolated" && !invert) && !(behavior == "Removed" && invert)) {
    r.fail(split_path + ": behavior " + behavior + " with invert=" + (invert ? "true" : "false") +
           " is not supported (Isolated without invert, or Removed with invert)");
  }
  if (r.field(steps[1], "type", "pre_tokenizer.pretokenizers[1]") != "ByteLevel") {
    r.fail("pre_tokenizer.pretokenizers[1] must be ByteLevel");
  }
  check_byte_level(steps[1], "pre_tokenizer.pretokenizers[1]", false);
  return pattern["Regex"].get<std::string>();
}

// The two halves of a merge entry: "left right" or ["left", "right"].
std::pair<std::string, std::string> merge_halves(const JsonReader& r, const json& entry, std::size_t index) {
  const std::string path = "model.merges[" + std::to_string(index) + "]";
  if (entry.is_string()) {
    const std::string s = entry.get<std::string>();
    const std::size_t space = s.find(' ');
    if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
      r.fail(path + " ('" + s + "'): expected two tokens separated by one space");
    }
    return {s.substr(0, space), s.substr(space + 1)};
  }
  if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_string()) {
    return {entry[0].get<std::string>(), entry[1].get<std::string>()};
  }
  r.fail(path + ": expected \"left right\" or [\"left\", \"right\"], got " + entry.dump().substr(0, 200));
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_json(const std::filesystem::path& path) {
  const JsonReader r(path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) r.fail("cannot open");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    r.fail(std::string("invalid JSON (") + e.what() + ")");
  }
  if (!root.is_object()) r.fail("top level is not a JSON object");
  if (root.contains("normalizer") && !root["normalizer"].is_null()) {
    r.fail("normalizer " + root["normalizer"].dump().substr(0, 100) + " is not supported (byte-level BPE has none)");
  }
  if (root.contains("decoder") && !root["decoder"].is_null() &&
      r.field(root["decoder"], "type", "decoder") != "ByteLevel") {
    r.fail("decoder type " + root["decoder"]["type"].dump() + " is not supported (expected ByteLevel)");
  }
  const std::string pattern = read_split_pattern(r, root.contains("pre_tokenizer") ? root["pre_tokenizer"] : json());

  const json& model = r.field(root, "model", "");
  if (model.contains("type") && model["type"] != "BPE") r.fail("model.type " + model["type"].dump() + " is not BPE");
  for (const char* unsupported : {"dropout", "continuing_subword_prefix", "end_of_word_suffix", "byte_fallback"}) {
    if (!r.null_or_empty(model, unsupported)) r.fail(std::string("model.") + unsupported + " is not supported");
  }
  const bool ignore_merges = r.flag(model, "ignore_merges", false, "model");

  // Vocabulary: stand-in text -> id, and id -> bytes.
  const ByteLevelAlphabet alphabet;
  const json& vocab = r.field(model, "vocab", "model");
  if (!vocab.is_object()) r.fail("model.vocab is not an object");
  std::unordered_map<std::string, int32_t> id_of_text;
  id_of_text.reserve(vocab.size());
  std::vector<std::string> token_bytes;
  for (const auto& [text, id_json] : vocab.items()) {
    if (!id_json.is_number_integer() || id_json.get<long long>() < 0 || id_json.get<long long>() >= INT32_MAX) {
      r.fail("model.vocab[\"" + text + "\"]: id " + id_json.dump() + " is not a non-negative integer");
    }
    const auto id = static_cast<int32_t>(id_json.get<long long>());
    auto bytes = alphabet.decode(text);
    if (!bytes || bytes->empty()) r.fail("model.vocab[\"" + text + "\"]: not a byte-level token text");
    if (static_cast<std::size_t>(id) >= token_bytes.size()) token_bytes.resize(static_cast<std::size_t>(id) + 1);
    if (!token_bytes[id].empty()) r.fail("model.vocab[\"" + text + "\"]: id " + std::to_string(id) + " used twice");
    token_bytes[id] = std::move(*bytes);
    id_of_text.emplace(text, id);
  }

  const json& merges_json = r.field(model, "merges", "model");
  if (!merges_json.is_array()) r.fail("model.merges is not an array");
  std::vector<BpeModel::Merge> merges;
  merges.reserve(merges_json.size());
  for (std::size_t i = 0; i < merges_json.size(); ++i) {
    // Named members, not a structured binding: clang before 16 cannot capture bindings in the lambda below.
    const auto halves = merge_halves(r, merges_json[i], i);
    const std::string& left = halves.first;
    const std::string& right = halves.second;
    auto id_or_fail = [&](const std::string& text, const char* role) {
      const auto it = id_of_text.find(text);
      if (it == id_of_text.end()) {
        r.fail("model.merges[" + std::to_string(i) + "] ('" + left + " " + right + "'): " + role + " token '" + text +
               "' is not in the vocab");
      }
      return it->second;
    };
    const int32_t left_id = id_or_fail(left, "left");
    const int32_t right_id = id_or_fail(right, "right");
    const int32_t merged_id = id_or_fail(left + right, "merged");
    merges.push_back({left_id, right_id, merged_id});
  }

  std::vector<AddedToken> added;
  if (root.contains("added_tokens") && !root["added_tokens"].is_null()) {
    const json& list = root["added_tokens"];
    if (!list.is_array()) r.fail("added_tokens is not an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = "added_tokens[" + std::to_string(i) + "]";
      const json& entry = list[i];
      AddedToken t;
      const json& id = r.field(entry, "id", p);
      const json& content = r.field(entry, "content", p);
      if (!id.is_number_integer() || id.get<long long>() < 0) r.fail(p + ".id " + id.dump() + " is not an id");
      if (!content.is_string() || content.get<std::string>().empty()) r.fail(p + ".content is not a non-empty string");
      t.id = static_cast<int32_t>(id.get<long long>());
      t.content = content.get<std::string>();
      t.special = r.flag(entry, "special", false, p);
      t.lstrip = r.flag(entry, "lstrip", false, p);
      t.rstrip = r.flag(entry, "rstrip", false, p);
      if (r.flag(entry, "single_word", false, p)) r.fail(p + " (" + t.content + "): single_word is not supported");
      // An added token may repeat an ordinary token (same id, same bytes); a different id is a conflict.
      if (static_cast<std::size_t>(t.id) < token_bytes.size() && !token_bytes[t.id].empty() &&
          token_bytes[t.id] != t.content) {
        r.fail(p + " (" + t.content + "): id " + std::to_string(t.id) + " is already the vocab token '" +
               alphabet.encode(token_bytes[t.id]) + "'");
      }
      added.push_back(std::move(t));
    }
  }

  BpeModel bpe = [&] {
    try {
      return BpeModel::from_merges(std::move(token_bytes), merges, ignore_merges);
    } catch (const std::invalid_argument& e) {
      r.fail(std::string("model.vocab: ") + e.what());
    }
  }();
  for (int b = 0; b < 256; ++b) {
    if (!bpe.byte_token(static_cast<unsigned char>(b))) {
      r.fail("model.vocab has no token for byte " + std::to_string(b) + " (required by byte-level BPE)");
    }
  }
  SplitPattern split = [&] {
    try {
      return SplitPattern(pattern);
    } catch (const std::invalid_argument& e) {
      r.fail(std::string("pre_tokenizer: ") + e.what());
    }
  }();
  return std::make_unique<BpeTokenizer>(std::move(bpe), std::move(split), AddedTokens(std::move(added)),
                                        "byte-level BPE from " + r.where());
}

}  // namespace rbench::runtime::tokenizer
