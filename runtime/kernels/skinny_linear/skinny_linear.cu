// CUDA fused skinny linear; the math and shapes are in skinny_linear.h, the oracle is skinny_linear_ref.cpp.
// This file holds the kernel's loop, the tiling plan and the launch; skinny_linear_device.cuh the loads,
// reductions and the LayerNorm prologue; skinny_linear_epilogue.cuh what finishing an output reads and writes.
// Reading the weight once at the copy bandwidth is the whole job at M <= 8 rows, so the kernel is built around the
// weight stream: each warp owns two weight rows (two outputs, or the gate and up rows of one output) over a slice of
// K, every lane keeps 8 to 16 16-byte loads in flight (streamed past L1; how many, and whether in two alternating
// register batches, depends on the matrix size: see launch), and the M input rows (few, reused by every warp)
// come from L1 or, when the kernel normalises them, from shared memory. Blocks are persistent: as many as fit the
// GPU, each looping over tiles of rows, so the LayerNorm prologue runs once per block rather than once per tile.
// Small N splits K across the warps of a block (reduced through shared memory) so that enough loads are in flight.
// The first register batch of weights is requested before the kernel waits for the previous one's results
// (programmatic dependent launch), which overlaps each linear's start with the end of the kernel before it; a
// small matrix is split so that this first batch is all of it where the registers allow (one round).
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/BFloat16.h>
#include <cuda_bf16.h>

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "runtime/kernels/dependent_launch.cuh"
#include "runtime/kernels/skinny_linear/skinny_linear.h"
#include "runtime/kernels/skinny_linear/skinny_linear_device.cuh"
#include "runtime/kernels/skinny_linear/skinny_linear_epilogue.cuh"

namespace rbench::runtime::kernels {

namespace {

// UNROLL: 16-byte chunks per row that a lane requests at once. DB: two such batches alternate, the next one in
// flight while the current one is multiplied, at the cost of twice the registers.
template <typename T, int MAXM, bool NORM, SkinnyEpilogue EPI, int UNROLL, bool DB, SideWrites SIDE>
__global__ void __launch_bounds__(kThreads) skinny_linear_kernel(SkinnyParams p) {
  extern __shared__ uint4 dynamic_smem[];
  __shared__ float scratch[kWarps * MAXM];
  __shared__ float partial[kWarps][kRowsPerWarp][MAXM];
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int KS = p.k_split, groups = kWarps / KS;
  const int group = warp / KS, slice = warp % KS;

  const auto* w = static_cast<const T*>(p.weight);
  const int chunks = p.K / 8;
  const int per_slice = (chunks + KS - 1) / KS;
  const int c_begin = slice * per_slice, c_end = min(chunks, c_begin + per_slice);
  constexpr int kStep = 32 * UNROLL;  // chunks of a row that one batch of the warp covers
  constexpr bool halves = EPI == SkinnyEpilogue::silu_gate_halves;
  // The two rows of a slot: outputs 2 slot and 2 slot + 1, or the gate row slot and its up row slot + N/2.
  const auto slot_rows = [&](int slot, const T* (&rows)[kRowsPerWarp]) {
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i) {
      const int64_t r = halves ? slot + static_cast<int64_t>(i) * (p.N / 2) : 2 * static_cast<int64_t>(slot) + i;
      rows[i] = w + min(r, static_cast<int64_t>(p.N) - 1) * p.K;  // an odd N's last slot repeats its row
    }
  };
  uint4 wv[DB ? 2 : 1][UNROLL][kRowsPerWarp];
  const auto load_batch = [&](int buf, const T* (&rows)[kRowsPerWarp], int c) {
#pragma unroll
    for (int u = 0; u < UNROLL; ++u) {
      const int cc = c + 32 * u;
#pragma unroll
      for (int i = 0; i < kRowsPerWarp; ++i)
        wv[buf][u][i] = cc < c_end ? load_streaming(rows[i] + static_cast<int64_t>(cc) * 8) : make_uint4(0, 0, 0, 0);
    }
  };
  // The first batch of weights (which no kernel writes) is requested before waiting for the previous kernel,
  // whose results the rest reads, and the next kernel may launch meanwhile (programmatic dependent launch).
  bool prefetched = false;
  if (blockIdx.x < p.tiles && blockIdx.x * groups + group < p.slots && c_begin + lane < c_end) {
    const T* rows[kRowsPerWarp];
    slot_rows(blockIdx.x * groups + group, rows);
    load_batch(0, rows, c_begin + lane);
    // Double-buffered, both batches (rbench bench SambaY batch 1, H100: 77.2% of the roofline at 2K against
    // 76.1% and 76.9% with the first only).
    if constexpr (DB) load_batch(1, rows, c_begin + lane + kStep);
    prefetched = true;
  }
  // Dynamic shared memory with a norm: the normalised rows [M, K], then the norm's weight and bias [K] each.
  T* const xs = reinterpret_cast<T*>(dynamic_smem);
  T* const ws = xs + static_cast<int64_t>(p.M) * p.K;
  T* const bs = ws + p.K;
  // Measured on the H100 (rbench bench SambaY batch 1, three rounds of one build switched): 77.8/78.0/78.4% of the
  // roofline at 2K and 79.7/79.7/80.1% at 32K, against 75.5/75.8/76.4% and 77.3/77.8/78.3% reading them after the
  // statistics.
  if constexpr (NORM) stage_norm_params<T>(p, ws, bs);
  allow_next_kernels();
  wait_for_previous_kernels();
  // Lane m finishes row m's outputs: its slot indices for the side writes, read once.
  RowIndices row_indices;
  if constexpr (SIDE != SideWrites::none)
    if (lane < p.M) row_indices = read_row_indices(p, lane);

