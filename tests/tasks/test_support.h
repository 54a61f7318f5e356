// Helpers shared by the tasks tests: the environment the build gives tests, a fresh scratch folder per test
// under RBENCH_TEST_TMP, and writing fixture files made by code (never committed data files).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace rbench::tasks::testing {

inline std::string required_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') throw std::runtime_error(std::string("test needs env ") + name);
  return value;
}

// An empty folder named after the running test, under RBENCH_TEST_TMP.
inline std::filesystem::path scratch_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir = std::filesystem::path(required_env("RBENCH_TEST_TMP")) / "tasks" /
                   (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::filesystem::path write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write fixture " + path.string());
  return path;
}

}  // namespace rbench::tasks::testing
