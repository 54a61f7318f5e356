// Plain LibTorch SiLU gate, the oracle of the CUDA kernel; see silu_gate.h.
#include "runtime/kernels/silu_gate/silu_gate.h"

namespace rbench::runtime::kernels {

at::Tensor silu_gate_ref(const at::Tensor& gate, const at::Tensor& value) {
  check_silu_gate_args(gate, value);
  return (at::silu(gate.to(at::kFloat)) * value.to(at::kFloat)).to(gate.scalar_type()).contiguous();  // [R, n]
}

}  // namespace rbench::runtime::kernels