  const T* x;
  int64_t ldx;
  if constexpr (NORM) {
    normalise_rows<T, MAXM>(p, xs, ws, bs, scratch);
    x = xs, ldx = p.K;
  } else {
    x = static_cast<const T*>(p.x), ldx = p.ldx;
  }

  for (int tile = blockIdx.x; tile < p.tiles; tile += gridDim.x) {
    const int slot = tile * groups + group;
    float acc[kRowsPerWarp][MAXM];
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i)
#pragma unroll
      for (int m = 0; m < MAXM; ++m) acc[i][m] = 0.f;
    // Multiplies batch `buf`, which holds chunks c, c + 32, ... of the slot's rows, into acc.
    const auto accumulate = [&](int buf, int c) {
#pragma unroll
      for (int u = 0; u < UNROLL; ++u) {
        const int cc = c + 32 * u;
        if (cc >= c_end) break;
        float wf[kRowsPerWarp][8];
#pragma unroll
        for (int i = 0; i < kRowsPerWarp; ++i) unpack8(wv[buf][u][i], wf[i], T{});
#pragma unroll
        for (int m = 0; m < MAXM; ++m) {
          if (m < p.M) {
            float xf[8];
            unpack8(*reinterpret_cast<const uint4*>(x + m * ldx + static_cast<int64_t>(cc) * 8), xf, T{});
#pragma unroll
            for (int i = 0; i < kRowsPerWarp; ++i)
#pragma unroll
              for (int j = 0; j < 8; ++j) acc[i][m] = fmaf(wf[i][j], xf[j], acc[i][m]);
          }
        }
      }
    };
    const bool finisher = slice == 0 && slot < p.slots && lane < MAXM && lane < p.M;
    EpilogueIn epilogue_in;
    if (finisher) epilogue_in = read_epilogue_inputs<T, EPI>(p, lane, slot);
    if (slot < p.slots && c_begin + lane < c_end) {
      const T* rows[kRowsPerWarp];
      slot_rows(slot, rows);
      int c = c_begin + lane;
      const bool both = DB && prefetched;
      if (!prefetched) load_batch(0, rows, c);
      prefetched = false;
      if constexpr (!DB) {
        for (;;) {
          accumulate(0, c);
          c += kStep;
          if (c >= c_end) break;
          load_batch(0, rows, c);
        }
      } else {
        for (bool first = true;; c += 2 * kStep, first = false) {
          const bool more = c + kStep < c_end;
          if (more && !(first && both)) load_batch(1, rows, c + kStep);
          accumulate(0, c);
          if (!more) break;
          const bool more2 = c + 2 * kStep < c_end;
          if (more2) load_batch(0, rows, c + 2 * kStep);
          accumulate(1, c + kStep);
          if (!more2) break;
        }
      }
    }
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i)
#pragma unroll
      for (int m = 0; m < MAXM; ++m) acc[i][m] = warp_sum(acc[i][m]);
    if (KS > 1) {  // the slices of one slot add up through shared memory
      if (lane == 0) {
#pragma unroll
        for (int i = 0; i < kRowsPerWarp; ++i)
#pragma unroll
          for (int m = 0; m < MAXM; ++m) partial[warp][i][m] = acc[i][m];
      }
      __syncthreads();
      if (slice == 0) {
#pragma unroll
        for (int i = 0; i < kRowsPerWarp; ++i)
#pragma unroll
          for (int m = 0; m < MAXM; ++m) {
            float s = 0.f;
            for (int k = 0; k < KS; ++k) s += partial[warp + k][i][m];
            acc[i][m] = s;
          }
      }
      __syncthreads();  // partial is free for the next tile
    }
    if (finisher) {
      const int m = lane;
      // Every lane holds the sums (xor reduction); lane m finishes row m's outputs.
      float a[kRowsPerWarp];
#pragma unroll
      for (int i = 0; i < kRowsPerWarp; ++i) {
        a[i] = 0.f;
#pragma unroll
        for (int mm = 0; mm < MAXM; ++mm)
          if (mm == m) a[i] = acc[i][mm];
      }
      finish<T, EPI, SIDE>(p, m, slot, a, epilogue_in, row_indices);
    }
  }
}

