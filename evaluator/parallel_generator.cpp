// Engines in parallel threads over one job queue (see parallel_generator.h).
#include "evaluator/parallel_generator.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rbench::evaluator {

ParallelGenerator::ParallelGenerator(std::vector<std::unique_ptr<Generator>> engines, int batch_per_engine)
    : engines_(std::move(engines)), batch_per_engine_(std::max(1, batch_per_engine)) {
  if (engines_.empty()) throw std::invalid_argument("ParallelGenerator: no engines");
}

ModelDescription ParallelGenerator::describe() const {
  ModelDescription d = engines_.front()->describe();
  for (std::size_t i = 1; i < engines_.size(); ++i) d.device += "," + engines_[i]->describe().device;
  return d;
}

std::size_t ParallelGenerator::pull_size(std::size_t remaining, std::size_t n_engines, std::size_t batch) {
  const std::size_t share = (remaining + 2 * n_engines - 1) / (2 * n_engines);
  return std::min(remaining, std::clamp(share, batch, 4 * batch));
}

void ParallelGenerator::generate(std::vector<GenerationJob> jobs, const Sampling& sampling,
                                 const std::function<void(GenerationResult)>& on_done) {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<GenerationJob> queue(std::make_move_iterator(jobs.begin()), std::make_move_iterator(jobs.end()));
  std::deque<GenerationResult> results;
  std::size_t running = engines_.size();
  bool stop = false;  // an engine or on_done failed: start nothing new
  std::exception_ptr first_error;

  auto engine_loop = [&](Generator& engine) {
    try {
      for (;;) {
        std::vector<GenerationJob> pulled;
        {
          std::lock_guard lock(mutex);
          if (stop || queue.empty()) break;
          const std::size_t n = pull_size(queue.size(), engines_.size(), static_cast<std::size_t>(batch_per_engine_));
          for (std::size_t i = 0; i < n; ++i) {
            pulled.push_back(std::move(queue.front()));
            queue.pop_front();
          }
        }
        engine.generate(std::move(pulled), sampling, [&](GenerationResult r) {
          std::lock_guard lock(mutex);
          results.push_back(std::move(r));
          ready.notify_one();
        });
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!first_error) first_error = std::current_exception();
      stop = true;
    }
    std::lock_guard lock(mutex);
    --running;
    ready.notify_one();
  };

  std::vector<std::thread> threads;
  threads.reserve(engines_.size());
  for (auto& engine : engines_) threads.emplace_back(engine_loop, std::ref(*engine));

  // The calling thread delivers results (the caller's writer is not shared with the engine threads).
  try {
    std::unique_lock lock(mutex);
    for (;;) {
      ready.wait(lock, [&] { return !results.empty() || running == 0; });
      if (results.empty()) break;  // every engine has stopped and everything was delivered
      GenerationResult r = std::move(results.front());
      results.pop_front();
      lock.unlock();
      on_done(std::move(r));
      lock.lock();
    }
  } catch (...) {
    std::lock_guard lock(mutex);
    if (!first_error) first_error = std::current_exception();
    stop = true;
  }
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

GeneratorStats ParallelGenerator::stats() const {
  GeneratorStats total;
  total.engines = 0;
  for (const auto& engine : engines_) {
    const GeneratorStats s = engine->stats();
    total.decode_steps += s.decode_steps;
    total.decode_tokens += s.decode_tokens;
    total.max_in_flight = std::max(total.max_in_flight, s.max_in_flight);
    total.graphs_captured += s.graphs_captured;
    total.slots += s.slots;
    total.engines += s.engines;
  }
  return total;
}

}  // namespace rbench::evaluator
