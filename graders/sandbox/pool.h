// The sandboxed grading pool: n child processes of rbench-grader, each confined (rlimits + seccomp), fed from
// one thread-safe queue. Every request ends as verdicts: a worker that runs past the wall-clock timeout is
// SIGKILLed ("timeout"), one that dies is classified ("resource_limit" for CPU/memory limits, "worker_crash"
// otherwise) and replaced by a fresh worker for the next request. Never an exception or a hang in the caller.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "graders/verdict.h"

namespace rbench::graders::sandbox {

struct PoolOptions {
  std::filesystem::path worker_exe;                         // the rbench-grader binary
  int n_workers = 2;                                        // child processes grading in parallel
  double timeout_seconds = 10.0;                            // wall clock per request, then SIGKILL
  std::size_t memory_limit_bytes = std::size_t{2} << 30;    // RLIMIT_AS of each worker
  double cpu_seconds = 8.0;                                 // RLIMIT_CPU budget per request
  bool enable_hostile_probes = false;                       // tests only: workers accept "hostile:<probe>"
};

// Verdicts for both extraction rules with the same failure reason: what the pool returns when a worker fails.
std::vector<Verdict> failure_verdicts(std::string_view reason, const std::string& detail);

class WorkerProcess;

class GraderPool {
 public:
  // Throws std::invalid_argument when the worker executable does not exist or n_workers < 1.
  explicit GraderPool(PoolOptions options);
  ~GraderPool();  // finishes the queued requests, then stops the workers
  GraderPool(const GraderPool&) = delete;
  GraderPool& operator=(const GraderPool&) = delete;

  // Thread-safe. The future always receives verdicts (one per extraction rule, primary first).
  std::future<std::vector<Verdict>> submit(GradeRequest request);

  // Workers started to replace one that died or was killed.
  std::size_t n_respawns() const { return n_respawns_.load(); }

 private:
  struct Job {
    GradeRequest request;
    std::promise<std::vector<Verdict>> promise;
  };
  void serve_slot();

  PoolOptions options_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<std::size_t> n_respawns_{0};
  std::vector<std::thread> slots_;
};

}  // namespace rbench::graders::sandbox
