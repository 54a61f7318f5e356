// One rbench-grader child process seen from the pool: started with posix_spawn (the pool needs the raw socket
// for poll() deadlines and the pid for SIGKILL; Boost.Process would only wrap the same calls), one request at a
// time with a wall-clock deadline, and a post-mortem that turns the way it died into a verdict reason.
#pragma once

#include <sys/types.h>

#include <vector>

#include "graders/sandbox/pool.h"

namespace rbench::graders::sandbox {

class WorkerProcess {
 public:
  // Throws std::runtime_error when the process cannot be started.
  explicit WorkerProcess(const PoolOptions& options);
  ~WorkerProcess();  // SIGKILL and reap when still running
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Sends the request and waits for the reply until the timeout. On any failure the process is killed and
  // reaped, alive() turns false, and the verdicts carry the reason.
  std::vector<Verdict> exchange(const GradeRequest& request, double timeout_seconds);
  bool alive() const { return pid_ > 0; }

 private:
  // Reaps the dead (or killed) child and explains its end.
  std::vector<Verdict> post_mortem(bool killed_for_timeout);

  pid_t pid_ = -1;
  int socket_fd_ = -1;
};

}  // namespace rbench::graders::sandbox
