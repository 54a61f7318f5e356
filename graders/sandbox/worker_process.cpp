// A grader child process: spawn, exchange with deadline, kill, post-mortem. See worker_process.h.
#include "graders/sandbox/worker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "graders/sandbox/memory_limit.h"
#include "graders/sandbox/protocol.h"

extern char** environ;

namespace rbench::graders::sandbox {
namespace {

constexpr auto kExitGrace = std::chrono::milliseconds(500);

std::string describe_signal(int sig) {
  const char* name = ::sigdescr_np(sig);
  return "signal " + std::to_string(sig) + " (" + (name ? name : "unknown") + ")";
}

}  // namespace

WorkerProcess::WorkerProcess(const PoolOptions& options) {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    throw std::runtime_error(std::string("socketpair for a grader worker failed: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], 0);  // dup2 clears CLOEXEC on fd 0
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGXCPU);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  const std::string exe = options.worker_exe.string();
  std::vector<std::string> args = {exe, "--memory-bytes", std::to_string(options.memory_limit_bytes),
                                   "--cpu-seconds", std::to_string(options.cpu_seconds)};
  if (options.enable_hostile_probes) args.push_back("--enable-hostile-probes");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, exe.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(sockets[1]);
  if (rc != 0) {
    ::close(sockets[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start grader worker " + exe + ": " + std::strerror(rc));
  }
  socket_fd_ = sockets[0];
  ::fcntl(socket_fd_, F_SETFL, ::fcntl(socket_fd_, F_GETFL) | O_NONBLOCK);
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (socket_fd_ >= 0) ::close(socket_fd_);
}

std::vector<Verdict> WorkerProcess::exchange(const GradeRequest& request, double timeout_seconds) {
  if (pid_ <= 0) return failure_verdicts(reason::kWorkerCrash, "the worker is not running");
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(timeout_seconds));
  IoStatus status = write_frame_until(socket_fd_, encode_request(request), deadline);
  std::vector<std::string> reply;
  if (status == IoStatus::Ok) status = read_frame_until(socket_fd_, reply, deadline);
  if (status == IoStatus::Ok) {
    try {
      return decode_verdicts(reply);
    } catch (const std::exception& e) {
      ::kill(pid_, SIGKILL);
      std::vector<Verdict> failed = post_mortem(false);
      for (Verdict& v : failed) v.detail = std::string("malformed reply: ") + e.what();
      return failed;
    }
  }
  if (status == IoStatus::TimedOut) {
    ::kill(pid_, SIGKILL);
    return post_mortem(true);
  }
  return post_mortem(false);
}

std::vector<Verdict> WorkerProcess::post_mortem(bool killed_for_timeout) {
  int status = 0;
  pid_t reaped = 0;
  const auto give_up = Clock::now() + kExitGrace;
  while ((reaped = ::waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (reaped == 0) {  // closed its socket but did not exit: make sure it is gone
    ::kill(pid_, SIGKILL);
    reaped = ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  ::close(socket_fd_);
  socket_fd_ = -1;
  if (killed_for_timeout) return failure_verdicts(reason::kTimeout, "killed after the wall-clock limit");
  if (reaped > 0 && WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU || sig == SIGKILL) {
      return failure_verdicts(reason::kResourceLimit, "CPU time limit: " + describe_signal(sig));
    }
    if (sig == SIGXFSZ) return failure_verdicts(reason::kResourceLimit, "file size limit: " + describe_signal(sig));
    return failure_verdicts(reason::kWorkerCrash, "worker died of " + describe_signal(sig));
  }
  if (reaped > 0 && WIFEXITED(status) && WEXITSTATUS(status) == kOutOfMemoryExitCode) {
    return failure_verdicts(reason::kResourceLimit, "memory limit: the worker (an AddressSanitizer build) ran out "
                                                    "of its data-mapping budget (RLIMIT_DATA)");
  }
  if (reaped > 0 && WIFEXITED(status)) {
    return failure_verdicts(reason::kWorkerCrash, "worker exited with code " + std::to_string(WEXITSTATUS(status)));
  }
  return failure_verdicts(reason::kWorkerCrash, "worker vanished");
}

}  // namespace rbench::graders::sandbox
