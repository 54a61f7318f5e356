// The check the LibTorch references of the slot-indexed decode ops share: on the CPU, slots must be distinct and
// inside the pool (a cheap read there; on a device it would be a host synchronisation, so the kernels skip it).
#pragma once

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

inline void check_slot_values(const char* op, const at::Tensor& slots, int64_t n_rows) {
  if (!slots.defined() || !slots.device().is_cpu()) return;
  const at::Tensor sorted = std::get<0>(slots.sort());
  const auto* v = sorted.data_ptr<int64_t>();
  for (int64_t i = 0; i < sorted.numel(); ++i) {
    const bool twice = i > 0 && v[i] == v[i - 1];
    if (v[i] < 0 || v[i] >= n_rows || twice)
      throw std::invalid_argument(std::string(op) + ": tensor 'slots': expected distinct values in [0, " +
                                  std::to_string(n_rows) + "), got " + std::to_string(v[i]) + (twice ? " twice" : ""));
  }
}

}  // namespace rbench::runtime::kernels
