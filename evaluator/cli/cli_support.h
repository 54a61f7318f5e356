// Small helpers shared by the CLI commands: where the data lives, where the grader worker is, whether to draw
// progress. The environment is read here, in the CLI, and nowhere else (architecture habit 4).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "results/database.h"

namespace rbench::cli {

// --data-dir, else $RBENCH_DATA, else ./data.
std::filesystem::path resolve_data_dir(const std::optional<std::string>& flag);

// The rbench-grader worker next to the running rbench binary.
std::filesystem::path grader_worker_path();

bool stderr_is_tty();

// --shard, else SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETION_INDEX with
// RBENCH_SHARD_COUNT (Kubernetes indexed jobs), else "0/1".
std::string resolve_shard(const std::optional<std::string>& flag);

// Opens a results database that must already exist (read commands never create an empty file by mistake).
results::Database open_existing_database(const std::string& path);

}  // namespace rbench::cli
