// What the kernels' argument checks print about a tensor: shape, dtype and device, or "undefined".
#pragma once

#include <ATen/ATen.h>

#include <sstream>
#include <string>

namespace rbench::runtime::kernels {

inline std::string describe_tensor(const at::Tensor& t) {
  if (!t.defined()) return "undefined";
  std::ostringstream s;
  s << t.sizes() << " " << at::toString(t.scalar_type()) << " on " << t.device();
  return s.str();
}

}  // namespace rbench::runtime::kernels
