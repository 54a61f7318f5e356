// Decode attention's merge: the partial softmax states of a sequence's key blocks combined into normalised
// outputs, with the differential output step. Run by the last chunk block to finish, or as a kernel of its own.
// Included by decode_attention.cu only.
#pragma once

#include <cstdint>

#include "runtime/kernels/decode_attention/decode_attention_device.cuh"

namespace rbench::runtime::kernels {
namespace {

constexpr float kSubNormEps = 1e-5f;

// Merges the n_active partials of one (sequence, group, query tile), normalises, and writes the output columns;
// `in_range` false (a bad slot or length) writes NaN. Called by every thread of the block. sm_w and sm_l hold
// kMaxSplits * NQ floats, sm_o NQ * NK dh. The partials come from other blocks of this launch: read past L1.
template <typename T, int DH, int NK, int R>
__device__ void merge_partials(const DecodeArgs<T>& a, int b, int gq, int n_active, bool in_range, float* sm_w,
                               float* sm_l, float* sm_o) {
  constexpr int NQ = NK * R;
  constexpr int VW = NK * DH;
  const int g = gq / a.n_qtiles, qt = gq % a.n_qtiles;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t part0 = (static_cast<int64_t>(b) * a.n_gq + gq) * a.n_splits;

  // Every (max, sum) at once, into shared memory: sm_w takes the maxima (then the weights), sm_l the sums.
  for (int i = threadIdx.x; i < n_active * NQ; i += kThreads) {
    sm_w[i] = __ldcg(a.part_ml + (part0 * NQ + i) * 2);
    sm_l[i] = __ldcg(a.part_ml + (part0 * NQ + i) * 2 + 1);
  }
  __syncthreads();
  for (int q = warp; q < NQ; q += kWarps) {
    float mx = -INFINITY;
    for (int s = lane; s < n_active; s += 32)
      if (sm_l[s * NQ + q] > 0.f) mx = fmaxf(mx, sm_w[s * NQ + q]);
#pragma unroll
    for (int off = 16; off > 0; off /= 2) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
    float total = 0.f;
    for (int s = lane; s < n_active; s += 32)
      if (sm_l[s * NQ + q] > 0.f) total += sm_l[s * NQ + q] * exp2f(sm_w[s * NQ + q] - mx);
#pragma unroll
    for (int off = 16; off > 0; off /= 2) total += __shfl_xor_sync(0xffffffffu, total, off);
    __syncwarp();  // every lane has read the maxima it overwrites next
    for (int s = lane; s < n_active; s += 32)
      sm_w[s * NQ + q] = sm_l[s * NQ + q] > 0.f ? exp2f(sm_w[s * NQ + q] - mx) / total : 0.f;
  }
  __syncthreads();
  // Four consecutive output columns per thread and step, the chunks unrolled so that several 16-byte loads are in
  // flight (the merging block is alone on its SM at the end of the launch). A chunk of zero weight (no key above
  // -inf) must not bring in its words: select it away rather than multiply it by 0.
  static_assert(VW % 4 == 0, "float4 columns");
  for (int i = threadIdx.x * 4; i < NQ * VW; i += kThreads * 4) {
    const int q = i / VW, c = i % VW;
    const float4* acc_s = reinterpret_cast<const float4*>(a.part_acc + (part0 * NQ + q) * VW + c);
    float4 o = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll 8
    for (int s = 0; s < n_active; ++s) {
      const float w = sm_w[s * NQ + q];
      const float4 x = __ldcg(acc_s + static_cast<int64_t>(s) * NQ * VW / 4);
      if (w != 0.f) {
        o.x += w * x.x;
        o.y += w * x.y;
        o.z += w * x.z;
        o.w += w * x.w;
      }
    }
    const float nan = __int_as_float(0x7fc00000);  // marks an out-of-range slot or length
    sm_o[q * VW + c] = in_range ? o.x : nan;
    sm_o[q * VW + c + 1] = in_range ? o.y : nan;
    sm_o[q * VW + c + 2] = in_range ? o.z : nan;
    sm_o[q * VW + c + 3] = in_range ? o.w : nan;
  }
  __syncthreads();

  T* out_row = a.out + b * a.n_heads * DH;
  if constexpr (NK == 1) {
    for (int i = threadIdx.x; i < R * DH; i += kThreads) {
      const int j = i / DH, c = i % DH, jj = qt * R + j;
      if (jj < a.ratio) out_row[(static_cast<int64_t>(g) * a.ratio + jj) * DH + c] = T(sm_o[j * VW + c]);
    }
  } else {
    // Pair jj: u = a1 - lambda a2 over 2 dh columns; rounded to T after the norm and after each product, as the
    // reference's tensor ops round.
    for (int j = warp; j < R; j += kWarps) {
      const int jj = qt * R + j;
      if (jj >= a.ratio) continue;  // warp-uniform
      float ss = 0.f;
      for (int c = lane; c < VW; c += 32) {
        const float u = sm_o[j * VW + c] - a.lambda * sm_o[(R + j) * VW + c];
        ss += u * u;
      }
#pragma unroll
      for (int off = 16; off > 0; off /= 2) ss += __shfl_xor_sync(0xffffffffu, ss, off);
      const float inv_rms = rsqrtf(ss / VW + kSubNormEps);
      T* dst = out_row + (static_cast<int64_t>(g) * a.ratio + jj) * VW;
      for (int c = lane; c < VW; c += 32) {
        const float u = sm_o[j * VW + c] - a.lambda * sm_o[(R + j) * VW + c];
        const T normed = T(u * inv_rms);
        const T weighted = T(static_cast<float>(normed) * static_cast<float>(a.subln[c]));
        dst[c] = T(static_cast<float>(weighted) * a.out_scale);
      }
    }
  }
}

// The merge as a kernel of its own, for a launch without counters (captured before any existed).
template <typename T, int DH, int NK, int R>
__global__ void __launch_bounds__(kThreads) decode_attention_combine_kernel(DecodeArgs<T> a) {
  constexpr int NQ = NK * R;
  __shared__ float sm_w[kMaxSplits * NQ], sm_l[kMaxSplits * NQ];
  __shared__ float sm_o[NQ * NK * DH];
  const int gq = blockIdx.x, b = blockIdx.y;
  int64_t slot = 0;
  const int64_t len = checked_length(a, b, &slot);
  merge_partials<T, DH, NK, R>(a, b, gq, blocks_with_work(len, keys_per_block<T, DH, NK>(a, len)),
                               len > 0, sm_w, sm_l, sm_o);
}

}  // namespace
}  // namespace rbench::runtime::kernels