// Resident blocks per SM of one instantiation at its largest shared memory, computed once.
template <typename T, int MAXM, bool NORM, SkinnyEpilogue EPI, int UNROLL, bool DB, SideWrites SIDE>
int resident_blocks_per_sm() {
  static const int blocks = [] {
    const auto kernel = skinny_linear_kernel<T, MAXM, NORM, EPI, UNROLL, DB, SIDE>;
    const int smem = NORM ? (MAXM + 2) * static_cast<int>(kSkinnyMaxNormCols * sizeof(T)) : 0;
    if (smem > 48 * 1024)
      C10_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
    int n = 0;
    C10_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, kernel, kThreads, smem));
    return std::max(n, 1);
  }();
  return blocks;
}

// Splits the work into tiles and picks the grid. Blocks are persistent: as many as fit, each looping over tiles.
template <typename T, int MAXM, bool NORM, SkinnyEpilogue EPI, int UNROLL, bool DB, SideWrites SIDE>
void launch_with(SkinnyParams p, cudaStream_t stream) {
  const int sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
  const int resident = resident_blocks_per_sm<T, MAXM, NORM, EPI, UNROLL, DB, SIDE>() * sms;
  const int chunks = p.K / 8;
  constexpr int kHeld = DB ? 2 * UNROLL : UNROLL;  // chunks per row a lane holds in registers
  const auto tiles_for = [&](int k_split) { return (p.slots + kWarps / k_split - 1) / (kWarps / k_split); };
  // One round where it fits: the fewest K slices with which every warp's share is one register load (all of it
  // requested before the wait) and every tile has its own block.
  p.k_split = 0;
  for (int ks = 1; ks <= kWarps && p.k_split == 0; ks *= 2)
    if ((chunks / ks + 31) / 32 <= kHeld && tiles_for(ks) <= resident) p.k_split = ks;
  if (p.k_split == 0) {
    // Otherwise the fewest K slices that give every resident block about three tiles (smaller tiles shorten the
    // last round), while each lane still gets a few chunks per row.
    p.k_split = 1;
    while (p.k_split < kWarps && (p.slots * p.k_split + kWarps - 1) / kWarps < 3 * resident &&
           chunks / (2 * p.k_split) >= 64)
      p.k_split *= 2;
  }
  p.tiles = tiles_for(p.k_split);
  // Measured on the H100 (rbench bench SambaY, batch 1 at 2K, share of the roofline): giving every block the same
  // number of tiles with fewer blocks 66.1% against 67.5% for this; three tiles per resident block rather than one,
  // 68.6% against 67.5%. Dependent launch helps only with the first weights loaded into registers before the wait
  // (73.9% against 69.6%, 2026-11-23); prefetching them into L2 instead measured 67.5% against 68.3% without it.
  const int grid = std::min(p.tiles, resident);
  const int smem = NORM ? (p.M + 2) * p.K * static_cast<int>(sizeof(T)) : 0;
  launch_dependent(skinny_linear_kernel<T, MAXM, NORM, EPI, UNROLL, DB, SIDE>, dim3(static_cast<unsigned>(grid)),
                   dim3(kThreads), static_cast<size_t>(smem), stream, p);
}

