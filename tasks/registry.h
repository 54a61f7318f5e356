// The task registry: the names a user can ask for and where each task's file lives under a data folder.
// The library is given the folder; choosing it (--data-dir, else RBENCH_DATA, else ./data) is the CLI's job,
// because the environment is read only there.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tasks/task.h"

namespace rbench::tasks {

// math500, aime24, aime25, gpqa_diamond, smoke, arith (smoke and arith are built in).
std::vector<std::string> task_names();

// The files tried for `name`, in order (empty for the built-in smoke and arith tasks):
//   math500: math500.jsonl, test.jsonl;  aime24: aime24.jsonl;  aime25: aime25.jsonl;
//   gpqa_diamond: gpqa/dataset.zip, dataset.zip, gpqa_diamond.csv, gpqa/gpqa_diamond.csv.
std::vector<std::filesystem::path> candidate_files(const std::string& name, const std::filesystem::path& data_dir);

// Loads a task. Throws std::invalid_argument for an unknown name (listing the known ones), and DatasetError
// when no candidate file exists (saying where it looked and how to get the files) or the file is malformed.
Task load_task(const std::string& name, const std::filesystem::path& data_dir);

}  // namespace rbench::tasks
