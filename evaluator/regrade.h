// Regrading a stored run with the current grader version, without generating anything: every stored grade made
// by another grader version is sent again (same grader, gold answer and stored completion) to the grading pool,
// and the new verdicts replace the old per (sample, grader, rule). Grades already at the current version are
// left alone, so a second regrade does nothing; grades without a canonical answer (written before schema version 3)
// are regraded too, which fills it in. Error rows have no completion and no grades and stay as they are.
#pragma once

#include <cstdint>
#include <string>

#include "evaluator/grading.h"
#include "results/database.h"

namespace rbench::evaluator {

struct RegradeStats {
  int64_t n_samples_regraded = 0;  // samples sent to the graders
  int64_t n_samples_current = 0;   // samples whose grades were all at the current version already
  int64_t n_grades_written = 0;
  int64_t n_verdicts_changed = 0;  // grades whose correctness flipped
};

// Regrades run `run_id` to `current_version` (normally graders::kGraderVersion). Samples are submitted all at
// once so the pool's workers stay busy, then committed one transaction per sample.
RegradeStats regrade_run(results::Database& db, int64_t run_id, Grading& grading, const std::string& current_version);

}  // namespace rbench::evaluator
