// A fresh per-test directory under RBENCH_TEST_TMP for the training tests. Removal goes through nftw because
// std::filesystem::remove_all resolves to a copy inside libtorch.so that crashes on non-empty directories (a
// second run of a test found its previous output there).
#pragma once

#include <ftw.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rbench::training_test {

inline std::filesystem::path temp_dir(const std::string& name) {
  const char* root = std::getenv("RBENCH_TEST_TMP");
  const std::filesystem::path dir = std::filesystem::path(root ? root : "/tmp") / ("training-" + name);
  nftw(dir.c_str(), [](const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }, 16,
       FTW_DEPTH | FTW_PHYS);
  if (std::filesystem::exists(dir)) throw std::runtime_error("cannot empty the test directory " + dir.string());
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace rbench::training_test
