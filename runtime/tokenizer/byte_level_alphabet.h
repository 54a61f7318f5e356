// The GPT-2 byte-level alphabet: every byte value has a printable stand-in character, so a vocabulary of byte
// strings can be stored as JSON text (tokenizer.json's vocab and merges). Bytes 0x21..0x7E, 0xA1..0xAC and
// 0xAE..0xFF stand for themselves (as code points); the other 68 bytes map to U+0100 upwards in byte order.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace rbench::runtime::tokenizer {

class ByteLevelAlphabet {
 public:
  ByteLevelAlphabet();
  // Byte string -> its stand-in text (UTF-8).
  std::string encode(std::string_view bytes) const;
  // Stand-in text -> byte string; nullopt when a character is not in the alphabet.
  std::optional<std::string> decode(std::string_view text) const;

 private:
  std::array<char32_t, 256> char_of_byte_{};
  std::array<int, 324> byte_of_char_{};  // index: code point (all stand-ins are below U+0144); -1 = none
};

}  // namespace rbench::runtime::tokenizer
