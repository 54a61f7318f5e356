// The skinny linear kernel's epilogue: what finishing a slot's two outputs reads (bias, residual or gate value,
// slot indices for the K/V append) and writes (store, logits, residual add, SiLU gates, K/V cache rows). Included
// by skinny_linear.cu only.
#pragma once

#include <cstdint>

#include "runtime/kernels/skinny_linear/skinny_linear_device.cuh"

namespace rbench::runtime::kernels {
namespace {

__device__ __forceinline__ float silu(float g) { return g / (1.f + __expf(-g)); }

// What finishing a slot's two outputs reads besides the dot products, requested when the warp starts the slot so
// that its latency hides behind the weight stream (read at the end, it stalls the warp before its next tile).
struct EpilogueIn {
  float bias[kRowsPerWarp];
  float operand[kRowsPerWarp];  // the residual (add_to_residual) or the value (silu_gate_value)
};

// The store epilogue's side writes, a template parameter so that the plain store keeps its registers.
enum class SideWrites { none, kv_append };

// Row m's slot and cache row for the K/V append (-1: none, or out of range), read once per kernel.
struct RowIndices {
  int64_t kv_slot = -1, kv_row = -1;
};

// Output i (0, 1) of a slot: 2 slot + i, or for the gate halves the gate row slot and its up row slot + N/2.
template <SkinnyEpilogue EPI>
__device__ __forceinline__ int output_of(const SkinnyParams& p, int slot, int i) {
  return EPI == SkinnyEpilogue::silu_gate_halves ? slot + i * (p.N / 2) : 2 * slot + i;
}

template <typename T, SkinnyEpilogue EPI>
__device__ __forceinline__ EpilogueIn read_epilogue_inputs(const SkinnyParams& p, int m, int slot) {
  EpilogueIn in;
  const auto* bias = static_cast<const T*>(p.bias);
#pragma unroll
  for (int i = 0; i < kRowsPerWarp; ++i) {
    const int n = output_of<EPI>(p, slot, i);
    const bool valid = n < p.N;
    const int64_t at = static_cast<int64_t>(m) * p.N + n;
    in.bias[i] = bias && valid ? static_cast<float>(bias[n]) : 0.f;
    in.operand[i] = 0.f;
    if constexpr (EPI == SkinnyEpilogue::add_to_residual) in.operand[i] = valid ? p.residual[at] : 0.f;
    if constexpr (EPI == SkinnyEpilogue::silu_gate_value)
      in.operand[i] = valid ? static_cast<float>(static_cast<const T*>(p.value)[at]) : 0.f;
  }
  return in;
}

// Writes output i (0, 1) of a slot for row m from its float32 dot product `a` (for the gate halves a[0] is the
// gate and a[1] the up row) and the inputs read at the slot's start.
template <typename T, SkinnyEpilogue EPI, SideWrites SIDE>
__device__ __forceinline__ void finish(const SkinnyParams& p, int m, int slot, const float (&a)[kRowsPerWarp],
                                       const EpilogueIn& in, const RowIndices& row) {
  if constexpr (EPI == SkinnyEpilogue::silu_gate_halves) {
    const float gate = static_cast<float>(static_cast<T>(a[0] + in.bias[0]));
    const float up = static_cast<float>(static_cast<T>(a[1] + in.bias[1]));
    static_cast<T*>(p.out)[static_cast<int64_t>(m) * (p.N / 2) + slot] = static_cast<T>(silu(gate) * up);
  } else {
#pragma unroll
    for (int i = 0; i < kRowsPerWarp; ++i) {
      const int n = 2 * slot + i;
      if (n >= p.N) break;
      const int64_t at = static_cast<int64_t>(m) * p.N + n;
      const float y = static_cast<float>(static_cast<T>(a[i] + in.bias[i]));
      if constexpr (EPI == SkinnyEpilogue::store) {
        static_cast<T*>(p.out)[at] = static_cast<T>(y);
        // The K/V append: column n past the queries into the slot's cache row, as kv_cache_append writes it.
        if (SIDE == SideWrites::kv_append && n >= p.q_cols && row.kv_slot >= 0) {
          const int col = n - p.q_cols;
          const bool is_v = col >= p.kv_cols;
          const int c = is_v ? col - p.kv_cols : col;
          const int64_t h = c / p.head_dim, e = c % p.head_dim;
          const int64_t cache_row = (row.kv_slot * p.n_kv_heads + h) * p.capacity + row.kv_row;
          static_cast<T*>(is_v ? p.v_cache : p.k_cache)[cache_row * p.head_dim + e] = static_cast<T>(y);
        }
      } else if constexpr (EPI == SkinnyEpilogue::store_float) {
        static_cast<float*>(p.out)[at] = y;
      } else if constexpr (EPI == SkinnyEpilogue::add_to_residual) {
        p.residual[at] = in.operand[i] + y;
      } else {  // silu_gate_value
        static_cast<T*>(p.out)[at] = static_cast<T>(silu(y) * in.operand[i]);
      }
    }
  }
}

// Row m's slot and cache row for the K/V append; out-of-range ones become -1 (skipped, as kv_cache_append skips
// them).
__device__ __forceinline__ RowIndices read_row_indices(const SkinnyParams& p, int m) {
  RowIndices r;
  const int64_t slot = p.kv_slots[m], row = p.kv_rows[m];
  if (slot >= 0 && slot < p.n_slots && row >= 0 && row < p.capacity) r.kv_slot = slot, r.kv_row = row;
  return r;
}

}  // namespace
}  // namespace rbench::runtime::kernels