// The register batch by matrix size, from tests/kernels/gemv_micro_bench.cu on the H100 (graphs of 64 dependent
// launches over distinct weights, share of the copy bandwidth; the table is in docs/PERFORMANCE.md): large matrices
// stream best with 8 chunks per row in flight (fc1 99.7%, in_proj 91.7%, fc2 96.0%, against 96.7%, 84.2% and 86.8%
// with 4); small ones are bound by the start of the kernel, where 4 chunks and three blocks per SM do best with a
// LayerNorm prologue (Wqkv 74.8% against 68.7% with 8), and two alternating batches of 3 without one (attention
// out_proj 85.4% against 71.1%).
template <typename T, int MAXM, bool NORM, SkinnyEpilogue EPI, SideWrites SIDE = SideWrites::none>
void launch(const SkinnyParams& p, cudaStream_t stream) {
  const int64_t bytes = static_cast<int64_t>(p.N) * p.K * static_cast<int64_t>(sizeof(T));
  constexpr int64_t kLarge = int64_t{40} << 20;
  if (bytes >= kLarge) return launch_with<T, MAXM, NORM, EPI, 8, false, SIDE>(p, stream);
  if constexpr (NORM)
    launch_with<T, MAXM, NORM, EPI, 4, false, SIDE>(p, stream);
  else
    launch_with<T, MAXM, NORM, EPI, 3, true, SIDE>(p, stream);
}

template <typename T, int MAXM, bool NORM>
void launch_epilogue(SkinnyEpilogue e, const SkinnyParams& p, cudaStream_t stream) {
  switch (e) {
    case SkinnyEpilogue::store:
      if (p.k_cache != nullptr) return launch<T, MAXM, NORM, SkinnyEpilogue::store, SideWrites::kv_append>(p, stream);
      return launch<T, MAXM, NORM, SkinnyEpilogue::store>(p, stream);
    case SkinnyEpilogue::store_float: return launch<T, MAXM, NORM, SkinnyEpilogue::store_float>(p, stream);
    case SkinnyEpilogue::add_to_residual: return launch<T, MAXM, NORM, SkinnyEpilogue::add_to_residual>(p, stream);
    case SkinnyEpilogue::silu_gate_halves: return launch<T, MAXM, NORM, SkinnyEpilogue::silu_gate_halves>(p, stream);
    case SkinnyEpilogue::silu_gate_value: return launch<T, MAXM, NORM, SkinnyEpilogue::silu_gate_value>(p, stream);
  }
}

template <typename T>
void launch_rows(bool norm, SkinnyEpilogue e, const SkinnyParams& p, cudaStream_t stream) {
  const auto go = [&](auto max_rows) {
    constexpr int MAXM = decltype(max_rows)::value;
    if (norm)
      launch_epilogue<T, MAXM, true>(e, p, stream);
    else
      launch_epilogue<T, MAXM, false>(e, p, stream);
  };
  static_assert(kSkinnyMaxRows <= 2, "instantiate the kernel for more rows");
  if (p.M <= 1) return go(std::integral_constant<int, 1>{});
  go(std::integral_constant<int, 2>{});
}

}  // namespace

