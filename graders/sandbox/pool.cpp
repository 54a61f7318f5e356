// The grading pool: a queue served by one thread per worker slot. See pool.h.
#include "graders/sandbox/pool.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "graders/sandbox/worker_process.h"

namespace rbench::graders::sandbox {

std::vector<Verdict> failure_verdicts(std::string_view reason, const std::string& detail) {
  return {Verdict{false, "", std::string(kPrimaryRule), std::string(reason), detail, ""},
          Verdict{false, "", std::string(kStrictRule), std::string(reason), detail, ""}};
}

GraderPool::GraderPool(PoolOptions options) : options_(std::move(options)) {
  if (options_.n_workers < 1) {
    throw std::invalid_argument("GraderPool: n_workers must be at least 1, got " + std::to_string(options_.n_workers));
  }
  if (!std::filesystem::is_regular_file(options_.worker_exe)) {
    throw std::invalid_argument("GraderPool: worker executable " + options_.worker_exe.string() + " not found");
  }
  for (int i = 0; i < options_.n_workers; ++i) slots_.emplace_back([this] { serve_slot(); });
}

GraderPool::~GraderPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : slots_) t.join();
}

std::future<std::vector<Verdict>> GraderPool::submit(GradeRequest request) {
  Job job{std::move(request), {}};
  std::future<std::vector<Verdict>> result = job.promise.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) throw std::logic_error("GraderPool::submit after the pool began shutting down");
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
  return result;
}

void GraderPool::serve_slot() {
  std::optional<WorkerProcess> worker;
  bool started_before = false;
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    std::vector<Verdict> verdicts;
    try {
      if (!worker || !worker->alive()) {
        worker.reset();
        worker.emplace(options_);
        if (started_before) ++n_respawns_;
        started_before = true;
      }
      verdicts = worker->exchange(job.request, options_.timeout_seconds);
    } catch (const std::exception& e) {
      worker.reset();
      verdicts = failure_verdicts(reason::kWorkerCrash, e.what());
    }
    job.promise.set_value(std::move(verdicts));
  }
}

}  // namespace rbench::graders::sandbox
