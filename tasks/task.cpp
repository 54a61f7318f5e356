// Task::prompt: picks the prompt style from the task's grader.
#include "tasks/task.h"

#include <stdexcept>

#include "tasks/prompts.h"

namespace rbench::tasks {

PromptedSample Task::prompt(std::size_t problem_index, int sample_index) const {
  if (problem_index >= problems.size()) {
    throw std::out_of_range("task '" + name + "': problem index " + std::to_string(problem_index) +
                            " out of range (" + std::to_string(problems.size()) + " problems)");
  }
  if (sample_index < 0) {
    throw std::invalid_argument("task '" + name + "': negative sample index " + std::to_string(sample_index));
  }
  const Problem& problem = problems[problem_index];
  if (grader == "math" || grader == "aime") return math_prompt(problem);
  if (grader == "gpqa") return multiple_choice_prompt(problem, sample_index);
  throw std::invalid_argument("task '" + name + "': no prompt style for grader '" + grader + "'");
}

}  // namespace rbench::tasks
