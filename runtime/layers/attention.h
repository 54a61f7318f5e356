// Attention layers of the SambaY family, stateless: sliding-window self attention (ring buffer), the full
// self-attention layer that fills the shared K/V cache, and query-only cross attention over that cache. Each can
// be differential (spec 4.5 with the general head pairing of 10.1: query pair i uses K/V group floor(i / r),
// r = n_heads / n_kv_heads, key heads 2g and 2g+1, values [v_2g | v_2g+1]) or plain grouped-query attention.
// No positional encoding: order enters only through the masks, built from absolute positions.
// Two forms share one projection and one attention core: the per-sequence forms ([L, D], reading and writing the
// decoding state) that the engine runs, and the batched sequence forms ([B, T, D] from an empty state, no in-place
// writes, differentiable in every weight) that training runs. On the GPU a sequence's first chunk takes the
// FlashAttention core of layers/flash_self_attention.h instead of the masked one.
#pragma once

#include <ATen/ATen.h>

#include "runtime/state/sequence_state.h"

namespace rbench::runtime::layers {

struct AttentionWeights {
  at::Tensor wqkv, bqkv;      // [(Hq + 2 Hkv) dh, D] and bias, or [Hq dh, D] (query only) for cross attention
  at::Tensor out_w, out_b;    // [D, Hq dh], [D]
  int64_t n_heads = 0, n_kv_heads = 0, head_dim = 0;
  bool differential = true;
  double lambda = 0.0;        // exp(lq1.lk1) - exp(lq2.lk2) + lambda_init, fixed at load time
  double lambda_init = 0.0;   // 0.8 - 0.6 exp(-0.3 layer)
  at::Tensor subln;           // [2 dh], shared by the head pairs of the layer
  // 0-dim float32 lambda; when defined it replaces `lambda` (training: differentiable in the lambda_* vectors).
  at::Tensor lambda_tensor;
};

double differential_lambda_init(int64_t layer_index);

// The differential combine of a layer's two branches, a1 and a2 [..., 2 dh] (any leading layout): u = a1 - lambda a2
// in float32, RMS-normalised over the last dim, rounded to `compute`, times subln (1 - lambda_init).
at::Tensor differential_heads(const at::Tensor& a1, const at::Tensor& a2, const AttentionWeights& w,
                              at::ScalarType compute);

// exp(q1 . k1) - exp(q2 . k2) + lambda_init as a 0-dim tensor in the dtype of the vectors (differentiable).
at::Tensor differential_lambda(const at::Tensor& q1, const at::Tensor& k1, const at::Tensor& q2, const at::Tensor& k2,
                               double lambda_init);

// x: [L, D] for the tokens at positions pos0 .. pos0+L-1 of the sequence. Returns [L, D].
at::Tensor sliding_attention(const at::Tensor& x, const AttentionWeights& w, WindowKv& ring, int64_t pos0);
at::Tensor full_attention(const at::Tensor& x, const AttentionWeights& w, SharedKv& cache, int64_t pos0);
// q_positions: int64 [L] absolute positions of the rows of x; the cache already holds those positions.
at::Tensor cross_attention(const at::Tensor& x, const AttentionWeights& w, const SharedKv& cache,
                           const at::Tensor& q_positions);

// Batched sequence forms: x [B, T, D] holds positions 0 .. T-1 of B sequences (right padding is harmless: the
// masks are causal). Return [B, T, D].
struct SequenceKv {
  at::Tensor k, v;  // [B, Hkv, T, dh]
};
at::Tensor sliding_attention_sequence(const at::Tensor& x, const AttentionWeights& w, int64_t window);
// Fills `kv` with this layer's keys and values, which the cross-attention layers read.
at::Tensor full_attention_sequence(const at::Tensor& x, const AttentionWeights& w, SequenceKv& kv);
at::Tensor cross_attention_sequence(const at::Tensor& x, const AttentionWeights& w, const SequenceKv& kv);

}  // namespace rbench::runtime::layers
