// The expression tree a LaTeX answer parses into, before any algebra: numbers stay as their literal text,
// structure (tuples, sets, intervals, relations, matrices) stays explicit so that equivalence can let the gold
// answer decide the form. The parser builds it; math/symbolic turns its scalar parts into GiNaC expressions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace rbench::graders::math {

enum class NodeKind {
  Number,      // text: digits with an optional decimal point ("12", "0.25", ".5")
  Symbol,      // text: a variable name ("x", "x_1", "\alpha")
  Constant,    // text: "pi", "e", "i", "infinity"
  Add,         // children: terms (a subtraction is an Add of a Neg)
  Mul,         // children: factors
  Div,         // children: numerator, denominator
  Neg,         // children: operand
  Pow,         // children: base, exponent
  Function,    // text: "sqrt", "root", "sin", "log", "abs", "binom", ...; children: arguments
  Factorial,   // children: operand
  PlusMinus,   // children: a, b meaning a ± b (a is 0 for a unary ±)
  Percent,     // children: operand (the value is operand/100, but graders may accept the bare operand)
  Relation,    // ops: one operator per link ("=", "<", "<=", ">", ">=", "!=", "in"); children: ops.size()+1 sides
  List,        // a bare comma-separated list (no brackets)
  Tuple,       // parenthesised list of 2+ items; a pair may also be an open interval
  Set,         // \{ ... \}
  Interval,    // left_closed/right_closed; children: low, high. "[a,b]" may also be a bracketed pair
  Union,       // children: the joined parts (intervals, sets)
  Matrix,      // columns; children: entries row-major
  Text,        // text: the content of \text{...} (a word answer)
};

struct Node {
  NodeKind kind = NodeKind::Number;
  std::string text;
  std::vector<std::string> ops;
  bool left_closed = false;
  bool right_closed = false;
  std::size_t columns = 0;
  std::vector<Node> children;
};

// Thrown when an answer cannot be read or is refused (too long, too deep, numbers too large to evaluate exactly).
class UnparsableAnswer : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rbench::graders::math
