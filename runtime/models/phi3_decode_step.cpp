// Phi3's batched decode step over a StatePool (Model::decode_step): one token for each of B sequences, the
// per-sequence forward's math (phi3.cpp) with the K/V caches read and written in place through slot indices
// (kernels::kv_cache_append writes a step's K and V rows in one launch), so the step never synchronises with the
// host and can be captured in a CUDA graph. Each sequence's RoPE factor set is chosen on the device from its slot's
// planned length (Phi3Rope::angles_per_sequence); attention is kernels::decode_attention's plain grouped-query
// path; each residual add is fused with the RMSNorm after it (kernels::add_rms_norm: the residual stays in the
// compute dtype and rounds as in the per-sequence forward); the MLP's gate is kernels::silu_gate; the linears are
// cuBLAS through LibTorch.
//
// What the per-sequence forward checks on the host and this step cannot: a sequence planned short (at most
// original_max_position_embeddings tokens) that grows past that threshold makes forward() throw; here it keeps its
// short factors. The scheduler never lets a sequence grow past its planned length, so this does not arise there.
#include <cmath>

#include "runtime/kernels/add_rms_norm/add_rms_norm.h"
#include "runtime/kernels/decode_attention/decode_attention.h"
#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/silu_gate/silu_gate.h"
#include "runtime/models/phi3_model.h"

namespace rbench::runtime {

namespace {

at::Tensor gated_mlp_step(const at::Tensor& x, const layers::GatedMlpWeights& w) {
  const at::Tensor gate_up = at::linear(x, w.fc1);                                          // [B, 2I]
  const int64_t inner = w.fc2.size(1);
  return at::linear(kernels::silu_gate(gate_up.narrow(1, 0, inner), gate_up.narrow(1, inner, inner)), w.fc2);
}

}  // namespace

at::Tensor Phi3Model::attention_pooled(const Layer& layer, const PooledLayer& cache, const at::Tensor& x,
                                       const at::Tensor& slots, const at::Tensor& positions,
                                       const at::Tensor& lengths, const Phi3Rope::Angles& angles) const {
  const int64_t B = x.size(0), dh = config_.head_dim, Hq = config_.n_heads, Hkv = config_.n_kv_heads;
  const at::Tensor qkv = at::linear(x, layer.qkv);                                          // [B, (Hq+2Hkv) dh]
  const at::Tensor q = Phi3Rope::rotate(qkv.narrow(1, 0, Hq * dh).view({B, Hq, dh}), angles);          // [B, Hq, dh]
  const at::Tensor k = Phi3Rope::rotate(qkv.narrow(1, Hq * dh, Hkv * dh).view({B, Hkv, dh}), angles);  // [B, Hkv, dh]
  const at::Tensor v = qkv.narrow(1, (Hq + Hkv) * dh, Hkv * dh).view({B, Hkv, dh});                   // [B, Hkv, dh]
  // The new token's K/V go to row positions[b] of its slot; attention then reads rows 0 .. positions[b].
  at::Tensor k_cache = cache.k, v_cache = cache.v;
  kernels::kv_cache_append(k_cache, v_cache, k, v, slots, positions);
  kernels::DecodeAttentionParams p;
  p.n_heads = Hq;
  p.n_kv_heads = Hkv;
  p.head_dim = dh;
  p.scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const at::Tensor heads = kernels::decode_attention(q.contiguous(), cache.k, cache.v, slots, lengths, p);
  return at::linear(heads, layer.o_proj);                                                   // [B, D]
}

at::Tensor Phi3Model::decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                                  const at::Tensor& positions) {
  // The per-sequence reference plans max(tokens held, the slot's planned length) (StatePool::view); the factor set
  // follows from that.
  const at::Tensor planned = at::maximum(pool.planned_lengths().index_select(0, slots), positions);  // [B]
  const Phi3Rope::Angles rows = rope_.angles_per_sequence(positions, planned, compute_);            // [B, rotary]
  const Phi3Rope::Angles angles{rows.cos.unsqueeze(1), rows.sin.unsqueeze(1)};  // [B, 1, rotary]: every head
  const at::Tensor lengths = positions + 1;  // cache entries each sequence attends over, once for all layers
  at::Tensor residual = at::embedding(embed_, ids);                                                  // [B, D]
  at::Tensor h = kernels::add_rms_norm(residual, at::Tensor(), layers_[0].input_norm, config_.norm_eps);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    const at::Tensor mixed = attention_pooled(layer, pool.layer(i), h, slots, positions, lengths, angles);
    h = kernels::add_rms_norm(residual, mixed, layer.post_norm, config_.norm_eps);
    const at::Tensor& next_norm = i + 1 < layers_.size() ? layers_[i + 1].input_norm : final_norm_;
    h = kernels::add_rms_norm(residual, gated_mlp_step(h, layer.mlp), next_norm, config_.norm_eps);
  }
  return at::linear(h, lm_head_).to(at::kFloat);
}

}  // namespace rbench::runtime
