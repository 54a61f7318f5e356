// Greedy decoding's token choice: for each row of logits, the index of its largest value among the first n
//   out[b] = argmax(logits[b, :n])        ties: the first index; a NaN counts as the largest (its first index)
// which is at::argmax's rule, its reference. Shapes: logits [B, V] float32 with a unit column stride, 1 <= n <= V;
// out int64 [B] on logits' device. argmax_rows dispatches CUDA tensors to the kernels: a first dependent launch
// where each of several blocks per row reduces a span of it, a second that reduces each row's spans, which on the
// H100 replaces at::argmax's 9.5 us reduction launched without dependent launch at the end of every decode step.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace rbench::runtime::kernels {

at::Tensor argmax_rows(const at::Tensor& logits, int64_t n);

at::Tensor argmax_rows_ref(const at::Tensor& logits, int64_t n);

// The CUDA kernels (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor argmax_rows_cuda(const at::Tensor& logits, int64_t n);

// Throws naming the argument when they do not fit.
void check_argmax_rows_args(const at::Tensor& logits, int64_t n);

}  // namespace rbench::runtime::kernels
