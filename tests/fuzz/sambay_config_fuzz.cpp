// Fuzz target: config.json of the SambaY family (parse_sambay_config) on arbitrary bytes. Refusals are
// std::runtime_error / nlohmann::json exceptions turned into one; an accepted config must be self-consistent
// (one kind and one window per layer, positive sizes), else the fuzzer aborts.
#include <cstdint>
#include <cstdlib>
#include <exception>

#include "fuzz_input_file.h"
#include "runtime/models/sambay_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = rbench::fuzz::write_input_file("config.json", data, size);
  try {
    auto config = rbench::runtime::parse_sambay_config(path);
    if (static_cast<int64_t>(config.kinds.size()) != config.n_layers) std::abort();
    if (config.hidden <= 0 || config.n_heads <= 0 || config.vocab <= 0) std::abort();
  } catch (const std::exception&) {
  }
  return 0;
}
