// rlimits and the seccomp allow-list for grader workers: see confinement.h.
#include "graders/sandbox/confinement.h"

#include "graders/sandbox/memory_limit.h"

#include <seccomp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace rbench::graders::sandbox {
namespace {

constexpr rlim_t kMaxOpenFiles = 8;

void set_limit(int resource, rlim_t soft, rlim_t hard, const char* name) {
  const rlimit limit{soft, hard};
  if (::setrlimit(resource, &limit) != 0) {
    throw std::runtime_error(std::string("setrlimit(") + name + ", " + std::to_string(soft) + ") failed: " +
                             std::strerror(errno));
  }
}

double cpu_seconds_used() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// What the sanitizer runtimes do inside a confined worker, allowed in sanitizer builds only. AddressSanitizer reads
// the alternate signal stack (sigaltstack(NULL, &old)) before every noreturn call, each throw included, and dies on
// a failed CHECK when refused. UndefinedBehaviorSanitizer's vptr check probes whether a vtable is readable by
// writing it into a fresh pipe; refused, it reports every exception object as "invalid vptr" (a false positive).
void allow_sanitizer_runtime(scmp_filter_ctx ctx) {
  if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 1, SCMP_A0(SCMP_CMP_EQ, 0)) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pipe2), 0) != 0 ||
      seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_GT, 2)) != 0) {
    throw std::runtime_error("seccomp: cannot allow the sanitizer runtime's sigaltstack, pipe2 and pipe writes");
  }
}

}  // namespace

void apply_resource_limits(const ConfinementLimits& limits) {
  apply_memory_limit(limits.address_space_bytes);  // RLIMIT_AS (RLIMIT_DATA under AddressSanitizer)
  set_limit(RLIMIT_FSIZE, 0, 0, "RLIMIT_FSIZE");
  set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE");
  set_limit(RLIMIT_NOFILE, kMaxOpenFiles, kMaxOpenFiles, "RLIMIT_NOFILE");
  set_limit(RLIMIT_NPROC, 0, 0, "RLIMIT_NPROC");
  renew_cpu_budget(limits);
}

void renew_cpu_budget(const ConfinementLimits& limits) {
  // The hard limit stays unlimited so the soft limit can be renewed per request; the pool's wall-clock
  // SIGKILL is the backstop.
  const auto soft = static_cast<rlim_t>(std::ceil(cpu_seconds_used() + limits.cpu_seconds_per_request));
  set_limit(RLIMIT_CPU, soft, RLIM_INFINITY, "RLIMIT_CPU");
}

void install_syscall_filter() {
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ERRNO(EPERM)), seccomp_release);
  if (!ctx) throw std::runtime_error("seccomp_init failed");
  auto allow = [&ctx](int syscall, const char* name) {
    if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, syscall, 0) != 0) {
      throw std::runtime_error(std::string("seccomp: cannot allow ") + name);
    }
  };
  // Its socket (fd 0) and stderr: read, write, poll.
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(read), 1, SCMP_A0(SCMP_CMP_EQ, 0)) != 0 ||
      seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_LE, 2)) != 0) {
    throw std::runtime_error("seccomp: cannot restrict read/write to the worker's socket");
  }
  allow(SCMP_SYS(close), "close");
  allow(SCMP_SYS(fstat), "fstat");
  allow(SCMP_SYS(newfstatat), "newfstatat");
  allow(SCMP_SYS(lseek), "lseek");
  // Memory.
  allow(SCMP_SYS(brk), "brk");
  allow(SCMP_SYS(mmap), "mmap");
  allow(SCMP_SYS(munmap), "munmap");
  allow(SCMP_SYS(mremap), "mremap");
  allow(SCMP_SYS(mprotect), "mprotect");
  allow(SCMP_SYS(madvise), "madvise");
  // Time, limits, signals, exit.
  allow(SCMP_SYS(clock_gettime), "clock_gettime");
  allow(SCMP_SYS(gettimeofday), "gettimeofday");
  allow(SCMP_SYS(getrusage), "getrusage");
  allow(SCMP_SYS(prlimit64), "prlimit64");
  allow(SCMP_SYS(setrlimit), "setrlimit");
  allow(SCMP_SYS(getrlimit), "getrlimit");
  allow(SCMP_SYS(futex), "futex");
  allow(SCMP_SYS(getrandom), "getrandom");
  allow(SCMP_SYS(rt_sigreturn), "rt_sigreturn");
  allow(SCMP_SYS(rt_sigprocmask), "rt_sigprocmask");
  allow(SCMP_SYS(getpid), "getpid");
  allow(SCMP_SYS(gettid), "gettid");
  // abort() raising SIGABRT on itself, and no other process.
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                       SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(::getpid()))) != 0) {
    throw std::runtime_error("seccomp: cannot allow tgkill on itself");
  }
  allow(SCMP_SYS(exit), "exit");
  allow(SCMP_SYS(exit_group), "exit_group");
  if constexpr (built_with_address_sanitizer()) allow_sanitizer_runtime(ctx.get());
  if (seccomp_load(ctx.get()) != 0) throw std::runtime_error("seccomp_load failed");
}

}  // namespace rbench::graders::sandbox
