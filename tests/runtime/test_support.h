// Shared helpers of the runtime tests: tiny random checkpoints in a per-test temporary directory.
#pragma once

#include <ftw.h>
#include <stdio.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <ATen/Parallel.h>

#include "runtime/tools.h"

namespace rbench::runtime::test {

// std::filesystem::remove_all resolves to a copy inside libtorch.so that crashes on non-empty directories, so
// removal goes through nftw.
inline void remove_tree(const std::filesystem::path& dir) {
  nftw(dir.c_str(), [](const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }, 16,
       FTW_DEPTH | FTW_PHYS);
}

inline std::filesystem::path temp_dir(const std::string& name) {
  const char* root = std::getenv("RBENCH_TEST_TMP");
  auto dir = std::filesystem::path(root ? root : "/tmp") / ("runtime-" + name);
  remove_tree(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Tiny models are slower with more intra-op threads on a shared 2-core machine (spinning workers).
inline const bool kSingleThreaded = (at::set_num_threads(1), true);

inline std::filesystem::path tiny_checkpoint(const std::string& name, TinyCheckpointOptions options = {}) {
  options.out_dir = temp_dir(name);
  make_tiny_checkpoint(options);
  return options.out_dir;
}

}  // namespace rbench::runtime::test
