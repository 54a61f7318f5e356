// Tiny Phi-style tokenizers for test checkpoints. The vocabulary is the 256 single bytes (id = byte value),
// then merges learned from a training text by classic BPE training (count adjacent pairs inside the o200k
// pre-token pieces, merge the most frequent, repeat), then Phi-4's added tokens with their special / rstrip
// flags. The files follow Hugging Face's layout, so both our reader and HF `tokenizers` can load them.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "runtime/tokenizer.h"
#include "runtime/tokenizer/byte_level_alphabet.h"
#include "runtime/tokenizer/split_pattern.h"

namespace rbench::runtime {
namespace {

using tokenizer::ByteLevelAlphabet;
using tokenizer::SplitPattern;

struct PhiAddedToken {
  const char* content;
  bool special;
  bool rstrip;
};

// Phi-4-mini's added tokens in id order (sambay-spec.md section 1.5), without o200k's gaps.
constexpr PhiAddedToken kPhiAddedTokens[] = {
    {"<|endoftext|>", true, false},    {"<|endofprompt|>", true, false}, {"<|assistant|>", true, true},
    {"<|end|>", true, true},           {"<|user|>", true, true},         {"<|system|>", true, true},
    {"<|tool|>", false, true},         {"<|/tool|>", false, true},       {"<|tool_call|>", false, true},
    {"<|/tool_call|>", false, true},   {"<|tool_response|>", false, true}, {"<|tag|>", true, true},
};

// A chat template in the phi4-flash format (what ChatTemplate::for_model recognises as phi4-flash).
constexpr std::string_view kPhi4FlashTemplate =
    "{% for message in messages %}{% if message['role'] == 'system' and 'tools' in message and "
    "message['tools'] is not none %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|tool|>' + "
    "message['tools'] + '<|/tool|>' + '<|end|>' }}{% else %}{{ '<|' + message['role'] + '|>' + "
    "message['content'] + '<|end|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}"
    "{% else %}{{ eos_token }}{% endif %}";

struct LearnedMerge {
  int32_t left, right;
};

// Classic BPE training on the pre-token pieces of `text`: most frequent adjacent pair first, ties to the
// smallest (left, right) ids so the result is deterministic.
std::vector<LearnedMerge> learn_merges(std::string_view text, int n_merges, std::vector<std::string>& tokens) {
  const SplitPattern split{std::string(tokenizer::o200k_split_pattern())};
  std::unordered_map<std::string_view, int64_t> piece_counts;
  SplitPattern::Cursor cursor(split, text);
  std::string_view piece;
  while (cursor.next(piece)) ++piece_counts[piece];
  std::vector<std::pair<std::vector<int32_t>, int64_t>> words;
  for (const auto& [p, count] : piece_counts) {
    std::vector<int32_t> ids;
    for (unsigned char b : p) ids.push_back(b);
    words.emplace_back(std::move(ids), count);
  }
  std::vector<LearnedMerge> merges;
  for (int k = 0; k < n_merges; ++k) {
    std::map<std::pair<int32_t, int32_t>, int64_t> pair_counts;
    for (const auto& [ids, count] : words) {
      for (std::size_t i = 0; i + 1 < ids.size(); ++i) pair_counts[{ids[i], ids[i + 1]}] += count;
    }
    std::pair<int32_t, int32_t> best{-1, -1};
    int64_t best_count = 0;
    for (const auto& [pair, count] : pair_counts) {
      if (count > best_count) {
        best = pair;
        best_count = count;
      }
    }
    if (best_count < 2) break;  // nothing repeats: further merges would only memorise single words
    const auto merged = static_cast<int32_t>(tokens.size());
    tokens.push_back(tokens[best.first] + tokens[best.second]);
    merges.push_back({best.first, best.second});
    for (auto& [ids, count] : words) {
      std::vector<int32_t> next;
      next.reserve(ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == best.first && ids[i + 1] == best.second) {
          next.push_back(merged);
          ++i;
        } else {
          next.push_back(ids[i]);
        }
      }
      ids = std::move(next);
    }
  }
  return merges;
}

void write_json(const std::filesystem::path& file, const nlohmann::ordered_json& value) {
  std::ofstream out(file, std::ios::binary);
  if (!out) throw std::runtime_error(file.string() + ": cannot write");
  out << value.dump(1) << "\n";
  if (!out) throw std::runtime_error(file.string() + ": write failed");
}

}  // namespace

void write_tiny_tokenizer(const std::filesystem::path& model_dir, std::string_view training_text, int n_merges) {
  if (n_merges < 0) throw std::invalid_argument("write_tiny_tokenizer: n_merges must be >= 0");
  std::filesystem::create_directories(model_dir);
  std::vector<std::string> tokens;
  for (int b = 0; b < 256; ++b) tokens.emplace_back(1, static_cast<char>(b));
  const std::vector<LearnedMerge> merges = learn_merges(training_text, n_merges, tokens);

  const ByteLevelAlphabet alphabet;
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (std::size_t id = 0; id < tokens.size(); ++id) vocab[alphabet.encode(tokens[id])] = id;
  nlohmann::ordered_json merge_list = nlohmann::ordered_json::array();
  for (const auto& m : merges) merge_list.push_back({alphabet.encode(tokens[m.left]), alphabet.encode(tokens[m.right])});

  nlohmann::ordered_json added = nlohmann::ordered_json::array();
  nlohmann::ordered_json added_decoder = nlohmann::ordered_json::object();
  auto next_id = static_cast<int32_t>(tokens.size());
  for (const auto& t : kPhiAddedTokens) {
    nlohmann::ordered_json entry = {{"id", next_id},         {"content", t.content}, {"single_word", false},
                                    {"lstrip", false},       {"rstrip", t.rstrip},   {"normalized", false},
                                    {"special", t.special}};
    added.push_back(entry);
    // Listed in the vocab too: Hugging Face tokenizers keeps an added token's id only when the vocab has it.
    vocab[t.content] = next_id;
    entry.erase("id");
    added_decoder[std::to_string(next_id)] = entry;
    ++next_id;
  }

  nlohmann::ordered_json tokenizer_json = {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "Sequence"},
        {"pretokenizers",
         {{{"type", "Split"},
           {"pattern", {{"Regex", std::string(tokenizer::o200k_split_pattern())}}},
           {"behavior", "Isolated"},
           {"invert", false}},
          {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}}}}}},
      {"post_processor", nullptr},
      {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}}},
      {"model",
       {{"type", "BPE"},
        {"dropout", nullptr},
        {"unk_token", nullptr},
        {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr},
        {"fuse_unk", false},
        {"byte_fallback", false},
        {"ignore_merges", false},
        {"vocab", vocab},
        {"merges", merge_list}}}};
  write_json(model_dir / "tokenizer.json", tokenizer_json);

  nlohmann::ordered_json config = {
      {"add_bos_token", false},         {"add_eos_token", false},
      {"added_tokens_decoder", added_decoder},
      {"bos_token", "<|endoftext|>"},   {"chat_template", std::string(kPhi4FlashTemplate)},
      {"clean_up_tokenization_spaces", false},
      {"eos_token", "<|endoftext|>"},   {"model_max_length", 65536},
      {"pad_token", "<|endoftext|>"},   {"tokenizer_class", "GPT2Tokenizer"},
      {"unk_token", "<|endoftext|>"}};
  write_json(model_dir / "tokenizer_config.json", config);
}

int32_t tiny_tokenizer_vocab_size(const std::filesystem::path& model_dir) {
  return load_tokenizer(model_dir)->vocab_size();
}

}  // namespace rbench::runtime
