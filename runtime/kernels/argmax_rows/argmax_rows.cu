// CUDA argmax over rows of logits, in two dependent launches: spans (each block the best (value, index) of a span
// of one row, written to a candidates buffer) and rows (one block per row reduces its spans). The math is in
// argmax_rows.h, the oracle is argmax_rows_ref (at::argmax). Both kernels let the next kernel launch at once; the
// order of (value, index) pairs is total, so the result does not depend on how the spans are cut.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <ATen/cuda/CUDAContext.h>

#include <algorithm>
#include <cstdint>

#include "runtime/kernels/argmax_rows/argmax_rows.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kMinSpan = 1024;  // columns: shorter spans cost more in candidates than they save

struct Best {
  float value;
  int64_t index;
};

// Whether a beats b: a NaN beats any number, a larger value beats a smaller, and between equal values (or two NaN)
// the smaller index wins, as at::argmax picks them.
__device__ __forceinline__ bool beats(const Best& a, const Best& b) {
  const bool a_nan = a.value != a.value, b_nan = b.value != b.value;
  if (a_nan != b_nan) return a_nan;
  if (!a_nan && a.value != b.value) return a.value > b.value;
  return a.index < b.index;
}

__device__ Best block_best(Best mine) {
  __shared__ Best warp_best[kThreads / 32];
  for (int off = 16; off > 0; off /= 2) {
    Best other{__shfl_xor_sync(0xffffffffu, mine.value, off),
               static_cast<int64_t>(__shfl_xor_sync(0xffffffffu, static_cast<long long>(mine.index), off))};
    if (beats(other, mine)) mine = other;
  }
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) warp_best[warp] = mine;
  __syncthreads();
  Best best = warp_best[0];
  for (int w = 1; w < kThreads / 32; ++w)
    if (beats(warp_best[w], best)) best = warp_best[w];
  return best;
}

// Block (s, b): the best of row b's columns [s span, min((s + 1) span, n)).
__global__ void __launch_bounds__(kThreads) argmax_spans_kernel(const float* logits, int64_t ld, int64_t n,
                                                                int64_t span, Best* candidates) {
  allow_next_kernels();
  wait_for_previous_kernels();  // the logits come from the kernel before
  const int s = blockIdx.x, b = blockIdx.y;
  const float* row = logits + b * ld;
  const int64_t begin = s * span, end = min(begin + span, n);
  Best mine{-INFINITY, INT64_MAX};
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {
    const Best x{row[i], i};
    if (beats(x, mine)) mine = x;
  }
  const Best best = block_best(mine);
  if (threadIdx.x == 0) candidates[static_cast<int64_t>(b) * gridDim.x + s] = best;
}

// Block b: the best of row b's candidates.
__global__ void __launch_bounds__(kThreads) argmax_rows_kernel(const Best* candidates, int spans, int64_t* out) {
  allow_next_kernels();
  wait_for_previous_kernels();  // the candidates come from the spans kernel
  const int b = blockIdx.x;
  Best mine{-INFINITY, INT64_MAX};
  const Best* row = candidates + static_cast<int64_t>(b) * spans;
  for (int s = threadIdx.x; s < spans; s += kThreads)
    if (beats(row[s], mine)) mine = row[s];
  const Best best = block_best(mine);
  if (threadIdx.x == 0) out[b] = best.index;
}

}  // namespace

at::Tensor argmax_rows_cuda(const at::Tensor& logits, int64_t n) {
  check_argmax_rows_args(logits, n);
  const c10::cuda::CUDAGuard guard(logits.device());
  const int64_t B = logits.size(0);
  at::Tensor out = at::empty({B}, logits.options().dtype(at::kLong));
  if (B == 0) return out;
  // About two blocks per SM over the whole batch, each span at least kMinSpan columns.
  const int64_t sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
  const int64_t wanted = std::max<int64_t>(1, 2 * sms / B);
  const int64_t span = std::max(kMinSpan, (n + wanted - 1) / wanted);
  const int64_t spans = (n + span - 1) / span;
  if (B > 65535) throw std::invalid_argument("argmax_rows_cuda: " + std::to_string(B) + " rows exceed the grid limit");
  at::Tensor candidates = at::empty({B * spans * static_cast<int64_t>(sizeof(Best))}, logits.options().dtype(at::kByte));
  auto* cand = reinterpret_cast<Best*>(candidates.data_ptr());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  launch_dependent(argmax_spans_kernel, dim3(static_cast<unsigned>(spans), static_cast<unsigned>(B)), dim3(kThreads),
                   0, stream, static_cast<const float*>(logits.data_ptr<float>()), logits.stride(0), n, span, cand);
  launch_dependent(argmax_rows_kernel, dim3(static_cast<unsigned>(B)), dim3(kThreads), 0, stream,
                   static_cast<const Best*>(cand), static_cast<int>(spans), out.data_ptr<int64_t>());
  return out;
}

}  // namespace rbench::runtime::kernels
