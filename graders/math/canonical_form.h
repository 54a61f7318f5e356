// A canonical text for a math answer, so that answers the equivalence calls equal print the same and can be
// grouped by string (maj@k votes): "\frac{1}{2}", "0.5", "1/2" and "x = \frac12" all print "0.5". Scalars without
// variables print their value to kCanonicalDigits significant digits; expressions with variables print their values
// at fixed points of the variables (sorted by name), the same fingerprint the equivalence's numeric check uses;
// sets, lists and ± answers print their items sorted, tuples and intervals in order, words as the normalised text.
// Equations other than "variable = value" print their sides' difference scaled at a fixed point, so proportional
// equations print the same. Known differences from the (gold-decides, tolerance-based) equivalence, kept as they are:
//  - a decimal approximation the equivalence accepts ("0.3333333" for 1/3) prints its own value;
//  - a percentage prints its number ("50\%" as 50, not also 0.5);
//  - "y = 2x + 3" prints as its right side, so it differs from "y - 2x = 3" (the equivalence accepts both against
//    the gold "y = 2x + 3", but not each other against "2x + 3");
//  - a bare list "8, -2" prints as a set, so it differs from the tuple "(8, -2)" a gold tuple accepts it as;
//  - a column matrix differs from a tuple; ± nested inside a larger expression is not expanded (no canonical form).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rbench::graders::math {

constexpr int kCanonicalDigits = 10;

// The canonical form of one answer (raw LaTeX as extracted), or nullopt when it cannot be parsed or evaluated.
// Never throws for bad input except std::bad_alloc.
std::optional<std::string> canonical_math_answer(std::string_view answer);

}  // namespace rbench::graders::math
