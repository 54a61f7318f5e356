// Plain LibTorch batched decode attention, the oracle of the CUDA kernel; see decode_attention.h. It follows
// layers::attend step by step (same slicing, repeat_interleave, one sdpa per branch and value half, the sub-norm in
// float32), with the batch as a leading axis and a per-sequence length mask in place of the causal mask.
#include <stdexcept>
#include <string>

#include "runtime/kernels/decode_attention/decode_attention.h"

namespace rbench::runtime::kernels {

namespace {

constexpr double kSubNormEps = 1e-5;

// Host-side range checks, only where the values are already on the host (a device read would synchronise).
void check_slot_values(const at::Tensor& slots, const at::Tensor& lengths, int64_t n_slots, int64_t capacity) {
  if (slots.numel() == 0) return;
  const int64_t min_slot = slots.min().item<int64_t>(), max_slot = slots.max().item<int64_t>();
  if (min_slot < 0 || max_slot >= n_slots) {
    throw std::invalid_argument("decode_attention: tensor 'slots': expected values in [0, " + std::to_string(n_slots) +
                                "), got [" + std::to_string(min_slot) + ", " + std::to_string(max_slot) + "]");
  }
  const int64_t min_len = lengths.min().item<int64_t>(), max_len = lengths.max().item<int64_t>();
  if (min_len < 1 || max_len > capacity) {
    throw std::invalid_argument("decode_attention: tensor 'lengths': expected values in [1, " +
                                std::to_string(capacity) + "], got [" + std::to_string(min_len) + ", " +
                                std::to_string(max_len) + "]");
  }
}

}  // namespace

at::Tensor decode_attention_ref(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p) {
  check_decode_attention_args(q, k_cache, v_cache, slots, lengths, p);
  const int64_t B = q.size(0), Hq = p.n_heads, Hkv = p.n_kv_heads, dh = p.head_dim, C = k_cache.size(2);
  const int64_t r = Hq / Hkv;
  if (q.is_cpu()) check_slot_values(slots, lengths, k_cache.size(0), C);

  const at::Tensor valid = at::arange(C, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);  // [B, C]
  const at::Tensor stale = valid.logical_not().view({B, 1, C, 1});
  // Entries past the length may hold anything (NaN included): zero them so masked keys contribute exactly 0.
  const at::Tensor k = k_cache.index_select(0, slots).masked_fill_(stale, 0);                     // [B, Hkv, C, dh]
  const at::Tensor v = v_cache.index_select(0, slots).masked_fill_(stale, 0);                     // [B, Hkv, C, dh]
  const at::Tensor mask = valid.view({B, 1, 1, C});                                              // true = visible
  const at::Tensor q_rows = q.unsqueeze(2);                                                      // [B, Hq, 1, dh]

  auto per_query = [r](const at::Tensor& t) { return r == 1 ? t : t.repeat_interleave(r, 1); };
  auto sdpa = [&](const at::Tensor& qh, const at::Tensor& kh, const at::Tensor& vh) {
    return at::scaled_dot_product_attention(qh, kh, vh, mask, 0.0, false, p.scale);             // [B, H, 1, e]
  };
  if (!p.differential) {
    const at::Tensor o = sdpa(q_rows, per_query(k), per_query(v));                               // [B, Hq, 1, dh]
    return o.reshape({B, Hq * dh});
  }
  // Branch b of pair i: query head 2i+b, key head 2g+b with g = floor(i / r), values [v_2g | v_2g+1].
  const at::Tensor q1 = q_rows.slice(1, 0, Hq, 2), q2 = q_rows.slice(1, 1, Hq, 2);               // [B, P, 1, dh]
  const at::Tensor k1 = per_query(k.slice(1, 0, Hkv, 2)), k2 = per_query(k.slice(1, 1, Hkv, 2));  // [B, P, C, dh]
  const at::Tensor va = per_query(v.slice(1, 0, Hkv, 2)), vb = per_query(v.slice(1, 1, Hkv, 2));  // [B, P, C, dh]
  const at::Tensor a1 = at::cat({sdpa(q1, k1, va), sdpa(q1, k1, vb)}, -1).to(at::kFloat);        // [B, P, 1, 2dh]
  const at::Tensor a2 = at::cat({sdpa(q2, k2, va), sdpa(q2, k2, vb)}, -1).to(at::kFloat);        // [B, P, 1, 2dh]
  const at::Tensor u = a1 - p.lambda * a2;                                                       // [B, P, 1, 2dh]
  const at::Tensor normed = (u * at::rsqrt(u.pow(2).mean(-1, true) + kSubNormEps)).to(q.scalar_type());
  const at::Tensor o = normed * p.subln * (1.0 - p.lambda_init);                                // [B, P, 1, 2dh]
  return o.reshape({B, Hq * dh});                                        // pair i -> columns [2dh i, 2dh (i+1))
}

}  // namespace rbench::runtime::kernels
