// CUDA batched decode attention (flash-decoding with the differential pairing fused); the math and shapes are in
// decode_attention.h, the oracle is decode_attention_ref.cpp. This file holds the chunk pass, the split plan and
// the launch; the merge of the blocks' partials is decode_attention_merge.cuh.
// Work split: one thread block per (sequence, K/V group, query tile, key chunk). A group is the NK key heads whose
// K and V the block streams exactly once: NK = 1 for plain GQA (kv head h, query heads h r .. h r + r-1), NK = 2 for
// differential attention (kv heads 2g, 2g+1; query pairs g r .. g r + r-1, both branches). Every query of the group
// keeps its own online-softmax state (max, sum, accumulator over all NK value heads, width NK dh), so one read of
// K/V serves both branches of all r pairs. Up to kMaxQueriesPerHead queries per key head live in registers; larger
// ratios take extra query tiles (re-reading K/V, never needed by SambaY's r = 2 or Phi3's r = 3).
// Inside a block: a lane owns an 8-element slice of one head of one key (16-byte loads for bf16/fp16), dh / 8
// lanes hold a head vector, NK dh / 8 lanes a key, and a warp takes 32 / (NK dh / 8) consecutive keys per step
// with U steps of loads in flight. Logits are pre-scaled by log2(e) for exp2f; everything accumulates in float32.
// The number of key blocks per (sequence, group, query tile), n_splits, comes from host-known shapes only (B,
// groups, C, SM count), so the launch never reads lengths on the host and can be captured in a CUDA graph. At small
// batch each block then takes an equal share of the sequence's actual length (a whole number of its load steps), so
// a short context still spreads over the GPU; when one block per (sequence, group) already fills the GPU, blocks
// keep the share of a full cache. Blocks past the sequence's length write nothing. The partial (max, sum,
// accumulator) of each block are merged in float32 by the last block of its (sequence, group, query tile) to
// finish, found through a per-device counter that the merging block resets (so no launch needs a memset); a call
// captured before any counter exists falls back to a second merge kernel with the same code. The merge
// normalises and applies the output step (plain: cast; differential: a1 - lambda a2, RMS sub-norm, subln and
// (1 - lambda_init), rounded where the reference rounds). Bytes moved: each valid K/V byte once, plus partials of
// B * groups * splits * NQ * (NK dh + 2) float32, small against the cache for any context worth splitting.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/kernels/decode_attention/decode_attention.h"
#include "runtime/kernels/decode_attention/decode_attention_device.cuh"
#include "runtime/kernels/decode_attention/decode_attention_merge.cuh"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int64_t kMinChunk = 32;         // keys of a full cache per block: one load step of the usual shapes
constexpr int64_t kMinChunkFilled = 128;  // the same when one block per sequence and group fills the GPU
constexpr int64_t kMaxChunk = 2048;       // keys: longer chunks leave a long tail when blocks outnumber SMs
constexpr int64_t kChunkAlign = 16;
constexpr int64_t kBlockOverheadKeys = 32;  // a block's fixed cost (queries, merges, partials) in key reads
constexpr float kLog2e = 1.4426950408889634f;

// 8 consecutive cache elements as raw 16-byte words (one for 2-byte types, two for float32) and as float32.
template <typename T>
struct Slice {
  static constexpr int kWords = sizeof(T) / 2;
  uint4 w[kWords];

  __device__ void load(const T* p) {
    const uint4* src = reinterpret_cast<const uint4*>(p);
#pragma unroll
    for (int i = 0; i < kWords; ++i) w[i] = __ldg(src + i);
  }
  __device__ void clear() {
#pragma unroll
    for (int i = 0; i < kWords; ++i) w[i] = make_uint4(0u, 0u, 0u, 0u);
  }
  __device__ void to_float(float (&f)[kSlice]) const {
    if constexpr (std::is_same_v<T, float>) {
#pragma unroll
      for (int i = 0; i < kWords; ++i) {
        f[4 * i + 0] = __uint_as_float(w[i].x);
        f[4 * i + 1] = __uint_as_float(w[i].y);
        f[4 * i + 2] = __uint_as_float(w[i].z);
        f[4 * i + 3] = __uint_as_float(w[i].w);
      }
    } else {
      const unsigned words[4] = {w[0].x, w[0].y, w[0].z, w[0].w};  // element 2i in the low half of word i
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        if constexpr (std::is_same_v<T, c10::BFloat16>) {
          f[2 * i] = __uint_as_float(words[i] << 16);
          f[2 * i + 1] = __uint_as_float(words[i] & 0xffff0000u);
        } else {
          f[2 * i] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] & 0xffffu)));
          f[2 * i + 1] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] >> 16)));
        }
      }
    }
  }
};

