// A dataset source file read once into memory together with the sha256 of exactly those bytes, so the hash
// recorded for a task always describes the bytes that were parsed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace rbench::tasks {

struct SourceFile {
  std::filesystem::path path;
  std::string bytes;
  std::string sha256;  // lowercase hex
};

// Throws DatasetError naming the path when the file is missing or unreadable.
SourceFile read_source_file(const std::filesystem::path& path);

// Lowercase hex sha256 of `bytes` (OpenSSL libcrypto).
std::string sha256_hex(std::string_view bytes);

}  // namespace rbench::tasks
