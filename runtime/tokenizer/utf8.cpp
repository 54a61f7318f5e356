// Lossy UTF-8 validation following the Unicode "maximal subpart" practice (Unicode 15, section 3.9, U+FFFD
// substitution): a truncated but well-formed prefix counts as one invalid subpart, any other bad byte as one.
#include "runtime/tokenizer/utf8.h"

namespace rbench::runtime::tokenizer {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Valid range of the second byte for a given lead byte (Unicode table 3-7); the others are 0x80..0xBF.
bool second_byte_ok(unsigned char lead, unsigned char b) {
  if (lead == 0xE0) return b >= 0xA0 && b <= 0xBF;
  if (lead == 0xED) return b >= 0x80 && b <= 0x9F;
  if (lead == 0xF0) return b >= 0x90 && b <= 0xBF;
  if (lead == 0xF4) return b >= 0x80 && b <= 0x8F;
  return b >= 0x80 && b <= 0xBF;
}

std::size_t expected_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // continuation byte or a lead byte that never starts a valid character
}

// How many bytes starting at pos form a well-formed prefix of a character (stops at the first bad byte).
std::size_t valid_prefix_length(std::string_view s, std::size_t pos, std::size_t need) {
  std::size_t n = 1;
  const auto lead = static_cast<unsigned char>(s[pos]);
  while (n < need && pos + n < s.size()) {
    const auto b = static_cast<unsigned char>(s[pos + n]);
    const bool ok = n == 1 ? second_byte_ok(lead, b) : (b >= 0x80 && b <= 0xBF);
    if (!ok) break;
    ++n;
  }
  return n;
}

}  // namespace

std::size_t valid_utf8_char_length(std::string_view bytes, std::size_t pos) {
  const std::size_t need = expected_length(static_cast<unsigned char>(bytes[pos]));
  if (need == 0) return 0;
  return valid_prefix_length(bytes, pos, need) == need ? need : 0;
}

void append_utf8_lossy(std::string& out, std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    // Copy runs of ASCII quickly: they are the common case.
    std::size_t run = pos;
    while (run < bytes.size() && static_cast<unsigned char>(bytes[run]) < 0x80) ++run;
    out.append(bytes.substr(pos, run - pos));
    pos = run;
    if (pos >= bytes.size()) break;
    const std::size_t need = expected_length(static_cast<unsigned char>(bytes[pos]));
    if (need == 0) {
      out.append(kReplacement);
      ++pos;
      continue;
    }
    const std::size_t got = valid_prefix_length(bytes, pos, need);
    if (got == need) {
      out.append(bytes.substr(pos, need));
    } else {
      out.append(kReplacement);
    }
    pos += got;
  }
}

std::size_t incomplete_utf8_tail(std::string_view bytes) {
  // A pending sequence is at most 3 bytes long; look for its lead byte among the last three.
  const std::size_t n = bytes.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const std::size_t pos = n - back;
    const auto b = static_cast<unsigned char>(bytes[pos]);
    if (b >= 0x80 && b <= 0xBF) continue;  // a continuation byte: keep looking for the lead
    const std::size_t need = expected_length(b);
    if (need <= back) return 0;  // ASCII, invalid lead, or a sequence that is already complete
    return valid_prefix_length(bytes, pos, need) == back ? back : 0;
  }
  return 0;
}

}  // namespace rbench::runtime::tokenizer
