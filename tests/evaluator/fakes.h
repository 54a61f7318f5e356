// Test doubles for the evaluator: a generator that answers from the sample seed (no model) and can be told to
// fail some jobs or die part-way, and a grading that compares the boxed answer with the gold in-process.
#pragma once

#include <stdexcept>
#include <string>

#include "evaluator/generator.h"
#include "evaluator/grading.h"

namespace rbench::evaluator::testing {

// Answers job k with the gold of its problem when the seed is even, else with "wrong". The gold is looked up in the
// prompt: fake tasks put "gold=<answer>" in the question.
class FakeGenerator : public Generator {
 public:
  int64_t die_after = -1;       // throw after this many results (a crash mid-run)
  int64_t fail_every = 0;       // every n-th job fails with finish_reason "error"
  int64_t max_seen_batch = 0;
  int64_t n_calls = 0;
  int64_t n_results = 0;

  ModelDescription describe() const override {
    return {"/models/fake", "fake", "cfg", "weights", 42, "cpu"};
  }

  void generate(std::vector<GenerationJob> jobs, const Sampling&,
                const std::function<void(GenerationResult)>& on_done) override {
    n_calls++;
    max_seen_batch = std::max<int64_t>(max_seen_batch, static_cast<int64_t>(jobs.size()));
    for (const auto& job : jobs) {
      if (die_after >= 0 && n_results >= die_after) throw std::runtime_error("fake generator died");
      const std::string& q = job.messages.back().content;
      auto at = q.find("gold=");
      std::string gold = at == std::string::npos ? "?" : q.substr(at + 5);
      GenerationResult r;
      r.key = job.key;
      r.n_prompt_tokens = static_cast<int>(q.size());
      r.n_completion_tokens = 10;
      r.prefill_seconds = 0.001;
      r.decode_seconds = 0.01;
      n_results++;
      if (fail_every > 0 && n_results % fail_every == 0) {
        r.finish_reason = "error";
        r.error = "fake failure";
      } else {
        r.text = "so \\boxed{" + (job.seed % 2 == 0 ? gold : std::string("wrong")) + "}";
        r.finish_reason = job.seed % 7 == 0 ? "length" : "stop";
      }
      on_done(std::move(r));
    }
  }
};

class ExactGrading : public Grading {
 public:
  std::future<std::vector<graders::Verdict>> submit(graders::GradeRequest request) override {
    std::promise<std::vector<graders::Verdict>> p;
    std::string want = "\\boxed{" + request.gold + "}";
    bool correct = request.prediction.find(want) != std::string::npos;
    auto open = request.prediction.find("\\boxed{");
    std::string extracted = open == std::string::npos ? "" : request.prediction.substr(open + 7);
    if (!extracted.empty()) extracted.pop_back();
    p.set_value({{correct, extracted, "strict", "ok", "", extracted}, {correct, extracted, "lenient", "ok", "", extracted}});
    return p.get_future();
  }
};

}  // namespace rbench::evaluator::testing
