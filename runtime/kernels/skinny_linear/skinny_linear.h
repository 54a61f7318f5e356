// A linear layer over a few rows (the decode step at small batch) with the ops around it fused in, so each weight
// byte is read once at close to the copy bandwidth and the step needs fewer launches:
//   in  = x                                                           (no norm)
//       | layer_norm(x.to(T)) * norm.weight + norm.bias, rounded to T  (norm: x is the float32 residual stream;
//                                                                      as add_layer_norm computes it, no delta)
//   y   = (in · weightᵀ + bias) rounded to T                           (T = weight's dtype, accumulated in float32)
//   out = y                                     Epilogue::store (and the K/V append of SkinnyKvAppend)
//       | y.to(float32)                         Epilogue::store_float   (logits)
//       | residual += y.to(float32), returns {} Epilogue::add_to_residual (the block's output joins the stream)
//       | silu_gate(y[:, :N/2], y[:, N/2:])     Epilogue::silu_gate_halves (the gated MLP's fc1: gate | up)
//       | silu_gate(y, value)                   Epilogue::silu_gate_value  (the GMU: silu(in_proj x) * memory)
// Shapes: x [M, K] (T, or float32 with a norm; rows may be strided, elements contiguous), weight [N, K]
// contiguous T, bias [N] T or undefined, norm weight and bias [K] T, residual [M, N] float32 contiguous, value
// [M, N] T. T is bfloat16 for the kernel; float16 and float32 take the reference.
// skinny_linear dispatches CUDA bfloat16 tensors with M <= kSkinnyMaxRows (and K % 8 == 0) to the kernel and
// everything else to skinny_linear_ref: at::linear with the same surrounding ops, also the kernel's test oracle.
#pragma once

#include <ATen/ATen.h>

#include <utility>

namespace rbench::runtime::kernels {

enum class SkinnyEpilogue { store, store_float, add_to_residual, silu_gate_halves, silu_gate_value };

struct SkinnyNorm {
  at::Tensor weight, bias;  // [K]; undefined weight = no norm
  double eps = 1e-5;
};

// With the store epilogue, the output's key and value columns also go into slot-indexed caches: the decode step's
// K/V append fused into its QKV projection, as kv_cache_append(k_cache, v_cache, y[:, q_cols : q_cols + Hkv dh],
// y[:, q_cols + Hkv dh :], slots, rows) computes it. The kernel skips a row whose slot or cache row is out of range
// (it reads them on the device); the reference throws for one.
struct SkinnyKvAppend {
  at::Tensor k_cache, v_cache;  // [S, Hkv, C, dh] contiguous, the weight's dtype and device; undefined: no append
  at::Tensor slots, rows;       // int64 [M] on the weight's device
  int64_t q_cols = 0;           // output columns before the keys: N = q_cols + 2 Hkv dh
};

// The key and value columns of a projection's output y [M, N] as [M, Hkv, dh] views, as `kv` appends them.
std::pair<at::Tensor, at::Tensor> kv_columns(const SkinnyKvAppend& kv, const at::Tensor& y);

struct SkinnyLinearArgs {
  at::Tensor x, weight, bias;
  SkinnyNorm norm;
  SkinnyEpilogue epilogue = SkinnyEpilogue::store;
  at::Tensor residual;      // add_to_residual
  at::Tensor value;         // silu_gate_value
  SkinnyKvAppend kv_append;  // store only
};

at::Tensor skinny_linear(const SkinnyLinearArgs& args);

at::Tensor skinny_linear_ref(const SkinnyLinearArgs& args);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream, no host sync.
at::Tensor skinny_linear_cuda(const SkinnyLinearArgs& args);

// The most rows the kernel takes; more rows are a matrix product, which cuBLAS does better (measured on the H100,
// rbench bench SambaY at 2K: 4 sequences through the kernel decode 694 tok/s, 5 through cuBLAS 1,006 tok/s).
inline constexpr int64_t kSkinnyMaxRows = 2;

// The widest rows the LayerNorm prologue normalises (into shared memory); wider ones take the reference.
inline constexpr int64_t kSkinnyMaxNormCols = 4096;

// Throws with the argument's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_skinny_linear_args(const SkinnyLinearArgs& args);

// Whether skinny_linear_cuda takes these (valid) arguments: CUDA bfloat16, M <= kSkinnyMaxRows, K % 8 == 0, 16-byte aligned
// rows, a norm only over K <= kSkinnyMaxNormCols.
bool skinny_linear_kernel_fits(const SkinnyLinearArgs& args);

}  // namespace rbench::runtime::kernels
