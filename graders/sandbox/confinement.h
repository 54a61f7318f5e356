// What a grader worker does to itself after start-up, before it reads any untrusted input: resource limits
// (memory (memory_limit.h), CPU time, no file writes, few descriptors, no child processes, no core dumps) and a seccomp
// allow-list that leaves it read/write on its socket, memory management, clocks and exit. Everything else
// (open, socket, connect, execve, fork/clone, kill...) fails with EPERM.
#pragma once

#include <cstddef>

namespace rbench::graders::sandbox {

struct ConfinementLimits {
  std::size_t address_space_bytes = std::size_t{2} << 30;
  double cpu_seconds_per_request = 8.0;
};

// Throws std::runtime_error naming the limit that could not be set.
void apply_resource_limits(const ConfinementLimits& limits);

// Before each request: the CPU limit becomes "time used so far + cpu_seconds_per_request" (SIGXCPU past it).
void renew_cpu_budget(const ConfinementLimits& limits);

// Installs the seccomp filter (irreversible). Throws std::runtime_error when the kernel refuses it.
void install_syscall_filter();

}  // namespace rbench::graders::sandbox
