// Device pieces of decode attention shared by its chunk pass (decode_attention.cu) and its merge
// (decode_attention_merge.cuh): the block shape, the kernel arguments, and how a sequence's keys are shared out
// among its blocks. Included by decode_attention.cu only.
#pragma once

#include <cstdint>

namespace rbench::runtime::kernels {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = 32 * kWarps;
constexpr int kSlice = 8;                 // cache elements per lane per load
constexpr int kMaxQueriesPerHead = 4;     // R: queries per key head held in registers by one block
constexpr int64_t kMaxSplits = 512;       // bounds the merge's shared weight table
static_assert(kMaxQueriesPerHead <= kWarps, "the differential epilogue gives each query pair one warp");

template <typename T>
struct DecodeArgs {
  const T* q;              // [B, Hq, dh]
  const T* k;              // [S, Hkv, C, dh]
  const T* v;              // [S, Hkv, C, dh]
  const int64_t* slots;    // [B]
  const int64_t* lengths;  // [B]
  const T* subln;          // [2 dh], differential only
  T* out;                  // [B, Hq dh]
  float* part_acc;         // [B, n_gq, n_splits, NQ, NK dh]: unnormalised accumulators of each chunk
  float* part_ml;          // [B, n_gq, n_splits, NQ, 2]: (max in log2 units, sum of exp2) of each chunk
  int* counters;           // [B, n_gq] zeros, blocks finished so far; null: a separate kernel merges
  int64_t min_share;       // keys: the least a block with work takes (0: any whole number of load steps)
  int64_t n_slots, n_heads, n_kv_heads, capacity;
  int ratio;               // r = Hq / Hkv: query heads per kv head (plain), query pairs per group (differential)
  int n_qtiles, n_gq, n_splits;
  float q_scale;           // softmax scale * log2(e)
  float lambda, out_scale; // differential: lambda and (1 - lambda_init)
};

// The length sequence b attends over, or 0 when its slot or length is out of range (its row becomes NaN).
template <typename T>
__device__ int64_t checked_length(const DecodeArgs<T>& a, int b, int64_t* slot) {
  const int64_t s = a.slots[b], len = a.lengths[b];
  *slot = s;
  return (s >= 0 && s < a.n_slots && len >= 1 && len <= a.capacity) ? len : 0;
}

__device__ inline int blocks_with_work(int64_t len, int64_t per) {
  return len > 0 ? static_cast<int>((len + per - 1) / per) : 0;
}

// Keys one block reads per step of its loop (all warps, all loads in flight): the granularity of a block's share.
template <typename T, int DH, int NK>
constexpr int keys_per_step() {
  return kWarps * (32 / (NK * DH / kSlice)) * (sizeof(T) == 4 ? 2 : 4);
}

// Keys per block for a sequence of `len` keys split over n_splits blocks: an equal share rounded up to whole load
// steps, at least min_share, so the blocks that have work are the first blocks_with_work(len, share) (none when
// len is 0). The chunk pass and the merge compute it alike.
template <typename T, int DH, int NK>
__device__ inline int64_t keys_per_block(const DecodeArgs<T>& a, int64_t len) {
  constexpr int kpi = keys_per_step<T, DH, NK>();
  const int64_t share = (len + a.n_splits - 1) / a.n_splits;
  return max((share + kpi - 1) / kpi * kpi, a.min_share);
}

}  // namespace
}  // namespace rbench::runtime::kernels
