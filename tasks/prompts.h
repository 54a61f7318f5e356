// Prompt templates of the reference evaluation (Phi-4-mini-flash-reasoning paper, Appendix G), as messages.
// MATH-500 and AIME: the instruction, a newline, the problem. GPQA: the question, its four options in the
// per-sample shuffled order (option_shuffle.h), and the answer-format instruction. Changing any text here
// means bumping the version of every task that uses it (readers.h).
#pragma once

#include <string_view>

#include "tasks/task.h"

namespace rbench::tasks {

inline constexpr std::string_view kMathInstruction =
    "Please reason step by step, and put your final answer within \\boxed{}.";

inline constexpr std::string_view kMultipleChoiceInstruction =
    "Please reason step by step, and put your final choice of one letter from A/B/C/D within \\boxed{}. "
    "End your response with a final line of the form \"Answer: X\", where X is one of A, B, C or D.";

// One user message "<instruction>\n<problem>"; gold is the problem's gold answer unchanged.
PromptedSample math_prompt(const Problem& problem);

// One user message "<question>\n\nA) ...\nB) ...\nC) ...\nD) ...\n\n<instruction>"; gold is the letter where
// the correct option (meta["options"][0]) landed. Throws std::invalid_argument when the problem lacks exactly
// four options.
PromptedSample multiple_choice_prompt(const Problem& problem, int sample_index);

}  // namespace rbench::tasks
