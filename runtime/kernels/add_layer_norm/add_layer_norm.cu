// CUDA residual add + LayerNorm; the math and shapes are in add_layer_norm.h, the oracle is add_layer_norm_ref.cpp.
// One block per row: each thread holds up to kElemsPerThread of the row in registers (D <= 256 * 16 = 4096), so the
// row is read and written once: the residual read, updated and stored, the rounded values kept for two block
// reductions (mean, then the centred sum of squares, as exact as a two-pass variance), the output stored. Loads and
// stores are 4-wide vectors when D % 4 == 0 and the pointers allow it, else scalar.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <cstdint>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kElemsPerThread = kAddLayerNormMaxCols / kThreads;  // 16

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

// The sum of v over the block, returned to every thread; `shared` holds kWarps partial sums.
__device__ float block_sum(float v, float* shared) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  __syncthreads();  // an earlier call's readers are done with `shared`
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < kWarps ? shared[lane] : 0.f;
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <typename To, typename Td, int V>
__global__ void __launch_bounds__(kThreads) add_layer_norm_kernel(float* residual, const Td* delta, const To* weight,
                                                                  const To* bias, To* out, int64_t cols, float eps) {
  constexpr int kVecs = kElemsPerThread / V;
  __shared__ float partial[kWarps];
  const int64_t row = blockIdx.x;
  const int64_t n_vecs = cols / V;
  float* res_row = residual + row * cols;
  float vals[kVecs][V];  // this thread's part of the row, rounded to the output dtype
  float sum = 0.f;
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int64_t vi = threadIdx.x + static_cast<int64_t>(k) * kThreads;
    if (vi < n_vecs) {
      auto* res_vec = reinterpret_cast<Pack<float, V>*>(res_row + vi * V);
      Pack<float, V> r = *res_vec;
      if (delta) {
        const Pack<Td, V> dv = *reinterpret_cast<const Pack<Td, V>*>(delta + row * cols + vi * V);
#pragma unroll
        for (int j = 0; j < V; ++j) r.v[j] += static_cast<float>(dv.v[j]);
        *res_vec = r;
      }
#pragma unroll
      for (int j = 0; j < V; ++j) {
        vals[k][j] = static_cast<float>(static_cast<To>(r.v[j]));
        sum += vals[k][j];
      }
    }
  }
  const float mean = block_sum(sum, partial) / static_cast<float>(cols);
  float centred = 0.f;
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    if (threadIdx.x + static_cast<int64_t>(k) * kThreads < n_vecs) {
#pragma unroll
      for (int j = 0; j < V; ++j) centred += (vals[k][j] - mean) * (vals[k][j] - mean);
    }
  }
  const float rstd = rsqrtf(block_sum(centred, partial) / static_cast<float>(cols) + eps);
#pragma unroll
  for (int k = 0; k < kVecs; ++k) {
    const int64_t vi = threadIdx.x + static_cast<int64_t>(k) * kThreads;
    if (vi < n_vecs) {
      const Pack<To, V> w = *reinterpret_cast<const Pack<To, V>*>(weight + vi * V);
      Pack<To, V> b{};
      if (bias) b = *reinterpret_cast<const Pack<To, V>*>(bias + vi * V);
      Pack<To, V> o;
#pragma unroll
      for (int j = 0; j < V; ++j) {
        const float shift = bias ? static_cast<float>(b.v[j]) : 0.f;
        o.v[j] = static_cast<To>((vals[k][j] - mean) * rstd * static_cast<float>(w.v[j]) + shift);
      }
      *reinterpret_cast<Pack<To, V>*>(out + row * cols + vi * V) = o;
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
    default: TORCH_CHECK(false, "add_layer_norm_cuda: unsupported dtype ", t);
  }
}

bool aligned(const void* p, size_t bytes) { return reinterpret_cast<std::uintptr_t>(p) % bytes == 0; }

}  // namespace

at::Tensor add_layer_norm_cuda(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                               const at::Tensor& bias, double eps, at::ScalarType out_dtype) {
  check_add_layer_norm_args(residual, delta, weight, bias, out_dtype);
  const int64_t rows = residual.size(0), cols = residual.size(1);
  TORCH_CHECK(cols <= kAddLayerNormMaxCols, "add_layer_norm_cuda: row length ", cols, " exceeds ",
              kAddLayerNormMaxCols);
  const c10::cuda::CUDAGuard guard(residual.device());
  const at::Tensor dc = delta.defined() ? delta.contiguous() : delta;
  const at::Tensor wc = weight.contiguous();
  const at::Tensor bc = bias.defined() ? bias.contiguous() : bias;
  at::Tensor out = at::empty({rows, cols}, residual.options().dtype(out_dtype));  // [R, D]
  if (rows == 0 || cols == 0) return out;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  with_float_type(out_dtype, [&](auto out_tag) {
    using To = decltype(out_tag);
    with_float_type(dc.defined() ? dc.scalar_type() : out_dtype, [&](auto delta_tag) {
      using Td = decltype(delta_tag);
      const Td* dp = dc.defined() ? static_cast<const Td*>(dc.data_ptr()) : nullptr;
      const auto* wp = static_cast<const To*>(wc.data_ptr());
      const To* bp = bc.defined() ? static_cast<const To*>(bc.data_ptr()) : nullptr;
      auto* op = static_cast<To*>(out.data_ptr());
      float* rp = residual.data_ptr<float>();
      constexpr int V = 4;
      const bool vectorised = cols % V == 0 && aligned(rp, sizeof(float) * V) &&
                              (!dp || aligned(dp, sizeof(Td) * V)) && aligned(wp, sizeof(To) * V) &&
                              (!bp || aligned(bp, sizeof(To) * V)) && aligned(op, sizeof(To) * V);
      const auto n_blocks = static_cast<unsigned>(rows);
      if (vectorised) {
        add_layer_norm_kernel<To, Td, V>
            <<<n_blocks, kThreads, 0, stream>>>(rp, dp, wp, bp, op, cols, static_cast<float>(eps));
      } else {
        add_layer_norm_kernel<To, Td, 1>
            <<<n_blocks, kThreads, 0, stream>>>(rp, dp, wp, bp, op, cols, static_cast<float>(eps));
      }
      C10_CUDA_KERNEL_LAUNCH_CHECK();
    });
  });
  return out;
}

}  // namespace rbench::runtime::kernels
