// Building the user message for each prompt style.
#include "tasks/prompts.h"

#include <stdexcept>
#include <string>

#include "tasks/option_shuffle.h"

namespace rbench::tasks {

PromptedSample math_prompt(const Problem& problem) {
  std::string content(kMathInstruction);
  content += '\n';
  content += problem.question;
  return {{Message{"user", std::move(content)}}, problem.gold};
}

PromptedSample multiple_choice_prompt(const Problem& problem, int sample_index) {
  static constexpr std::size_t kOptions = 4;
  const auto options = problem.meta.find("options");
  if (options == problem.meta.end() || !options->is_array() || options->size() != kOptions) {
    throw std::invalid_argument("problem '" + problem.id + "': a multiple-choice prompt needs meta.options with " +
                                std::to_string(kOptions) + " texts, the correct one first");
  }
  const auto order = option_order(kOptions, option_shuffle_seed(problem.id, sample_index));
  std::string content = problem.question;
  content += "\n\n";
  std::string gold;
  for (std::size_t slot = 0; slot < kOptions; ++slot) {
    const char letter = static_cast<char>('A' + slot);
    content += letter;
    content += ") ";
    content += (*options)[order[slot]].get<std::string>();
    content += '\n';
    if (order[slot] == 0) gold = std::string(1, letter);
  }
  content += '\n';
  content += kMultipleChoiceInstruction;
  return {{Message{"user", std::move(content)}}, gold};
}

}  // namespace rbench::tasks
