// Pre-tokenization: the regular expression that cuts text into pieces before BPE (words with their leading
// space, digit groups, punctuation runs, whitespace runs). Compiled once with PCRE2 in UTF mode with Unicode
// properties (\p{L}, \s as Unicode) and JIT. Text the pattern does not cover becomes pieces of its own (the
// Hugging Face "Isolated" split); invalid UTF-8 never matches, so it lands in such gaps.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace rbench::runtime::tokenizer {

// The split patterns of the encodings we know (the strings tiktoken publishes for them).
std::string_view o200k_split_pattern();
std::string_view cl100k_split_pattern();
std::string_view gpt2_split_pattern();

class SplitPattern {
 public:
  // Throws std::invalid_argument with PCRE2's message and offset when the pattern does not compile.
  explicit SplitPattern(std::string pattern);
  ~SplitPattern();
  SplitPattern(SplitPattern&&) noexcept;
  SplitPattern& operator=(SplitPattern&&) noexcept;

  // Walks the pieces of one text in order; the pieces concatenate to the text. Not shareable between threads
  // (it owns the match state); the SplitPattern it reads must outlive it.
  class Cursor {
   public:
    Cursor(const SplitPattern& pattern, std::string_view text);
    ~Cursor();
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    bool next(std::string_view& piece);

   private:
    struct MatchState;
    const SplitPattern* pattern_;
    std::string_view text_;
    std::size_t pos_ = 0;      // where the next match attempt starts
    std::size_t emitted_ = 0;  // end of the last piece given out
    std::size_t pending_start_ = 0, pending_end_ = 0;  // a match found behind a gap, given out next
    std::unique_ptr<MatchState> state_;
    bool use_additions_;  // the text holds code points newer than PCRE2's tables (see unicode_additions.h)
  };

  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace rbench::runtime::tokenizer
