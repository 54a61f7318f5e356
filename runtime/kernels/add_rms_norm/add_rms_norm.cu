// CUDA residual add + RMSNorm; the math and shapes are in add_rms_norm.h, the oracle is add_rms_norm_ref.cpp.
// One block per row: each thread holds up to kElemsPerThread of the row in registers (D <= 256 * 16 = 4096), so the
// row is read and written once: residual and delta read, their sum rounded to the dtype and stored, the rounded
// values kept for one block reduction (the sum of squares), the output stored. Loads and stores are 4-wide vectors
// when D % 4 == 0 and the pointers allow it, else scalar.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <cstdint>

#include "runtime/kernels/add_rms_norm/add_rms_norm.h"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kElemsPerThread = kAddRmsNormMaxCols / kThreads;  // 16

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

// The sum of v over the block, returned to every thread; `shared` holds kWarps partial sums.
__device__ float block_sum(float v, float* shared) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < kWarps ? shared[lane] : 0.f;
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <typename T, int V>
__global__ void __launch_bounds__(kThreads) add_rms_norm_kernel(T* residual, const T* delta, const T* weight, T* out,
                                                                int64_t cols, float eps) {
  constexpr int kVecs = kElemsPerThread / V;
  __shared__ float partial[kWarps];
  const int64_t row = blockIdx.x;
  const int64_t n_vecs = cols / V;
  T* res_row = residual + row * cols;
  float vals[kVecs][V];  // this thread's part of the row after the add, rounded to T
  float squares = 0.f;
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int64_t vi = threadIdx.x + static_cast<int64_t>(k) * kThreads;
    if (vi < n_vecs) {
      auto* res_vec = reinterpret_cast<Pack<T, V>*>(res_row + vi * V);
      Pack<T, V> r = *res_vec;
      if (delta) {
        const Pack<T, V> dv = *reinterpret_cast<const Pack<T, V>*>(delta + row * cols + vi * V);
#pragma unroll
        for (int j = 0; j < V; ++j) r.v[j] = static_cast<T>(static_cast<float>(r.v[j]) + static_cast<float>(dv.v[j]));
        *res_vec = r;
      }
#pragma unroll
      for (int j = 0; j < V; ++j) {
        vals[k][j] = static_cast<float>(r.v[j]);
        squares += vals[k][j] * vals[k][j];
      }
    }
  }
  const float rstd = rsqrtf(block_sum(squares, partial) / static_cast<float>(cols) + eps);
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int64_t vi = threadIdx.x + static_cast<int64_t>(k) * kThreads;
    if (vi < n_vecs) {
      const Pack<T, V> w = *reinterpret_cast<const Pack<T, V>*>(weight + vi * V);
      Pack<T, V> o;
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const float normed = static_cast<float>(static_cast<T>(vals[k][j] * rstd));  // rounded before the weight
        o.v[j] = static_cast<T>(static_cast<float>(w.v[j]) * normed);
      }
      *reinterpret_cast<Pack<T, V>*>(out + row * cols + vi * V) = o;
    }
  }
}

// Calls f with a value of the C++ type of a float32 / bfloat16 / float16 tensor.
template <typename F>
void with_float_type(at::ScalarType t, F&& f) {
  switch (t) {
    case at::kFloat: f(float{}); break;
    case at::kBFloat16: f(c10::BFloat16{}); break;
    case at::kHalf: f(c10::Half{}); break;
    default: TORCH_CHECK(false, "add_rms_norm_cuda: unsupported dtype ", t);
  }
}

bool aligned(const void* p, size_t bytes) { return reinterpret_cast<std::uintptr_t>(p) % bytes == 0; }

}  // namespace

at::Tensor add_rms_norm_cuda(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps) {
  check_add_rms_norm_args(residual, delta, weight);
  const int64_t rows = residual.size(0), cols = residual.size(1);
  TORCH_CHECK(cols <= kAddRmsNormMaxCols, "add_rms_norm_cuda: row length ", cols, " exceeds ", kAddRmsNormMaxCols);
  const c10::cuda::CUDAGuard guard(residual.device());
  const at::Tensor dc = delta.defined() ? delta.contiguous() : delta;
  const at::Tensor wc = weight.contiguous();
  at::Tensor out = at::empty({rows, cols}, residual.options());  // [R, D]
  if (rows == 0 || cols == 0) return out;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  with_float_type(residual.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    auto* rp = static_cast<T*>(residual.data_ptr());
    const T* dp = dc.defined() ? static_cast<const T*>(dc.data_ptr()) : nullptr;
    const auto* wp = static_cast<const T*>(wc.data_ptr());
    auto* op = static_cast<T*>(out.data_ptr());
    constexpr int V = 4;
    const bool vectorised = cols % V == 0 && aligned(rp, sizeof(T) * V) && (!dp || aligned(dp, sizeof(T) * V)) &&
                            aligned(wp, sizeof(T) * V) && aligned(op, sizeof(T) * V);
    const auto n_blocks = static_cast<unsigned>(rows);
    if (vectorised) {
      add_rms_norm_kernel<T, V><<<n_blocks, kThreads, 0, stream>>>(rp, dp, wp, op, cols, static_cast<float>(eps));
    } else {
      add_rms_norm_kernel<T, 1><<<n_blocks, kThreads, 0, stream>>>(rp, dp, wp, op, cols, static_cast<float>(eps));
    }
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}

}  // namespace rbench::runtime::kernels
