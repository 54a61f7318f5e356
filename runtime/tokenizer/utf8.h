// UTF-8 helpers shared by decoding and streaming: lossy validation with the "maximal subpart" rule (the same
// replacement Python's errors="replace" and Rust's from_utf8_lossy make), and the length of a trailing
// incomplete-but-still-valid sequence that a streaming decoder must hold back.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rbench::runtime::tokenizer {

// Appends `bytes` to `out`, each maximal invalid subpart replaced by U+FFFD.
void append_utf8_lossy(std::string& out, std::string_view bytes);

// Number of bytes at the end of `bytes` that form a valid prefix of a multi-byte character still
// waiting for its continuation bytes (0..3).
std::size_t incomplete_utf8_tail(std::string_view bytes);

// Length of the UTF-8 character starting at bytes[pos] when valid, else 0.
std::size_t valid_utf8_char_length(std::string_view bytes, std::size_t pos);

}  // namespace rbench::runtime::tokenizer
