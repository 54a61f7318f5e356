// Shared helpers of the tokenizer tests: the environment the test runner provides (data folder, Python,
// scratch folder) and running a command whose failure should fail the test with its output.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace rbench::test {

inline std::string env_or_throw(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') throw std::runtime_error(std::string("environment variable ") + name + " is not set");
  return value;
}

inline std::filesystem::path o200k_ranks_path() {
  return std::filesystem::path(env_or_throw("RBENCH_TEST_DATA")) / "tokenizers" / "o200k_base.tiktoken";
}

// A fresh scratch folder for one test; the process id keeps tests that ctest runs in parallel apart.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::path(env_or_throw("RBENCH_TEST_TMP")) / "tokenizer" /
                   (name + "." + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs a shell command; returns its combined output, throws with that output when it fails.
inline std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run: " + command);
  char buffer[4096];
  while (const std::size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  if (status != 0) throw std::runtime_error("command failed (" + std::to_string(status) + "): " + command + "\n" + output);
  return output;
}

}  // namespace rbench::test
