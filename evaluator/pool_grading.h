// Grading through the sandboxed worker pool: the production implementation of evaluator::Grading.
#pragma once

#include "evaluator/grading.h"
#include "graders/sandbox/pool.h"

namespace rbench::evaluator {

class PoolGrading : public Grading {
 public:
  explicit PoolGrading(graders::sandbox::GraderPool& pool) : pool_(pool) {}
  std::future<std::vector<graders::Verdict>> submit(graders::GradeRequest request) override {
    return pool_.submit(std::move(request));
  }

 private:
  graders::sandbox::GraderPool& pool_;
};

}  // namespace rbench::evaluator
