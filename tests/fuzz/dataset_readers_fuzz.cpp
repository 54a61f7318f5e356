// Fuzz target: the dataset readers' parsers, JSON Lines (with field access as the readers do it) and RFC 4180
// CSV, on the same arbitrary bytes. DatasetError (and other std::exception refusals) are expected.
#include <cstdint>
#include <exception>
#include <string_view>

#include "tasks/csv.h"
#include "tasks/jsonl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& record : rbench::tasks::parse_jsonl(text, "fuzz.jsonl")) {
      try {
        (void)record.text("problem");
        (void)record.text("answer");
      } catch (const std::exception&) {
      }
      (void)record.optional("id");
    }
  } catch (const std::exception&) {
  }
  try {
    (void)rbench::tasks::parse_csv(text, "fuzz.csv");
  } catch (const std::exception&) {
  }
  return 0;
}
