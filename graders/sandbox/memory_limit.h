// The grader worker's memory limit. In a normal build it is RLIMIT_AS: the address space a worker may map, so
// a runaway allocation fails with std::bad_alloc and the worker answers "resource_limit" itself. A binary built
// with AddressSanitizer cannot run under RLIMIT_AS (ASan reserves terabytes of shadow and allocator space at
// start-up, so every later mmap fails), so there the limit is RLIMIT_DATA set to the data mappings the worker
// holds once started plus the same budget: the kernel counts every private writable mapping made afterwards,
// the shadow reservation is already inside the baseline. ASan does not throw bad_alloc (its operator new reports
// out-of-memory and dies), so in that build a worker stopped by the limit exits with kOutOfMemoryExitCode, which
// the pool classifies as "resource_limit"; any other ASan report still ends as a crash.
#pragma once

#include <cstddef>

namespace rbench::graders::sandbox {

// Exit status of a sanitizer-built worker that its memory limit stopped (unused by normal builds).
constexpr int kOutOfMemoryExitCode = 86;

// 1 when this translation unit is compiled with AddressSanitizer: GCC defines __SANITIZE_ADDRESS__, clang answers
// __has_feature (nested, because a GCC without __has_feature cannot even parse the call).
#if defined(__SANITIZE_ADDRESS__)
#define RBENCH_GRADER_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RBENCH_GRADER_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef RBENCH_GRADER_ADDRESS_SANITIZER
#define RBENCH_GRADER_ADDRESS_SANITIZER 0
#endif

// true when this binary was compiled with AddressSanitizer (the memory limit is then RLIMIT_DATA).
constexpr bool built_with_address_sanitizer() { return RBENCH_GRADER_ADDRESS_SANITIZER != 0; }

// Limits the worker to `budget_bytes` of memory as described above. Must run before the seccomp filter (it reads
// /proc/self/status in sanitizer builds). Throws std::runtime_error naming the limit that could not be set.
void apply_memory_limit(std::size_t budget_bytes);

}  // namespace rbench::graders::sandbox