at::Tensor skinny_linear_cuda(const SkinnyLinearArgs& a) {
  check_skinny_linear_args(a);
  TORCH_CHECK(skinny_linear_kernel_fits(a), "skinny_linear_cuda: arguments the kernel does not take (",
              a.x.sizes(), " x ", a.weight.sizes(), ")");
  const c10::cuda::CUDAGuard guard(a.weight.device());
  const int64_t M = a.x.size(0), N = a.weight.size(0), K = a.weight.size(1);
  const bool halves = a.epilogue == SkinnyEpilogue::silu_gate_halves;
  at::Tensor out;
  switch (a.epilogue) {
    case SkinnyEpilogue::store:
    case SkinnyEpilogue::silu_gate_value: out = at::empty({M, N}, a.weight.options()); break;
    case SkinnyEpilogue::silu_gate_halves: out = at::empty({M, N / 2}, a.weight.options()); break;
    case SkinnyEpilogue::store_float: out = at::empty({M, N}, a.weight.options().dtype(at::kFloat)); break;
    case SkinnyEpilogue::add_to_residual: break;
  }
  const at::Tensor bias = a.bias.defined() ? a.bias.contiguous() : a.bias;
  const at::Tensor norm_w = a.norm.weight.defined() ? a.norm.weight.contiguous() : a.norm.weight;
  const at::Tensor norm_b = a.norm.bias.defined() ? a.norm.bias.contiguous() : a.norm.bias;
  const at::Tensor value = a.value.defined() ? a.value.contiguous() : a.value;
  const SkinnyKvAppend& kv = a.kv_append;
  const at::Tensor kv_slots = kv.k_cache.defined() ? kv.slots.contiguous() : at::Tensor();
  const at::Tensor kv_rows = kv.k_cache.defined() ? kv.rows.contiguous() : at::Tensor();
  SkinnyParams p{};
  p.x = a.x.data_ptr();
  p.ldx = a.x.stride(0);
  p.weight = a.weight.data_ptr();
  p.bias = bias.defined() ? bias.data_ptr() : nullptr;
  p.norm_weight = norm_w.defined() ? norm_w.data_ptr() : nullptr;
  p.norm_bias = norm_b.defined() ? norm_b.data_ptr() : nullptr;
  p.eps = static_cast<float>(a.norm.eps);
  p.out = out.defined() ? out.data_ptr() : nullptr;
  p.residual = a.epilogue == SkinnyEpilogue::add_to_residual ? a.residual.data_ptr<float>() : nullptr;
  p.value = value.defined() ? value.data_ptr() : nullptr;
  if (kv.k_cache.defined()) {
    p.k_cache = kv.k_cache.data_ptr();
    p.v_cache = kv.v_cache.data_ptr();
    p.kv_slots = kv_slots.data_ptr<int64_t>();
    p.kv_rows = kv_rows.data_ptr<int64_t>();
    p.q_cols = static_cast<int>(kv.q_cols);
    p.n_slots = kv.k_cache.size(0), p.n_kv_heads = kv.k_cache.size(1), p.capacity = kv.k_cache.size(2);
    p.head_dim = static_cast<int>(kv.k_cache.size(3));
    p.kv_cols = static_cast<int>(p.n_kv_heads * p.head_dim);
  }
  p.M = static_cast<int>(M), p.N = static_cast<int>(N), p.K = static_cast<int>(K);
  p.slots = static_cast<int>(halves ? N / 2 : (N + 1) / 2);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  const bool norm = a.norm.weight.defined();
  launch_rows<c10::BFloat16>(norm, a.epilogue, p, stream);  // skinny_linear_kernel_fits admits bfloat16 only
  return out;
}

}  // namespace rbench::runtime::kernels
