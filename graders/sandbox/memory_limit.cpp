// The grader worker's memory limit: RLIMIT_AS, or RLIMIT_DATA over the start-up baseline under AddressSanitizer.
// See memory_limit.h.
#include "graders/sandbox/memory_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#if RBENCH_GRADER_ADDRESS_SANITIZER
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#endif

namespace rbench::graders::sandbox {
namespace {

void set_limit(int resource, rlim_t bytes, const char* name) {
  const rlimit limit{bytes, bytes};
  if (::setrlimit(resource, &limit) != 0) {
    throw std::runtime_error(std::string("setrlimit(") + name + ", " + std::to_string(bytes) + ") failed: " +
                             std::strerror(errno));
  }
}

#if RBENCH_GRADER_ADDRESS_SANITIZER
// The kernel's count of this process's private writable mappings (mm->data_vm), what RLIMIT_DATA is checked
// against. Measured on the dev VM: about 14 TiB right after an ASan start-up, all of it the shadow reservation.
std::size_t data_mapping_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmData:", 0) == 0) return std::stoull(line.substr(7)) * 1024;  // "VmData:  1234 kB"
  }
  throw std::runtime_error("grader memory limit: no VmData line in /proc/self/status (needed for RLIMIT_DATA)");
}

// ASan's callbacks are plain function pointers, so what the report said must outlive the call in a process-wide
// flag; it is written once, just before the process dies.
std::atomic<bool> report_was_out_of_memory{false};

void remember_out_of_memory_report(const char* report) {
  if (std::strstr(report, "out of memory") != nullptr || std::strstr(report, "out-of-memory") != nullptr)
    report_was_out_of_memory.store(true);
}

// Runs as ASan dies. Out of memory is either the report above (a large allocation refused) or a failed mapping
// in ASan's own size-class allocator ("ERROR: Failed to mmap", which skips the report): then a small fresh
// mapping fails too. Any other death (a real ASan finding, a crash) goes on to ASan's usual exit.
void exit_as_resource_limit_when_out_of_memory() {
  constexpr std::size_t kProbeBytes = std::size_t{1} << 16;
  void* probe = ::mmap(nullptr, kProbeBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (report_was_out_of_memory.load() || probe == MAP_FAILED) ::_exit(kOutOfMemoryExitCode);
  ::munmap(probe, kProbeBytes);
}
#endif

}  // namespace

void apply_memory_limit(std::size_t budget_bytes) {
#if RBENCH_GRADER_ADDRESS_SANITIZER
  set_limit(RLIMIT_DATA, data_mapping_bytes() + budget_bytes, "RLIMIT_DATA");
  __asan_set_error_report_callback(remember_out_of_memory_report);
  __sanitizer_set_death_callback(exit_as_resource_limit_when_out_of_memory);
#else
  set_limit(RLIMIT_AS, budget_bytes, "RLIMIT_AS");
#endif
}

}  // namespace rbench::graders::sandbox
