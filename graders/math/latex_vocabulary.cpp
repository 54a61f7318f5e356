// The LaTeX answer vocabulary: see latex_vocabulary.h.
#include "graders/math/latex_vocabulary.h"

#include <set>
#include <utility>

namespace rbench::graders::math {

Node make(NodeKind kind, std::vector<Node> children, std::string text) {
  Node n;
  n.kind = kind;
  n.children = std::move(children);
  n.text = std::move(text);
  return n;
}

bool is_integer_literal(const Node& n) {
  return n.kind == NodeKind::Number && n.text.find('.') == std::string::npos;
}

bool is_function_command(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {
      "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
      "ln", "log", "exp", "lcm", "gcd", "det", "max", "min", "deg", "arg"};
  return names.count(name) > 0;
}

bool is_greek_letter(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {
      "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta",
      "kappa", "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega",
      "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega"};
  return names.count(name) > 0;
}

bool is_matrix_environment(std::string_view name) {
  static const std::set<std::string, std::less<>> names = {"pmatrix", "bmatrix", "matrix", "Bmatrix",
                                                           "vmatrix", "smallmatrix", "array"};
  return names.count(name) > 0;
}

}  // namespace rbench::graders::math
