// Refusing a run whose samples cannot fit the model's context, before anything is written: --max-tokens beyond
// the context, or a prompt (rendered with the model's chat template) that leaves no room for --max-tokens new
// tokens. The context is config.json's max_position_embeddings; a checkpoint without it is not checked.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tasks/task.h"

namespace rbench::cli {

// Throws std::invalid_argument naming the task, problem, the token counts and the flag to change.
// `limit`: only the first N problems of each task (as the run plans them); none: every problem.
void check_prompts_fit_context(const std::filesystem::path& model_dir, const std::optional<std::string>& chat_template,
                               const std::vector<tasks::Task>& tasks, std::optional<int> limit, int max_new_tokens);

}  // namespace rbench::cli
