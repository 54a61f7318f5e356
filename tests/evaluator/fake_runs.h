// Fixtures for the evaluator's reporting tests: two small fake tasks, fake "models" (the fake generator under a
// chosen model path), a helper that stores a complete run of one, and the accuracy such a run must have, computed
// from the plan's seeds alone (the fake answers correctly exactly when a sample's seed is even), independently of
// the results engine under test.
#pragma once

#include <string>
#include <vector>

#include "evaluator/plan.h"
#include "evaluator/runner.h"
#include "fakes.h"

namespace rbench::evaluator::testing {

inline std::vector<tasks::Task> fake_tasks() {
  std::vector<tasks::Task> out;
  for (auto [name, n] : {std::pair{"alpha", 12}, std::pair{"beta", 8}}) {
    tasks::Task t;
    t.name = name;
    t.version = "1";
    t.grader = "math";
    t.source_sha256 = std::string("sha-") + name;
    for (int i = 0; i < n; ++i) {
      std::string gold = std::to_string(i * 3);
      t.problems.push_back({std::string(name) + "-" + (i < 10 ? "0" : "") + std::to_string(i), "q gold=" + gold, gold,
                            {}});
    }
    out.push_back(std::move(t));
  }
  return out;
}

inline RunConfig fake_config(uint64_t seed, int n_samples) {
  RunConfig c;
  c.suite = "unit";
  c.tasks = {{"alpha", n_samples}, {"beta", n_samples}};
  c.seed = seed;
  c.max_batch = 4;
  return c;
}

class ModelFake : public FakeGenerator {
 public:
  explicit ModelFake(std::string path) : path_(std::move(path)) {}
  ModelDescription describe() const override { return {path_, "fake", "cfg-" + path_, "w-" + path_, 7, "cpu"}; }

 private:
  std::string path_;
};

inline RunOutcome run_fake(results::Database& db, const RunConfig& config, const std::string& model_path,
                           int64_t fail_every = 0) {
  auto tasks = fake_tasks();
  ModelFake generator(model_path);
  generator.fail_every = fail_every;
  ExactGrading grading;
  Progress progress(false);
  return run_evaluation(config, tasks, generator, grading, db, progress, {});
}

// Per problem of `task`, the share of its samples whose seed is even (what the fake gets right).
inline std::vector<double> expected_per_problem(const tasks::Task& task, int n_samples, uint64_t run_seed) {
  std::vector<double> out;
  for (const auto& p : task.problems) {
    int correct = 0;
    for (int k = 0; k < n_samples; ++k) correct += sample_seed(run_seed, task.name, p.id, k) % 2 == 0;
    out.push_back(static_cast<double>(correct) / n_samples);
  }
  return out;
}

inline double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

}  // namespace rbench::evaluator::testing
