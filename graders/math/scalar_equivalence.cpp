// Scalar equality with exact, numeric and randomized checks: see scalar_equivalence.h.
#include "graders/math/scalar_equivalence.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "graders/math/symbolic.h"

namespace rbench::graders::math {
namespace {

constexpr double kExactRelativeTolerance = 1e-12;
// With a decimal literal involved, values agree when they round alike at six decimals (as Math-Verify does),
// and, so that tiny values are not all "equal", also to a relative 1e-3.
constexpr double kDecimalAbsoluteTolerance = 5e-7;
constexpr double kDecimalRelativeTolerance = 1e-3;
constexpr int kRandomPoints = 6;
constexpr int kMinValidPoints = 3;
// Above this degree in any variable, expanding could take minutes ((x+1)^{200}(y+1)^{200}...): the randomized
// numeric check decides instead.
constexpr int kMaxExpandDegree = 60;

bool cheap_to_expand(const GiNaC::ex& e, const GiNaC::lst& symbols) {
  try {
    int total = 0;
    for (const GiNaC::ex& s : symbols) total += std::max(0, e.degree(s));
    return total <= kMaxExpandDegree;
  } catch (const std::exception&) {
    return false;
  }
}

GiNaC::lst free_symbols(const GiNaC::ex& e) {
  GiNaC::lst found;
  for (GiNaC::const_preorder_iterator it = e.preorder_begin(); it != e.preorder_end(); ++it) {
    if (GiNaC::is_a<GiNaC::symbol>(*it) && !found.has(*it)) found.append(*it);
  }
  return found;
}

std::optional<GiNaC::numeric> numeric_value(const GiNaC::ex& e) {
  try {
    const GiNaC::ex value = e.evalf();
    if (GiNaC::is_a<GiNaC::numeric>(value)) return GiNaC::ex_to<GiNaC::numeric>(value);
  } catch (const std::exception&) {
    // A pole or domain error at this point: no value.
  }
  return std::nullopt;
}

bool numerically_close(const GiNaC::numeric& g, const GiNaC::numeric& p, bool approximate, double tolerance) {
  const GiNaC::numeric difference = GiNaC::abs(g - p);
  const GiNaC::numeric scale = std::max(GiNaC::abs(g), GiNaC::abs(p));
  if (scale.is_zero()) return difference.is_zero();
  if (approximate) {
    return difference <= GiNaC::numeric(kDecimalAbsoluteTolerance) &&
           difference <= GiNaC::numeric(kDecimalRelativeTolerance) * scale;
  }
  return difference <= GiNaC::numeric(tolerance) * scale;
}

// Deterministic "random" values: irrational-looking rationals away from common special points (0, 1, -1).
GiNaC::numeric point_value(int point, int symbol_index) {
  static constexpr int kNumerators[] = {1237, 2971, 3803, 577, 4409, 6007, 911, 1601};
  const int n = kNumerators[(point * 3 + symbol_index) % 8] + 101 * symbol_index;
  return GiNaC::numeric(n, 1009) * (point % 2 == 0 ? 1 : -1) + GiNaC::numeric(point, 7);
}

}  // namespace

bool scalars_equal(const GiNaC::ex& gold, const GiNaC::ex& prediction, bool approximate) {
  const double tolerance = kExactRelativeTolerance;
  const GiNaC::ex difference = gold - prediction;
  if (difference.is_zero()) return true;
  const GiNaC::lst symbols = free_symbols(difference);
  if (symbols.nops() == 0) {
    const auto g = numeric_value(gold);
    const auto p = numeric_value(prediction);
    return g && p && numerically_close(*g, *p, approximate, tolerance);
  }
  try {
    if (cheap_to_expand(difference, symbols) && GiNaC::normal(GiNaC::expand(difference)).is_zero()) return true;
  } catch (const std::exception&) {
    // Simplification failed (e.g. a pole): the numeric check decides.
  }
  int valid_points = 0;
  for (int point = 0; point < kRandomPoints; ++point) {
    GiNaC::exmap values;
    int index = 0;
    for (const GiNaC::ex& s : symbols) values[s] = point_value(point, index++);
    const auto gold_at = substitute_bounded(gold, values), prediction_at = substitute_bounded(prediction, values);
    if (!gold_at || !prediction_at) continue;  // too large to evaluate at this point
    const auto g = numeric_value(*gold_at);
    const auto p = numeric_value(*prediction_at);
    if (!g || !p) continue;
    if (!numerically_close(*g, *p, approximate, 1e-9)) return false;
    ++valid_points;
  }
  return valid_points >= kMinValidPoints;
}

bool proportional(const GiNaC::ex& gold, const GiNaC::ex& prediction, bool require_positive) {
  if (gold.is_zero() || prediction.is_zero()) return gold.is_zero() && prediction.is_zero();
  if (!cheap_to_expand(gold, free_symbols(gold)) || !cheap_to_expand(prediction, free_symbols(prediction))) return false;
  try {
    const GiNaC::ex ratio = GiNaC::normal(GiNaC::expand(gold) / GiNaC::expand(prediction));
    if (!GiNaC::is_a<GiNaC::numeric>(ratio)) return false;
    const GiNaC::numeric& r = GiNaC::ex_to<GiNaC::numeric>(ratio);
    return !r.is_zero() && (!require_positive || (r.is_real() && r.is_positive()));
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace rbench::graders::math
