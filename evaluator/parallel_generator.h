// Several engines (one per GPU, or several on the CPU) behind one Generator: each engine generates in its own
// thread, pulling jobs from one shared queue, so a faster device takes more of them; finished results are handed to
// the caller's on_done on the calling thread, so the single database writer stays single. Sampling is seeded per
// job, so which engine runs a job does not change its tokens.
#pragma once

#include <memory>
#include <vector>

#include "evaluator/generator.h"

namespace rbench::evaluator {

class ParallelGenerator : public Generator {
 public:
  // batch_per_engine: the jobs an engine runs at once (its --max-batch); a pull from the queue takes at least that
  // many, so each engine's continuous batch starts full. Throws std::invalid_argument without engines.
  ParallelGenerator(std::vector<std::unique_ptr<Generator>> engines, int batch_per_engine);

  // The first engine's model; device lists every engine's device, comma-separated.
  ModelDescription describe() const override;
  // If an engine throws, the others finish the jobs they hold, no new jobs start, and the first error is rethrown
  // after every thread has stopped; the same when on_done throws.
  void generate(std::vector<GenerationJob> jobs, const Sampling& sampling,
                const std::function<void(GenerationResult)>& on_done) override;
  // Steps, tokens, graphs and slots summed; max_in_flight the largest of any engine; engines counted.
  GeneratorStats stats() const override;

  // Jobs one pull takes from `remaining`: about a (2 x engines)-th of what is left, so the tail spreads over all
  // engines, clamped to [batch, 4 x batch].
  static std::size_t pull_size(std::size_t remaining, std::size_t n_engines, std::size_t batch);

 private:
  std::vector<std::unique_ptr<Generator>> engines_;
  int batch_per_engine_;
};

}  // namespace rbench::evaluator
