// How the runner gets verdicts: asynchronously, so generation goes on while samples are graded. The CLI passes the
// sandboxed pool (graders/sandbox/pool.h); tests may pass the in-process grader. Either way the runner sees futures.
#pragma once

#include <future>
#include <vector>

#include "graders/verdict.h"

namespace rbench::evaluator {

class Grading {
 public:
  virtual ~Grading() = default;
  // One verdict per extraction rule; never throws for bad model output (a verdict carries the reason).
  virtual std::future<std::vector<graders::Verdict>> submit(graders::GradeRequest request) = 0;
};

}  // namespace rbench::evaluator
