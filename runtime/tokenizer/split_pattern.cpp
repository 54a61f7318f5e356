// PCRE2 wrapper for the split pattern. Matching uses one match-data block per call so a compiled pattern can
// be shared by threads; when the JIT's default machine stack is too small (very long whitespace runs with the
// look-ahead alternative), the match is retried with a larger JIT stack made for that call.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "runtime/tokenizer/split_pattern.h"

#include <pcre2.h>

#include <stdexcept>

#include "runtime/tokenizer/unicode_additions.h"

namespace rbench::runtime::tokenizer {

std::string_view o200k_split_pattern() {
  static constexpr std::string_view kPattern =
      R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
      R"(|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?)"
      R"(|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  return kPattern;
}

std::string_view cl100k_split_pattern() {
  static constexpr std::string_view kPattern =
      R"('(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$)"
      R"(|\s*[\r\n]|\s+(?!\S)|\s)";
  return kPattern;
}

std::string_view gpt2_split_pattern() {
  static constexpr std::string_view kPattern =
      R"('(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s)";
  return kPattern;
}

namespace {

pcre2_code* compile_or_throw(const std::string& source, const std::string& pattern, const char* form) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error_code, &error_offset,
                                   nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof(message));
    throw std::invalid_argument("split pattern does not compile at offset " + std::to_string(error_offset) + " of its " +
                                form + " form: " + reinterpret_cast<const char*>(message) + " (pattern: " + pattern + ")");
  }
  // Without JIT the interpreter still gives the same pieces, only slower.
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  return code;
}

}  // namespace

// Two compilations of one pattern: as written (fast: PCRE2's own property tables) and with the Unicode additions
// spelled out (exact for the few texts holding code points newer than PCRE2's tables, but several times slower).
struct SplitPattern::Compiled {
  pcre2_code* as_written = nullptr;
  pcre2_code* with_additions = nullptr;
  ~Compiled() {
    pcre2_code_free(as_written);
    pcre2_code_free(with_additions);
  }
};

SplitPattern::SplitPattern(std::string pattern) : pattern_(std::move(pattern)), compiled_(new Compiled) {
  compiled_->as_written = compile_or_throw(pattern_, pattern_, "written");
  compiled_->with_additions = compile_or_throw(with_unicode_additions(pattern_), pattern_, "Unicode-extended");
}

SplitPattern::~SplitPattern() = default;
SplitPattern::SplitPattern(SplitPattern&&) noexcept = default;
SplitPattern& SplitPattern::operator=(SplitPattern&&) noexcept = default;

struct SplitPattern::Cursor::MatchState {
  pcre2_match_data* match = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* big_stack = nullptr;
  ~MatchState() {
    pcre2_match_data_free(match);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(big_stack);
  }
};

SplitPattern::Cursor::Cursor(const SplitPattern& pattern, std::string_view text)
    : pattern_(&pattern), text_(text), state_(new MatchState) {
  use_additions_ = needs_unicode_additions(text);
  state_->match = pcre2_match_data_create_from_pattern(
      use_additions_ ? pattern.compiled_->with_additions : pattern.compiled_->as_written, nullptr);
}

SplitPattern::Cursor::~Cursor() = default;

bool SplitPattern::Cursor::next(std::string_view& piece) {
  if (pending_end_ > pending_start_) {
    piece = text_.substr(pending_start_, pending_end_ - pending_start_);
    emitted_ = pending_end_;
    pending_start_ = pending_end_ = 0;
    return true;
  }
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text_.data());
  pcre2_code* code = use_additions_ ? pattern_->compiled_->with_additions : pattern_->compiled_->as_written;
  while (pos_ < text_.size()) {
    int rc = pcre2_match(code, subject, text_.size(), pos_, 0, state_->match, state_->context);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && state_->big_stack == nullptr) {
      state_->big_stack = pcre2_jit_stack_create(64 * 1024, 256 * 1024 * 1024, nullptr);
      state_->context = pcre2_match_context_create(nullptr);
      pcre2_jit_stack_assign(state_->context, nullptr, state_->big_stack);
      rc = pcre2_match(code, subject, text_.size(), pos_, 0, state_->match, state_->context);
    }
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR message[256];
      pcre2_get_error_message(rc, message, sizeof(message));
      throw std::runtime_error("split pattern failed at byte " + std::to_string(pos_) + ": " +
                               reinterpret_cast<const char*>(message));
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state_->match);
    const std::size_t start = ovector[0];
    const std::size_t end = ovector[1];
    if (end == start) {  // an empty match covers nothing: step over one byte and let the gap take it
      pos_ = start + 1;
      continue;
    }
    pos_ = end;
    if (start > emitted_) {  // text the pattern skipped is a piece of its own, before the match
      piece = text_.substr(emitted_, start - emitted_);
      pending_start_ = start;
      pending_end_ = end;
      emitted_ = start;
      return true;
    }
    piece = text_.substr(start, end - start);
    emitted_ = end;
    return true;
  }
  pos_ = text_.size();
  if (emitted_ < text_.size()) {
    piece = text_.substr(emitted_);
    emitted_ = text_.size();
    return true;
  }
  return false;
}

}  // namespace rbench::runtime::tokenizer
