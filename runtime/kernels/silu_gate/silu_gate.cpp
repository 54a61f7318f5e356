// Argument checks of the SiLU gate and the device dispatch (CUDA kernel or LibTorch reference); see silu_gate.h.
#include "runtime/kernels/silu_gate/silu_gate.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

void check_silu_gate_args(const at::Tensor& gate, const at::Tensor& value) {
  const at::ScalarType dtype = gate.defined() ? gate.scalar_type() : at::kFloat;
  if (!gate.defined() || gate.dim() != 2 ||
      (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kHalf)) {
    throw std::invalid_argument("silu_gate: tensor 'gate': expected [R, n] float32, bfloat16 or float16, got " +
                                describe_tensor(gate));
  }
  if (!value.defined() || value.sizes() != gate.sizes() || value.scalar_type() != dtype ||
      value.device() != gate.device()) {
    throw std::invalid_argument("silu_gate: tensor 'value': expected " + describe_tensor(gate) + " like 'gate', got " +
                                describe_tensor(value));
  }
}

at::Tensor silu_gate(const at::Tensor& gate, const at::Tensor& value) {
#ifdef RBENCH_HAVE_CUDA
  if (gate.is_cuda()) return silu_gate_cuda(gate, value);
#endif
  return silu_gate_ref(gate, value);
}

}  // namespace rbench::runtime::kernels
