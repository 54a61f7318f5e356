// Recursive-descent parser from LaTeX answer tokens to the expression tree. It reads the subset of LaTeX that
// final answers use (numbers, fractions, radicals, functions, powers, relations, tuples, sets, intervals, unions,
// matrices, \pm) and refuses anything deeper than kMaxParseDepth, so hostile nesting cannot exhaust the stack.
#pragma once

#include <cstddef>
#include <string_view>

#include "graders/math/expression_tree.h"

namespace rbench::graders::math {

constexpr std::size_t kMaxParseDepth = 120;

// Parses one normalised answer (see answer_normalizer.h). Throws UnparsableAnswer with the reason.
Node parse_latex_answer(std::string_view normalized_latex);

}  // namespace rbench::graders::math
