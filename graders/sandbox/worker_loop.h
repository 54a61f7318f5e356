// The grader worker's life: confine itself (rlimits, then a warm-up grade so lazily initialised state exists,
// then seccomp), then answer request frames on its socket until the pool closes it.
#pragma once

#include "graders/sandbox/confinement.h"

namespace rbench::graders::sandbox {

struct WorkerOptions {
  ConfinementLimits limits;
  bool enable_hostile_probes = false;  // tests only: accept "hostile:<probe>" grader names
  int socket_fd = 0;
};

// Returns the process exit code: 0 when the pool closed the socket, 1 on a protocol or confinement error.
int run_worker(const WorkerOptions& options);

}  // namespace rbench::graders::sandbox