// Folds the softmax state (mo, lo, ao) into (m, l, acc); both may be empty (max -inf, sum 0, accumulator 0).
__device__ inline void merge_state(float& m, float& l, float (&acc)[kSlice], float mo, float lo,
                                   const float (&ao)[kSlice]) {
  const float mx = fmaxf(m, mo);
  if (mx == -INFINITY) return;
  const float w = exp2f(m - mx), wo = exp2f(mo - mx);
  l = l * w + lo * wo;
#pragma unroll
  for (int e = 0; e < kSlice; ++e) acc[e] = acc[e] * w + ao[e] * wo;
  m = mx;
}

// Blocks of the chunk kernel resident per SM, guaranteed through __launch_bounds__ (at most 128 registers for 4
// blocks of 128 threads); 4 blocks keep about 64 KB of K/V loads in flight per SM, enough to saturate HBM.
template <int NQ>
constexpr int kResidentBlocks = NQ <= 4 ? 4 : 2;

// One block's share of the keys, [start, end): its partial softmax state written to the partials at `part`.
template <typename T, int DH, int NK, int R>
__device__ void chunk_partial(const DecodeArgs<T>& a, int b, int g, int qt, int64_t part, int64_t start, int64_t end,
                              int64_t slot, float (*sm_m)[NK * R], float (*sm_l)[NK * R],
                              float (*sm_acc)[NK * R][NK * DH]) {
  constexpr int LH = DH / kSlice;          // lanes per head vector
  constexpr int LK = NK * LH;              // lanes per key
  constexpr int KPW = 32 / LK;             // keys per warp per step
  constexpr int U = sizeof(T) == 4 ? 2 : 4;  // steps whose loads are issued together
  constexpr int NQ = NK * R;               // queries of the block: index h' R + j (key head h', query j)
  constexpr int VW = NK * DH;              // accumulator width of each query
  constexpr int kKeysPerIter = kWarps * KPW * U;
  static_assert(LK <= 32 && 32 % LK == 0, "a key's slices must fit in one warp");

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int lane_key = lane / LK, lane_head = (lane / LH) % NK, lane_part = lane % LH;
  const int64_t kv_head = static_cast<int64_t>(g) * NK + lane_head;

  // This lane's slice of the queries that read its key head (zero for queries past r in the last tile).
  float qf[R][kSlice];
#pragma unroll
  for (int j = 0; j < R; ++j) {
    const int jj = qt * R + j;
    const int64_t q_head = NK * (static_cast<int64_t>(g) * a.ratio + jj) + lane_head;
    const T* src = a.q + (b * a.n_heads + q_head) * DH + lane_part * kSlice;
#pragma unroll
    for (int e = 0; e < kSlice; ++e) qf[j][e] = jj < a.ratio ? static_cast<float>(src[e]) * a.q_scale : 0.f;
  }

  const int64_t head_offset = ((slot * a.n_kv_heads + kv_head) * a.capacity) * DH + lane_part * kSlice;
  const T* k_head = a.k + head_offset;
  const T* v_head = a.v + head_offset;

  float m[NQ], l[NQ], acc[NQ][kSlice];
#pragma unroll
  for (int q = 0; q < NQ; ++q) {
    m[q] = -INFINITY;
    l[q] = 0.f;
#pragma unroll
    for (int e = 0; e < kSlice; ++e) acc[q][e] = 0.f;
  }

  // The loads of step `it` into (kr, vr, vd): this lane's slice of keys it + warp KPW U + lane_key + u KPW.
  const auto load_step = [&](int64_t it, Slice<T> (&kr)[U], Slice<T> (&vr)[U], bool (&vd)[U]) {
    const int64_t first = it + warp * KPW * U + lane_key;
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t key = first + u * KPW;
      vd[u] = key < end;
      if (vd[u]) {
        kr[u].load(k_head + key * DH);
        vr[u].load(v_head + key * DH);
      } else {  // never read past the length: those entries may hold NaN
        kr[u].clear();
        vr[u].clear();
      }
    }
  };
  // Loading the next step while this one computes (software pipelining) was measured no faster on the H100: with
  // its registers the kernel spills at 4 blocks per SM, and at 3 blocks it is slower at long contexts (rbench bench
  // SambaY batch 1, share of the roofline at 2K / 32K: 74.5% / 72.7% spilling, 73.7% / 75.8% at 3 blocks, against
  // 74.9% / 77.0% for this loop).
  for (int64_t it = start; it < end; it += kKeysPerIter) {
    Slice<T> kraw[U], vraw[U];
    bool valid[U];
    load_step(it, kraw, vraw, valid);
    float x[U][NQ];  // log2-scaled logits of step u for every query of the block
#pragma unroll
    for (int u = 0; u < U; ++u) {
      float kf[kSlice];
      kraw[u].to_float(kf);
#pragma unroll
      for (int j = 0; j < R; ++j) {
        float s = 0.f;
#pragma unroll
        for (int e = 0; e < kSlice; ++e) s = fmaf(qf[j][e], kf[e], s);
#pragma unroll
        for (int off = LH / 2; off > 0; off /= 2) s += __shfl_xor_sync(0xffffffffu, s, off);
        if constexpr (NK == 1) {
          x[u][j] = s;
        } else {  // the other head's logit comes from the lanes LH away, which hold the same key
          const float other = __shfl_xor_sync(0xffffffffu, s, LH);
          x[u][j] = lane_head == 0 ? s : other;
          x[u][R + j] = lane_head == 0 ? other : s;
        }
      }
    }
    float vf[U][kSlice];
#pragma unroll
    for (int u = 0; u < U; ++u) vraw[u].to_float(vf[u]);
#pragma unroll
    for (int q = 0; q < NQ; ++q) {
      float step_max = -INFINITY;
#pragma unroll
      for (int u = 0; u < U; ++u) step_max = valid[u] ? fmaxf(step_max, x[u][q]) : step_max;
      const float m_new = fmaxf(m[q], step_max);
      if (m_new == -INFINITY) continue;  // no valid key seen yet by this lane
      const float corr = exp2f(m[q] - m_new);
      float p[U], p_sum = 0.f;
#pragma unroll
      for (int u = 0; u < U; ++u) {
        p[u] = valid[u] ? exp2f(x[u][q] - m_new) : 0.f;
        p_sum += p[u];
      }
      l[q] = l[q] * corr + p_sum;
#pragma unroll
      for (int e = 0; e < kSlice; ++e) {
        float s = acc[q][e] * corr;
#pragma unroll
        for (int u = 0; u < U; ++u) s = fmaf(p[u], vf[u][e], s);
        acc[q][e] = s;
      }
      m[q] = m_new;
    }
  }

  // Merge the KPW key streams of the warp (lanes LK, 2 LK, ... apart hold the same slice of other keys).
