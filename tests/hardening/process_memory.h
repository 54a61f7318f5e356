// The resident set size of this process, read from /proc/self/status (VmRSS), for tests that check memory
// stays flat while work streams through.
#pragma once

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

namespace rbench::hardening {

inline int64_t resident_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  throw std::runtime_error("/proc/self/status has no VmRSS line");
}

}  // namespace rbench::hardening
