// How the CLI scores a stored run, in one place so `run`, `show`, `compare`, `regrade` and `export` agree: the
// primary extraction rule, pass@k for k = 1, 2, 4, ... up to the run's samples per problem (read from the run's
// stored protocol), maj@n, and the seeded bootstrap. Also finds runs by model directory for `--models`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "results/database.h"
#include "results/metrics_table.h"

namespace rbench::evaluator {

// 1, 2, 4, ... up to n_samples, and n_samples itself.
std::vector<int64_t> pass_ks_for(int64_t n_samples);

// The largest per-task sample count in the run's protocol JSON ({"tasks": {name: n}}); 1 when absent.
int64_t max_samples_in_protocol(const results::RunRecord& run);

results::MetricsOptions metrics_options_for(const results::RunRecord& run);

// metrics_for_run with metrics_options_for; throws DatabaseError naming the run when it does not exist.
results::MetricsTable score_run(const results::Database& db, int64_t run_id);

// The newest run (highest id) whose model path is `model_dir` (compared as absolute, normalised paths).
std::optional<int64_t> latest_run_of_model(const results::Database& db, const std::filesystem::path& model_dir);

}  // namespace rbench::evaluator
