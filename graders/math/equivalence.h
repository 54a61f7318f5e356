// Math answer equivalence, asymmetric like Math-Verify: the gold answer decides the form. A gold scalar matches a
// scalar (or "x = scalar"); a gold set or list matches the same multiset, a gold tuple the same order, a gold
// interval the same bounds and closedness (or the equivalent inequality), a gold equation any proportional
// equation, a gold word the same word. A list of guesses never matches a single gold value.
#pragma once

#include <string>
#include <string_view>

namespace rbench::graders::math {

struct MathComparison {
  bool equivalent = false;
  std::string detail;  // why not, when useful ("prediction: unsupported command \foo")
};

// Throws UnparsableAnswer (with "gold: " or "prediction: " in front of the reason) when one side cannot be read.
MathComparison compare_math_answers(std::string_view gold, std::string_view prediction);

}  // namespace rbench::graders::math
