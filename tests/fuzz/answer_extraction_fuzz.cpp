// Fuzz target: every answer-extraction rule (math, integer, choice; strict and lenient) on arbitrary model output.
// The rules return an answer or nothing and must never throw: any exception escapes and is a finding.
#include <cstdint>
#include <string_view>

#include "graders/extraction/answer_extraction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace x = rbench::graders::extraction;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)x::extract_math_strict(text);
  (void)x::extract_math_lenient(text);
  (void)x::extract_integer_strict(text);
  (void)x::extract_integer_lenient(text);
  (void)x::extract_choice_strict(text);
  (void)x::extract_choice_lenient(text);
  return 0;
}
