// Turns the scalar parts of an expression tree into GiNaC expressions, exactly: integer and decimal literals
// become rationals, radicals stay symbolic, pi/e/i become GiNaC constants. Sizes are checked BEFORE GiNaC sees
// them: a power or factorial whose exact value would be astronomically large (10^{10^{10^{10}}}) is refused
// with UnparsableAnswer instead of hanging the worker.
#pragma once

#include <ginac/ginac.h>

#include <map>
#include <optional>
#include <string>

#include "graders/math/expression_tree.h"

namespace rbench::graders::math {

// Largest exact result size (in bits) a power may have, and the largest factorial argument.
constexpr double kMaxExactBits = 200000.0;
constexpr long kMaxFactorialArgument = 20000;
constexpr long kMaxSymbolicExponent = 200;
// Largest magnitude (log2) a power evaluated in floating point may have.
constexpr double kMaxFloatBits = 1e6;

// e with its symbols replaced by `values`, or none when a power, or exp, sin, cosh... of an argument, on the way
// would exceed 2^kMaxFloatBits in magnitude: the sample points of a comparison must not build numbers of billions
// of bits (2^{2^{2^{4x}}} at x = 3 is 2^{2^{4096}}; found by fuzzing: a 1 GB integer in CLN). The converter bounds
// numeric powers as it builds them; symbolic ones are bounded here, bottom-up, once their values are known.
std::optional<GiNaC::ex> substitute_bounded(const GiNaC::ex& e, const GiNaC::exmap& values);

class SymbolicConverter {
 public:
  // Throws UnparsableAnswer for structures that are not scalars (tuples, sets...) or refused sizes.
  GiNaC::ex convert(const Node& node);

  // True once any converted literal was a decimal ("0.33"): comparisons involving it use a tolerance.
  bool saw_decimal() const { return saw_decimal_; }

  // The variables seen so far (shared by gold and prediction so that "x" means the same symbol in both).
  const std::map<std::string, GiNaC::symbol>& symbols() const { return symbols_; }

  // The symbol that stands for infinity in interval bounds.
  GiNaC::ex infinity() { return symbol_named("\\infty"); }

 private:
  GiNaC::ex symbol_named(const std::string& name);
  GiNaC::ex convert_number(const std::string& literal);
  GiNaC::ex convert_power(const Node& node);
  GiNaC::ex convert_function(const Node& node);
  GiNaC::ex convert_factorial(const Node& node);

  std::map<std::string, GiNaC::symbol> symbols_;
  bool saw_decimal_ = false;
};

}  // namespace rbench::graders::math
