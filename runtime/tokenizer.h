// The public face of rbench's tokenizers: turn text into token ids and back for the checkpoints we run.
// One abstract Tokenizer covers byte-level BPE (a Hugging Face tokenizer.json or a tiktoken .tiktoken rank file)
// and SentencePiece (.model); load_tokenizer() picks the reader from the path. IncrementalDecoder streams text
// for generation without ever emitting a broken UTF-8 sequence; ChatTemplate renders a conversation in the
// format of a known model family, recognised from the checkpoint's tokenizer_config.json (Jinja is not executed).
// Everything here reports bad input as exceptions whose messages name the file, the entry and the value.
// A loaded Tokenizer is immutable: encode / decode may be called from several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rbench::runtime {

struct ChatMessage {
  std::string role;     // "system", "user" or "assistant"
  std::string content;
};

class Tokenizer {
 public:
  virtual ~Tokenizer();

  // Plain text gives ordinary tokens only; with allow_special the added tokens of the vocabulary
  // (e.g. "<|end|>", "<|user|>") written in the text become their ids, as in a rendered chat prompt.
  virtual std::vector<int32_t> encode(std::string_view text, bool allow_special = false) const = 0;

  // Valid UTF-8: byte sequences that are not valid UTF-8 become U+FFFD (one per maximal invalid subpart).
  // Throws std::out_of_range naming an id that has no token.
  std::string decode(std::span<const int32_t> ids, bool skip_special = false) const;

  // The raw bytes of the ids, not checked as UTF-8 (byte-level tokens may end inside a character).
  std::string decode_bytes(std::span<const int32_t> ids, bool skip_special = false) const;

  // The id of a token written as its text, e.g. "<|end|>"; ordinary tokens by their bytes.
  virtual std::optional<int32_t> token_id(std::string_view token) const = 0;

  // One past the highest id that has a token (ids below it may still be unused holes, e.g. o200k's 199998).
  virtual int32_t vocab_size() const = 0;

  // True for special (control) tokens: the ones decode(skip_special = true) leaves out.
  virtual bool is_special(int32_t id) const = 0;

  // Appends the bytes of one token to `out`. `first` says no bytes were decoded before it in this sequence
  // (SentencePiece drops the leading space of the first piece). Decoding is the concatenation of these, which makes streaming exact.
  virtual void append_token_bytes(std::string& out, int32_t id, bool first, bool skip_special) const = 0;

  // What was loaded, for logs and errors: e.g. "byte-level BPE from /m/tokenizer.json".
  virtual std::string description() const = 0;
};

// tokenizer.json | <encoding>.tiktoken (o200k_base, cl100k_base) | SentencePiece *.model | a model directory
// (holding tokenizer.json, else tokenizer.model, else one *.tiktoken file).
std::unique_ptr<Tokenizer> load_tokenizer(const std::filesystem::path& path);

// Streams decoded text one id at a time. Each piece returned is valid UTF-8; bytes of a character that is not
// complete yet are held back. The concatenation of all pieces and flush() equals tokenizer.decode(all ids).
class IncrementalDecoder {
 public:
  explicit IncrementalDecoder(const Tokenizer& tokenizer, bool skip_special = false);
  std::string push(int32_t id);
  std::string flush();  // emits held-back bytes (as U+FFFD when they never completed a character)

 private:
  const Tokenizer* tokenizer_;
  bool skip_special_;
  bool first_ = true;     // no bytes decoded yet
  std::string pending_;  // bytes not yet emitted: an incomplete UTF-8 sequence
};

// The prompt formats of the model families we run. Rendering produces text meant for
// encode(text, allow_special = true).
class ChatTemplate {
 public:
  // Reads model_dir/tokenizer_config.json and recognises its `chat_template` by distinctive markers; `name`
  // (e.g. from --chat-template) overrides detection. Throws naming the file when the template is unknown.
  static ChatTemplate for_model(const std::filesystem::path& model_dir, std::optional<std::string> name = {});
  // "phi4-flash", "phi4-mini-reasoning" or "plain"; throws listing the known names otherwise.
  static ChatTemplate by_name(std::string_view name);
  static std::vector<std::string> known_names();

  std::string render(std::span<const ChatMessage> messages, bool add_generation_prompt = true) const;
  std::string name() const;

 private:
  enum class Family { phi4_flash, phi4_mini_reasoning, plain };
  explicit ChatTemplate(Family family) : family_(family) {}
  Family family_;
};

// For tiny test checkpoints: writes model_dir/tokenizer.json (byte-level BPE: the 256 byte tokens, then up to
// n_merges merges learned from training_text, then Phi's special tokens <|endoftext|>, <|endofprompt|>,
// <|assistant|>, <|end|>, <|user|>, <|system|>, ... with the next ids) and tokenizer_config.json carrying the
// phi4-flash chat template. load_tokenizer(model_dir)->vocab_size() is the vocabulary size written.
void write_tiny_tokenizer(const std::filesystem::path& model_dir, std::string_view training_text, int n_merges);
int32_t tiny_tokenizer_vocab_size(const std::filesystem::path& model_dir);

}  // namespace rbench::runtime
