// Device pieces of the skinny linear kernel (skinny_linear.cu): its block shape and arguments, the weight loads,
// the block reductions and the LayerNorm prologue. Included by skinny_linear.cu only.
#pragma once

#include <c10/util/BFloat16.h>
#include <cuda_bf16.h>

#include <cstdint>

#include "runtime/kernels/skinny_linear/skinny_linear.h"

namespace rbench::runtime::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kRowsPerWarp = 2;

struct SkinnyParams {
  const void* x;
  int64_t ldx;  // elements between rows of x
  const void* weight;
  const void* bias;
  const void* norm_weight;
  const void* norm_bias;
  float eps;
  void* out;
  float* residual;
  const void* value;
  int M, N, K;
  int slots;    // warp tasks along N: N / 2 row pairs
  int k_split;  // warps sharing one slot, each over a slice of K
  int tiles;    // ceil(slots / (kWarps / k_split))
  // The K/V append of the store epilogue (k_cache null: none); caches [n_slots, n_kv_heads, capacity, head_dim].
  void* k_cache;
  void* v_cache;
  const int64_t* kv_slots;
  const int64_t* kv_rows;
  int q_cols, kv_cols, head_dim;
  int64_t n_kv_heads, capacity, n_slots;
};

// 8 packed bfloat16 -> float32.
__device__ __forceinline__ void unpack8(const uint4& v, float (&f)[8], c10::BFloat16) {
  const auto* h = reinterpret_cast<const __nv_bfloat162*>(&v);
#pragma unroll
  for (int j = 0; j < 4; ++j) {
    const float2 t = __bfloat1622float2(h[j]);
    f[2 * j] = t.x, f[2 * j + 1] = t.y;
  }
}

// A weight chunk, read once: not kept in L1.
__device__ __forceinline__ uint4 load_streaming(const void* p) {
  uint4 r;
  asm("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
      : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
      : "l"(p));
  return r;
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

// Sums v[m] over the block for every m; every thread gets the totals. `scratch` holds kWarps * MAXM floats.
template <int MAXM>
__device__ void block_sums(float (&v)[MAXM], float* scratch) {
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
#pragma unroll
  for (int m = 0; m < MAXM; ++m) v[m] = warp_sum(v[m]);
  __syncthreads();  // an earlier call's readers are done with scratch
  if (lane == 0) {
#pragma unroll
    for (int m = 0; m < MAXM; ++m) scratch[warp * MAXM + m] = v[m];
  }
  __syncthreads();
#pragma unroll
  for (int m = 0; m < MAXM; ++m) {
    float s = 0.f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) s += scratch[w * MAXM + m];
    v[m] = s;
  }
}

// The LayerNorm's weight and bias ([K] each, no kernel writes them) into shared memory ws, bs, requested before the
// kernel waits for the previous one, so that their load is off the path from the wait to the first product (read
// after the statistics, they cost a memory round trip there). 16-byte rows go through cp.async, which holds no
// registers; others are copied element by element. normalise_rows waits for them.
template <typename T>
__device__ void stage_norm_params(const SkinnyParams& p, T* ws, T* bs) {
  const auto* w = static_cast<const T*>(p.norm_weight);
  const auto* b = static_cast<const T*>(p.norm_bias);
  const bool wide = (reinterpret_cast<uintptr_t>(w) | reinterpret_cast<uintptr_t>(b)) % 16 == 0;  // K % 8 == 0
  if (wide) {
    for (int c = threadIdx.x; c < p.K / 8; c += kThreads) {
      asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(static_cast<unsigned>(__cvta_generic_to_shared(ws + 8 * c))),
                   "l"(w + 8 * c));
      if (b)
        asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(static_cast<unsigned>(__cvta_generic_to_shared(bs + 8 * c))),
                     "l"(b + 8 * c));
    }
    asm volatile("cp.async.commit_group;");
  } else {
    for (int k = threadIdx.x; k < p.K; k += kThreads) {
      ws[k] = w[k];
      if (b) bs[k] = b[k];
    }
  }
}

// Writes layer_norm(x.to(T)) of the M float32 rows into xs [M, K] (T): mean, then the centred sum of squares, as
// add_layer_norm computes them. Each thread keeps its rounded inputs in registers between the passes (shared memory
// round trips and a third pass cost 2-7% of a K = 2560 linear's time, measured on the H100). The weight and bias
// come from ws, bs (stage_norm_params).
template <typename T, int MAXM>
__device__ void normalise_rows(const SkinnyParams& p, T* xs, const T* ws, const T* bs, float* scratch) {
  constexpr int kVec = static_cast<int>(kSkinnyMaxNormCols) / (kThreads * 4);  // float4 loads per thread and row
  const auto* x = static_cast<const float*>(p.x);
  const int K = p.K;
  const auto col = [&](int i) { return (threadIdx.x + i * kThreads) * 4; };
  float v[MAXM][kVec][4];
  float sum[MAXM];
#pragma unroll
  for (int m = 0; m < MAXM; ++m) {
    sum[m] = 0.f;
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
      const bool in = m < p.M && col(i) < K;
      const float4 r = in ? *reinterpret_cast<const float4*>(x + static_cast<int64_t>(m) * K + col(i))
                          : make_float4(0.f, 0.f, 0.f, 0.f);
      const float raw[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        v[m][i][j] = static_cast<float>(static_cast<T>(raw[j]));
        sum[m] += v[m][i][j];
      }
    }
  }
  block_sums<MAXM>(sum, scratch);
  float mean[MAXM], centred[MAXM];
#pragma unroll
  for (int m = 0; m < MAXM; ++m) {
    mean[m] = sum[m] / static_cast<float>(K);
    centred[m] = 0.f;
#pragma unroll
    for (int i = 0; i < kVec; ++i)
      if (col(i) < K)
#pragma unroll
        for (int j = 0; j < 4; ++j) centred[m] += (v[m][i][j] - mean[m]) * (v[m][i][j] - mean[m]);
  }
  asm volatile("cp.async.wait_all;" ::: "memory");  // this thread's staged weight and bias; block_sums syncs the block
  block_sums<MAXM>(centred, scratch);
  const bool has_bias = p.norm_bias != nullptr;
#pragma unroll
  for (int m = 0; m < MAXM; ++m) {
    const float rstd = rsqrtf(centred[m] / static_cast<float>(K) + p.eps);
#pragma unroll
    for (int i = 0; i < kVec; ++i) {
      if (m < p.M && col(i) < K) {
#pragma unroll
        for (int j = 0; j < 4; ++j) {
          const int k = col(i) + j;
          const float shift = has_bias ? static_cast<float>(bs[k]) : 0.f;
          xs[m * K + k] = static_cast<T>((v[m][i][j] - mean[m]) * rstd * static_cast<float>(ws[k]) + shift);
        }
      }
    }
  }
  __syncthreads();
}

}  // namespace
}  // namespace rbench::runtime::kernels
