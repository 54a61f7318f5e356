// The vocabulary of LaTeX answers the parser knows: function commands, Greek letters, matrix environments, and
// the small node constructors the parser builds the tree with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graders/math/expression_tree.h"

namespace rbench::graders::math {

Node make(NodeKind kind, std::vector<Node> children = {}, std::string text = {});

// An integer literal such as "12" (no decimal point): the parts of a mixed number.
bool is_integer_literal(const Node& n);

// \sin, \log, \gcd...: commands that take an argument and name a function.
bool is_function_command(std::string_view name);

// \alpha ... \Omega: read as variables.
bool is_greek_letter(std::string_view name);

// pmatrix, bmatrix, array...: environments read as a matrix.
bool is_matrix_environment(std::string_view name);

}  // namespace rbench::graders::math
