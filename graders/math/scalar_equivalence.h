// Equality of two GiNaC scalars: exact first (the difference simplifies to zero), then a high-precision numeric
// check with a RELATIVE tolerance (so 1/2004! and 1/2006! differ), and for expressions with variables a
// deterministic randomized numeric check at several points as the fallback when simplification cannot decide.
#pragma once

#include <ginac/ginac.h>

namespace rbench::graders::math {

// approximate: a decimal literal took part, so agreement to about six significant digits is enough.
bool scalars_equal(const GiNaC::ex& gold, const GiNaC::ex& prediction, bool approximate);

// True when gold/prediction is a nonzero constant (positive when require_positive): proportional equations.
bool proportional(const GiNaC::ex& gold, const GiNaC::ex& prediction, bool require_positive);

}  // namespace rbench::graders::math
