// Test-only hostile probes: see hostile_probes.h.
#include "graders/sandbox/hostile_probes.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace rbench::graders::sandbox {
namespace {

Verdict report(bool blocked, const std::string& what) {
  Verdict v;
  v.rule = "probe";
  v.reason = std::string(reason::kOk);
  v.detail = (blocked ? "blocked: " : "ALLOWED: ") + what + (blocked ? std::string(" (") + std::strerror(errno) + ")" : "");
  return v;
}

// Allocates blocks of `block_bytes` (each written) until refused, up to 64 GiB: far past any limit the pool sets.
// Large blocks come from mmap, small ones from the allocator's arenas (ASan's size-class regions): both must stop.
Verdict memory_bomb(std::size_t block_bytes) {
  constexpr std::size_t kTotalBytes = std::size_t{64} << 30;
  std::vector<std::unique_ptr<char[]>> blocks;
  blocks.reserve(1024);
  for (std::size_t allocated = 0; allocated < kTotalBytes; allocated += block_bytes) {
    blocks.emplace_back(new char[block_bytes]);
    std::memset(blocks.back().get(), 1, block_bytes);
  }
  return report(false, "allocated 64 GiB in blocks of " + std::to_string(block_bytes) + " bytes");
}

Verdict cpu_bomb() {
  volatile unsigned long spin = 0;
  while (true) spin = spin + 1;
}

}  // namespace

std::optional<Verdict> run_hostile_probe(const GradeRequest& request) {
  const std::string prefix = "hostile:";
  if (request.grader.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string probe = request.grader.substr(prefix.size());
  if (probe == "memory") return memory_bomb(std::size_t{64} << 20);
  if (probe == "memory_small") return memory_bomb(4096);
  if (probe == "cpu") return cpu_bomb();
  if (probe == "fork") {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    if (child > 0) ::waitpid(child, nullptr, 0);
    return report(child < 0, "fork");
  }
  if (probe == "exec") {
    char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
    ::execv("/bin/true", argv);
    return report(true, "execv /bin/true");
  }
  if (probe == "file_write") {
    const int fd = ::open("/tmp/rbench-grader-probe", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) ::close(fd);
    return report(fd < 0, "open /tmp/rbench-grader-probe for writing");
  }
  if (probe == "network") {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0) ::close(fd);
    return report(fd < 0, "socket(AF_INET)");
  }
  if (probe == "crash") {
    std::raise(SIGSEGV);
    return report(false, "raise(SIGSEGV) returned");
  }
  Verdict v;
  v.reason = std::string(reason::kBadRequest);
  v.detail = "unknown probe " + probe;
  return v;
}

}  // namespace rbench::graders::sandbox
