// Fuzz target: answer normalisation, the LaTeX answer parser and GiNaC equivalence on arbitrary model text.
// UnparsableAnswer (a std::runtime_error) is the expected refusal. The input is compared with itself and with a
// fixed gold, which walks the symbolic code with hostile trees (exponent towers, deep nesting, huge numbers).
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "graders/math/answer_normalizer.h"
#include "graders/math/equivalence.h"
#include "graders/math/latex_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Long inputs only slow the search down; in production the sandbox's wall-clock limit bounds them.
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    std::string normalized = rbench::graders::math::normalize_answer(text);
    (void)rbench::graders::math::parse_latex_answer(normalized);
  } catch (const std::exception&) {
  }
  try {
    (void)rbench::graders::math::compare_math_answers("\\frac{1}{2}", text);
  } catch (const std::exception&) {
  }
  try {
    (void)rbench::graders::math::compare_math_answers(text, text);
  } catch (const std::exception&) {
  }
  return 0;
}
