// The first op of a batched decode step: the float32 residual stream of the step's tokens and the cache rows and
// lengths that its attention layers read, in one dependent launch where LibTorch takes five kernels (the
// embedding, the cast, and the position arithmetic), each launched normally, so each waited for the one before:
//   residual[b, :]      = embed[ids[b], :].to(float32)
//   lengths[b]          = positions[b] + 1                      (the full K/V: row positions[b] is the new one)
//   ring_rows[w][b]     = positions[b] mod windows[w]           (a sliding window's ring buffer)
//   ring_lengths[w][b]  = min(positions[b] + 1, windows[w])
// Shapes: embed [V, D] (any float dtype), ids and positions int64 [B] on embed's device, windows > 0 (at most
// kMaxStepWindows). decode_step_inputs dispatches CUDA tensors to the kernel and the rest to the reference
// (LibTorch ops). The kernel reads ids on the device, so it cannot throw for one out of range: it writes a NaN
// row, which the step carries to NaN logits (the harness's sampler handles those); the reference throws.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace rbench::runtime::kernels {

inline constexpr int kMaxStepWindows = 4;

struct DecodeStepInputs {
  at::Tensor residual;                                 // [B, D] float32
  at::Tensor lengths;                                  // [B] int64
  std::vector<at::Tensor> ring_rows, ring_lengths;     // one [B] int64 each per window, in the order given
};

DecodeStepInputs decode_step_inputs(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                    const std::vector<int64_t>& windows);

DecodeStepInputs decode_step_inputs_ref(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                        const std::vector<int64_t>& windows);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
DecodeStepInputs decode_step_inputs_cuda(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                         const std::vector<int64_t>& windows);

// Throws naming the argument when they do not fit.
void check_decode_step_inputs_args(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                   const std::vector<int64_t>& windows);

}  // namespace rbench::runtime::kernels