#pragma unroll
  for (int off = LK; off < 32; off *= 2) {
#pragma unroll
    for (int q = 0; q < NQ; ++q) {
      const float mo = __shfl_xor_sync(0xffffffffu, m[q], off), lo = __shfl_xor_sync(0xffffffffu, l[q], off);
      float ao[kSlice];
#pragma unroll
      for (int e = 0; e < kSlice; ++e) ao[e] = __shfl_xor_sync(0xffffffffu, acc[q][e], off);
      merge_state(m[q], l[q], acc[q], mo, lo, ao);
    }
  }
  if (lane < LK) {
#pragma unroll
    for (int q = 0; q < NQ; ++q) {
#pragma unroll
      for (int e = 0; e < kSlice; ++e) sm_acc[warp][q][lane_head * DH + lane_part * kSlice + e] = acc[q][e];
      if (lane == 0) {
        sm_m[warp][q] = m[q];
        sm_l[warp][q] = l[q];
      }
    }
  }
  __syncthreads();
  // Merge the warps and write the chunk's partial state.
  for (int i = threadIdx.x; i < NQ * VW; i += kThreads) {
    const int q = i / VW, c = i % VW;
    float mx = -INFINITY;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) mx = fmaxf(mx, sm_m[w][q]);
    float l_sum = 0.f, a_sum = 0.f;
    if (mx != -INFINITY) {
#pragma unroll
      for (int w = 0; w < kWarps; ++w) {
        const float wt = exp2f(sm_m[w][q] - mx);
        l_sum += sm_l[w][q] * wt;
        a_sum += sm_acc[w][q][c] * wt;
      }
    }
    a.part_acc[(part * NQ + q) * VW + c] = a_sum;
    if (c == 0) {
      a.part_ml[(part * NQ + q) * 2] = mx;
      a.part_ml[(part * NQ + q) * 2 + 1] = l_sum;
    }
  }
}

