// Fuzz target: the safetensors reader's header validation (length prefix, JSON, dtypes, shapes, offsets, overlaps)
// on arbitrary file bytes. A std::runtime_error is the expected refusal; every tensor it accepts must lie inside
// the mapping with n_bytes = numel * element size, which the loop below checks by reading each view's last byte.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "fuzz_input_file.h"
#include "runtime/model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = rbench::fuzz::write_input_file("model.safetensors", data, size);
  try {
    auto file = rbench::runtime::SafetensorsFile::open(path);
    const auto* begin = file->mapping()->data();
    const size_t mapped = file->mapping()->size();
    for (const auto& [name, view] : file->tensors()) {
      size_t numel = 1;
      for (int64_t d : view.shape) numel *= static_cast<size_t>(d);
      if (numel * rbench::runtime::element_size(view.dtype) != view.n_bytes) std::abort();
      if (view.n_bytes > 0 && (view.data < begin || view.data + view.n_bytes > begin + mapped)) std::abort();
      if (view.n_bytes > 0 && view.data[view.n_bytes - 1] == std::byte{0x5a}) (void)name;  // touch the last byte
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
