// In-process grading: extraction under each named rule, then comparison with the gold answer. Pure and
// deterministic; the sandboxed worker runs it on untrusted model output, so it never throws for bad input:
// every failure becomes a Verdict with a reason. Not safe to call from several threads at once (GiNaC keeps
// global tables): grading in parallel means several worker processes (sandbox/pool.h), as the harness does.
#pragma once

#include <vector>

#include "graders/verdict.h"

namespace rbench::graders {

// One Verdict per extraction rule, the primary rule (kPrimaryRule) first, then kStrictRule. An unknown grader
// gives one Verdict with reason "bad_request". Only std::bad_alloc escapes (the worker reports it as
// "resource_limit").
std::vector<Verdict> grade(const GradeRequest& request);

}  // namespace rbench::graders
