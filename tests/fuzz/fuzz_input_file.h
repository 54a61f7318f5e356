// The loaders that take a path (safetensors, config.json, tokenizer.json) read the fuzz input from a file: one
// per process under $TMPDIR (or /tmp), rewritten for every input, named as the loader expects.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace rbench::fuzz {

inline std::filesystem::path write_input_file(const std::string& file_name, const uint8_t* data, size_t size) {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
                              ("rbench-fuzz-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / file_name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace rbench::fuzz
