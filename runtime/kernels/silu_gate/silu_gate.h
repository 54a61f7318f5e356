// The SiLU gate of the gated MLP and the gated memory unit:
//   out = (silu(gate.to(float32)) * value.to(float32)).to(gate's dtype),   silu(g) = g / (1 + exp(-g)).
// Shapes: gate and value [R, n] in one dtype (float32, bfloat16 or float16); either may be a strided view whose rows
// are contiguous, e.g. the two column halves of the MLP's fc1 output [R, 2n] (gate = first half, up = second half),
// or separate tensors (the GMU: gate = in_proj(x), value = the memory). Returns out [R, n] contiguous, gate's dtype.
// Matches layers::gated_mlp and layers::gated_memory_unit (runtime/layers/dense.h) before their output projection.
// silu_gate dispatches CUDA tensors to the kernel (when built with CUDA) and CPU tensors to silu_gate_ref, the plain
// LibTorch oracle with the same signature.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

at::Tensor silu_gate(const at::Tensor& gate, const at::Tensor& value);

at::Tensor silu_gate_ref(const at::Tensor& gate, const at::Tensor& value);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor silu_gate_cuda(const at::Tensor& gate, const at::Tensor& value);

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_silu_gate_args(const at::Tensor& gate, const at::Tensor& value);

}  // namespace rbench::runtime::kernels