// The partial softmax state of one key chunk for every query of one (sequence, group, query tile); with counters,
// the last block of the (sequence, group, query tile) to finish then merges them all.
template <typename T, int DH, int NK, int R>
__global__ void __launch_bounds__(kThreads, kResidentBlocks<NK * R>) decode_attention_chunk_kernel(DecodeArgs<T> a) {
  constexpr int NQ = NK * R;
  constexpr int VW = NK * DH;

  // The warps' states, then (in the merging block) the merge's weights and outputs.
  constexpr int kPoolFloats = std::max(kWarps * NQ * VW, 2 * static_cast<int>(kMaxSplits) * NQ + NQ * VW);
  __shared__ float sm_m[kWarps][NQ], sm_l[kWarps][NQ];
  __shared__ float sm_pool[kPoolFloats];
  __shared__ int sm_last;
  float (*sm_acc)[NQ][VW] = reinterpret_cast<float (*)[NQ][VW]>(sm_pool);

  allow_next_kernels();
  wait_for_previous_kernels();  // q, the cache rows just appended, slots and lengths come from earlier kernels
  const int split = blockIdx.x, gq = blockIdx.y, b = blockIdx.z;
  const int g = gq / a.n_qtiles, qt = gq % a.n_qtiles;
  const int64_t part = (static_cast<int64_t>(b) * a.n_gq + gq) * a.n_splits + split;
  int64_t slot = 0;
  const int64_t len = checked_length(a, b, &slot);
  const int64_t per = keys_per_block<T, DH, NK>(a, len);
  const int n_active = blocks_with_work(len, per);
  if (split < n_active)  // block-uniform
    chunk_partial<T, DH, NK, R>(a, b, g, qt, part, split * per, min((split + 1) * per, len), slot, sm_m, sm_l, sm_acc);
  if (a.counters == nullptr) return;
  // Publish this block's partial, then count it; the block that counts last merges (and resets the counter).
  __threadfence();
  __syncthreads();
  int* counter = a.counters + static_cast<int64_t>(b) * a.n_gq + gq;
  if (threadIdx.x == 0) {
    sm_last = atomicAdd(counter, 1) == a.n_splits - 1;
    if (sm_last) *counter = 0;
  }
  __syncthreads();
  if (!sm_last) return;
  __threadfence();
  merge_partials<T, DH, NK, R>(a, b, gq, n_active, len > 0, sm_pool, sm_pool + kMaxSplits * NQ,
                               sm_pool + 2 * kMaxSplits * NQ);
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The blocks per (sequence, group, query tile), from host-known shapes only (never from lengths, so the launch is
// graph-capturable): the split count whose blocks, run in waves of `wave_blocks`, finish first when every sequence
// is full, each block costing its share of keys plus a fixed overhead. Shares stay within [min chunk, kMaxChunk]
// keys where C allows, at most kMaxSplits of them. When one block per (sequence, group, query tile) already fills
// the GPU, a shorter sequence keeps the full-length share (fewer, longer blocks and fewer partials to merge);
// otherwise it spreads over all the blocks (keys_per_block), so a short context at small batch still uses the GPU.
struct SplitPlan {
  int64_t n_splits = 0, min_share = 0;
};

SplitPlan plan_splits(int64_t base_blocks, int64_t capacity, int64_t wave_blocks) {
  const bool fills = base_blocks >= wave_blocks;
  const int64_t min_chunk = fills ? kMinChunkFilled : kMinChunk;
  const int64_t fewest = std::min(ceil_div(capacity, kMaxChunk), kMaxSplits);
  const int64_t most = std::max(fewest, std::min(ceil_div(capacity, min_chunk), kMaxSplits));
  SplitPlan best;
  int64_t best_cost = 0;
  for (int64_t splits = fewest; splits <= most; ++splits) {
    const int64_t chunk = ceil_div(ceil_div(capacity, splits), kChunkAlign) * kChunkAlign;
    const int64_t n_splits = ceil_div(capacity, chunk);
    const int64_t cost = ceil_div(base_blocks * n_splits, wave_blocks) * (chunk + kBlockOverheadKeys);
    if (best.n_splits == 0 || cost < best_cost) {
      best = {n_splits, fills ? chunk : 0};
      best_cost = cost;
    }
  }
  return best;
}

// At least `count` zeroed counters for launches on `stream` of the current device (every launch leaves them zero
// again). They are allocated outside graph capture only: a capture that finds too few gets null and merges with
// the second kernel. Buffers are never freed, since a captured graph may still point at an outgrown one; launches
// on one stream run one after another, so they can share one buffer.
int* merge_counters(int64_t count, cudaStream_t stream) {
  static std::mutex mutex;
  static auto* by_stream = new std::map<std::pair<int, cudaStream_t>, std::vector<at::Tensor>>();  // never destroyed
  int device = 0;
  C10_CUDA_CHECK(cudaGetDevice(&device));
  const std::lock_guard<std::mutex> lock(mutex);
  std::vector<at::Tensor>& buffers = (*by_stream)[{device, stream}];
  if (buffers.empty() || buffers.back().numel() < count) {
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    C10_CUDA_CHECK(cudaStreamIsCapturing(stream, &capturing));
    if (capturing != cudaStreamCaptureStatusNone) return nullptr;
    buffers.push_back(at::zeros({std::max<int64_t>(count, 4096)},
                                at::TensorOptions().device(at::kCUDA, static_cast<c10::DeviceIndex>(device)).dtype(at::kInt)));
  }
  return buffers.back().data_ptr<int>();
}

// Plans the split, allocates the partials (caching allocator, stream-ordered) and launches the chunk kernel, which
// merges through the counters, or both kernels when there are none.
template <typename T, int DH, int NK, int R>
void launch(DecodeArgs<T> a, int64_t batch, bool single_pass, const at::TensorOptions& f32, cudaStream_t stream) {
  constexpr int NQ = NK * R;
  const int64_t n_sm = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
  const SplitPlan plan = plan_splits(batch * a.n_gq, a.capacity, n_sm * kResidentBlocks<NQ>);
  const int64_t n_splits = plan.n_splits;
  a.min_share = plan.min_share;
  at::Tensor part_acc = at::empty({batch * a.n_gq * n_splits * NQ * NK * DH}, f32);
  at::Tensor part_ml = at::empty({batch * a.n_gq * n_splits * NQ * 2}, f32);
  a.n_splits = static_cast<int>(n_splits);
  a.part_acc = part_acc.data_ptr<float>();
  a.part_ml = part_ml.data_ptr<float>();
  a.counters = single_pass ? merge_counters(batch * a.n_gq, stream) : nullptr;
  const dim3 chunk_grid(static_cast<unsigned>(n_splits), static_cast<unsigned>(a.n_gq), static_cast<unsigned>(batch));
  launch_dependent(decode_attention_chunk_kernel<T, DH, NK, R>, chunk_grid, dim3(kThreads), 0, stream, a);
  if (a.counters != nullptr) return;
  const dim3 combine_grid(static_cast<unsigned>(a.n_gq), static_cast<unsigned>(batch));
  decode_attention_combine_kernel<T, DH, NK, R><<<combine_grid, kThreads, 0, stream>>>(a);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename T, int DH, int NK>
void launch_for_tile(int queries_per_tile, const DecodeArgs<T>& a, int64_t batch, bool single_pass,
                     const at::TensorOptions& f32, cudaStream_t stream) {
  switch (queries_per_tile) {
    case 1: return launch<T, DH, NK, 1>(a, batch, single_pass, f32, stream);
    case 2: return launch<T, DH, NK, 2>(a, batch, single_pass, f32, stream);
    case 3: return launch<T, DH, NK, 3>(a, batch, single_pass, f32, stream);
    default: return launch<T, DH, NK, kMaxQueriesPerHead>(a, batch, single_pass, f32, stream);
  }
}

template <typename T>
void launch_for_shape(int64_t head_dim, bool differential, int queries_per_tile, const DecodeArgs<T>& a,
                      int64_t batch, bool single_pass, const at::TensorOptions& f32, cudaStream_t stream) {
  if (head_dim == 64) {
    if (differential) return launch_for_tile<T, 64, 2>(queries_per_tile, a, batch, single_pass, f32, stream);
    return launch_for_tile<T, 64, 1>(queries_per_tile, a, batch, single_pass, f32, stream);
  }
  if (differential) return launch_for_tile<T, 128, 2>(queries_per_tile, a, batch, single_pass, f32, stream);
  return launch_for_tile<T, 128, 1>(queries_per_tile, a, batch, single_pass, f32, stream);
}

void check_aligned(const at::Tensor& t, const char* name) {
  if (reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 16 != 0) {
    throw std::invalid_argument(std::string("decode_attention_cuda: tensor '") + name +
                                "' must start on a 16-byte boundary (the kernel reads it in 16-byte words)");
  }
}

}  // namespace

at::Tensor decode_attention_cuda(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                 const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p) {
  check_decode_attention_args(q, k_cache, v_cache, slots, lengths, p);
  if (!q.is_cuda()) throw std::invalid_argument("decode_attention_cuda: tensor 'q': expected a CUDA device, got " +
                                                q.device().str());
  const int64_t B = q.size(0), Hq = p.n_heads, Hkv = p.n_kv_heads, dh = p.head_dim, C = k_cache.size(2);
  if (dh != 64 && dh != 128) {
    throw std::invalid_argument("decode_attention_cuda: head_dim " + std::to_string(dh) +
                                " is not supported (64 or 128)");
  }
  check_aligned(k_cache, "k_cache");
  check_aligned(v_cache, "v_cache");
  const c10::cuda::CUDAGuard guard(q.device());
  const int NK = p.differential ? 2 : 1;
  const int64_t n_groups = Hkv / NK, ratio = Hq / Hkv;
  const int queries_per_tile = static_cast<int>(std::min<int64_t>(ratio, kMaxQueriesPerHead));
  const int64_t n_qtiles = ceil_div(ratio, queries_per_tile), n_gq = n_groups * n_qtiles;
  if (B > 65535 || n_gq > 65535) {
    throw std::invalid_argument("decode_attention_cuda: batch " + std::to_string(B) + " or kv groups x query tiles " +
                                std::to_string(n_gq) + " exceeds the grid limit 65535");
  }
  at::Tensor out = at::empty({B, Hq * dh}, q.options());  // [B, Hq dh]
  if (B == 0) return out;

  const at::Tensor qc = q.contiguous(), slotsc = slots.contiguous(), lengthsc = lengths.contiguous();
  const at::Tensor sublnc = p.differential ? p.subln.contiguous() : at::Tensor();
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  auto run = [&](auto type_tag) {
    using scalar_t = decltype(type_tag);
    DecodeArgs<scalar_t> a{};
    a.q = qc.data_ptr<scalar_t>();
    a.k = k_cache.data_ptr<scalar_t>();
    a.v = v_cache.data_ptr<scalar_t>();
    a.slots = slotsc.data_ptr<int64_t>();
    a.lengths = lengthsc.data_ptr<int64_t>();
    a.subln = p.differential ? sublnc.data_ptr<scalar_t>() : nullptr;
    a.out = out.data_ptr<scalar_t>();
    a.n_slots = k_cache.size(0);
    a.n_heads = Hq;
    a.n_kv_heads = Hkv;
    a.capacity = C;
    a.ratio = static_cast<int>(ratio);
    a.n_qtiles = static_cast<int>(n_qtiles);
    a.n_gq = static_cast<int>(n_gq);
    a.q_scale = static_cast<float>(p.scale) * kLog2e;
    a.lambda = static_cast<float>(p.lambda);
    a.out_scale = static_cast<float>(1.0 - p.lambda_init);
    launch_for_shape<scalar_t>(dh, p.differential, queries_per_tile, a, B, p.single_pass, q.options().dtype(at::kFloat),
                                stream);
  };
  // The argument check admits exactly these three compute dtypes.
  switch (q.scalar_type()) {
    case at::kFloat: run(float{}); break;
    case at::kBFloat16: run(c10::BFloat16{}); break;
    default: run(c10::Half{}); break;
  }
  return out;
}

}  // namespace rbench::runtime::kernels
