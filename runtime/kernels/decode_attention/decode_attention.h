// Batched decode attention over slot-indexed K/V caches: one new query token for each of B sequences, each reading
// the cache rows of its own slot. This is the math of layers::attend for a single query row (no mask: every valid
// cache entry is visible), batched over sequences, for both cores:
//   plain grouped-query attention: query head h reads K/V head floor(h / r), r = n_heads / n_kv_heads;
//   differential attention (spec 4.5 with the general pairing of 10.1): pair i (query heads 2i, 2i+1) reads group
//     g = floor(i / r): branch 1 softmax(q_2i . k_2g), branch 2 softmax(q_2i+1 . k_2g+1), both over the values
//     [v_2g | v_2g+1] (width 2 dh); u = a1 - lambda a2 in float32, RMS-normalised over 2 dh (eps 1e-5), rounded to
//     the compute dtype, times subln and (1 - lambda_init).
// Shapes: q [B, Hq, dh]; k_cache, v_cache [S, Hkv, C, dh] in q's dtype (float32, bfloat16 or float16), contiguous;
// slots, lengths int64 [B] on q's device. Sequence b attends over k_cache[slots[b], :, 0 .. lengths[b]-1]; entries
// past the length are never read (they may hold anything, NaN included). The order of the entries does not matter,
// so a sliding-window ring (C = window, length = min(pos + 1, window)) is served as it is.
// Returns the per-head outputs before out_proj, [B, Hq dh] in the compute dtype, in the column layout of attend's
// `heads` (plain: head h -> columns [h dh, (h+1) dh); differential: pair i -> columns [2 dh i, 2 dh (i+1))).
// decode_attention dispatches CUDA tensors with head_dim 64 or 128 to decode_attention_cuda (when built with CUDA),
// everything else (CPU, other head sizes) to decode_attention_ref, the plain LibTorch oracle with the same signature.
// Slots and lengths are device data: the reference checks 1 <= lengths[b] <= C and 0 <= slots[b] < S when they are
// on the CPU; the kernel cannot without a host read (that would break CUDA-graph capture), so it reads nothing for
// an out-of-range sequence and writes NaN to its output row.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace rbench::runtime::kernels {

struct DecodeAttentionParams {
  int64_t n_heads = 0, n_kv_heads = 0, head_dim = 0;
  bool differential = false;
  double lambda = 0.0, lambda_init = 0.0;  // differential only (see layers::AttentionWeights)
  at::Tensor subln;                         // [2 dh] compute dtype, differential only
  double scale = 0.0;                       // softmax scale, 1/sqrt(dh)
  // CUDA kernel only: the last key block to finish merges the blocks' partial results (false: a second kernel
  // merges them, what a launch captured into a CUDA graph before the merge counters existed falls back to).
  bool single_pass = true;
};

at::Tensor decode_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p);

// Gathers each sequence's slot, zeroes the entries past its length, and runs layers::attend's math (one sdpa call
// per branch and value half, repeat_interleave for the head groups) with a length mask.
at::Tensor decode_attention_ref(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p);

// The fused split-K CUDA kernel (defined only when built with CUDA); launched on the current stream, capturable in
// a CUDA graph. Supports head_dim 64 and 128.
at::Tensor decode_attention_cuda(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                 const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p);

// Throws std::invalid_argument naming the tensor or field, with the expected and actual shape, dtype or device.
void check_decode_attention_args(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                 const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p);

}  // namespace rbench::runtime::kernels
