// Test-only hostile behaviours a worker can be asked to perform (grader names "hostile:<probe>"), so the tests
// can prove the confinement holds: each probe attempts something the sandbox must stop and reports in the
// verdict's detail whether the attempt was blocked. Enabled only when the worker was started with
// --enable-hostile-probes (the tests do that); a production worker refuses these grader names.
#pragma once

#include <optional>

#include "graders/verdict.h"

namespace rbench::graders::sandbox {

// None when request.grader is not a "hostile:" probe. Probes: memory and memory_small (allocate 64 MiB or 4 KiB
// blocks until refused), cpu (spin forever), fork, exec, file_write, network, crash (segfault).
std::optional<Verdict> run_hostile_probe(const GradeRequest& request);

}  // namespace rbench::graders::sandbox
