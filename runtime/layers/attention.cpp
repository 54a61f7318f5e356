// Sliding, full and cross attention with the differential or plain core, per sequence and batched; see
// attention.h.
#include "runtime/layers/attention.h"

#include <cmath>

#include "runtime/layers/flash_self_attention.h"

namespace rbench::runtime::layers {

namespace {

constexpr double kSubNormEps = 1e-5;

struct Projected {
  at::Tensor qkv;   // [B, L, (Hq [+ 2Hkv]) dh], the fused projection the views below read
  at::Tensor q;     // [B, Hq, L, dh]
  at::Tensor k, v;  // [B, Hkv, L, dh], undefined for query-only projections
};

// x: [B, L, D].
Projected project(const at::Tensor& x, const AttentionWeights& w) {
  const int64_t B = x.size(0), L = x.size(1), dh = w.head_dim, Hq = w.n_heads, Hkv = w.n_kv_heads;
  at::Tensor qkv = at::linear(x, w.wqkv, w.bqkv);                                  // [B, L, (Hq [+ 2Hkv]) dh]
  Projected p;
  p.qkv = qkv;
  p.q = qkv.narrow(2, 0, Hq * dh).view({B, L, Hq, dh}).transpose(1, 2);           // [B, Hq, L, dh]
  if (qkv.size(2) > Hq * dh) {
    p.k = qkv.narrow(2, Hq * dh, Hkv * dh).view({B, L, Hkv, dh}).transpose(1, 2);          // [B, Hkv, L, dh]
    p.v = qkv.narrow(2, (Hq + Hkv) * dh, Hkv * dh).view({B, L, Hkv, dh}).transpose(1, 2);  // [B, Hkv, L, dh]
  }
  return p;
}

// One sequence's projection: qkv [L, width]; q [Hq, L, dh], k and v [Hkv, L, dh], all views of qkv (the caches
// copy k and v where they store them).
Projected project_one(const at::Tensor& x, const AttentionWeights& w) {
  Projected p = project(x.unsqueeze(0), w);
  p.qkv = p.qkv.squeeze(0);
  p.q = p.q.squeeze(0);
  if (p.k.defined()) p.k = p.k.squeeze(0), p.v = p.v.squeeze(0);
  return p;
}

// softmax(q k^T / sqrt(dh) + mask) v for [B, H, L, e] queries against [B, H, S, e] keys; mask bool [L, S] or
// undefined.
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask, int64_t dh) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  std::optional<at::Tensor> m;
  if (mask.defined()) m = mask;
  return at::scaled_dot_product_attention(q, k, v, m, 0.0, false, scale);
}

// Attention core: q [B, Hq, L, dh]; k, v [B, Hkv, S, dh]; mask bool [L, S] (true = visible) or undefined (all
// visible). Returns [B, L, D] after out_proj.
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask,
                  const AttentionWeights& w) {
  const int64_t Hq = w.n_heads, Hkv = w.n_kv_heads, dh = w.head_dim, B = q.size(0), L = q.size(2);
  const int64_t r = Hq / Hkv;
  auto per_query = [r](const at::Tensor& t) { return r == 1 ? t : t.repeat_interleave(r, 1); };
  at::Tensor heads;  // [B, L, Hq dh]
  if (!w.differential) {
    at::Tensor o = sdpa(q, per_query(k), per_query(v), mask, dh);                   // [B, Hq, L, dh]
    heads = o.transpose(1, 2).reshape({B, L, Hq * dh});
  } else {
    // Branch b of pair i: query head 2i+b, key head 2g+b with g = floor(i / r), values [v_2g | v_2g+1].
    at::Tensor q1 = q.slice(1, 0, Hq, 2), q2 = q.slice(1, 1, Hq, 2);                // [B, P, L, dh]
    at::Tensor k1 = per_query(k.slice(1, 0, Hkv, 2)), k2 = per_query(k.slice(1, 1, Hkv, 2));  // [B, P, S, dh]
    at::Tensor va = per_query(v.slice(1, 0, Hkv, 2)), vb = per_query(v.slice(1, 1, Hkv, 2));  // [B, P, S, dh]
    at::Tensor a1 = at::cat({sdpa(q1, k1, va, mask, dh), sdpa(q1, k1, vb, mask, dh)}, -1);  // [B, P, L, 2dh]
    at::Tensor a2 = at::cat({sdpa(q2, k2, va, mask, dh), sdpa(q2, k2, vb, mask, dh)}, -1);
    at::Tensor o = differential_heads(a1, a2, w, q.scalar_type());                   // [B, P, L, 2dh]
    heads = o.transpose(1, 2).reshape({B, L, Hq * dh});  // pair i -> columns [2dh i, 2dh (i+1))
  }
  return at::linear(heads, w.out_w, w.out_b);
}

// The masked core of a sliding-window chunk: its queries over [the ring's W entries ; the chunk's own L keys], each
// key visible when it is filled, not in the future and within the window. Returns [L, D].
at::Tensor attend_over_ring(const Projected& p, const AttentionWeights& w, const WindowKv& ring,
                            const at::Tensor& q_pos) {
  at::Tensor keys = at::cat({ring.k, p.k}, 1);                                      // [Hkv, W + L, dh]
  at::Tensor values = at::cat({ring.v, p.v}, 1);
  at::Tensor k_pos = at::cat({ring.positions, q_pos}, 0);                          // [W + L]
  at::Tensor qp = q_pos.unsqueeze(1), kp = k_pos.unsqueeze(0);
  at::Tensor mask = (kp >= 0) & (kp <= qp) & (kp > qp - ring.window);              // [L, W + L]
  return attend(p.q.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0), mask, w).squeeze(0);
}

// Causal mask over positions 0 .. T-1 (true = visible), optionally limited to the last `window` positions.
at::Tensor causal_mask(int64_t T, const at::Device& device, int64_t window = 0) {
  at::Tensor pos = at::arange(T, at::TensorOptions().dtype(at::kLong).device(device));
  at::Tensor qp = pos.unsqueeze(1), kp = pos.unsqueeze(0);
  at::Tensor mask = kp <= qp;                                                       // [T, T]
  return window > 0 ? mask & (kp > qp - window) : mask;
}

}  // namespace

at::Tensor differential_heads(const at::Tensor& a1, const at::Tensor& a2, const AttentionWeights& w,
                              at::ScalarType compute) {
  const at::Tensor a1f = a1.to(at::kFloat), a2f = a2.to(at::kFloat);
  const at::Tensor u =
      w.lambda_tensor.defined() ? a1f - w.lambda_tensor * a2f : at::sub(a1f, a2f, w.lambda);  // [..., 2dh]
  // On the GPU LibTorch's fused RMSNorm is one launch instead of five; the CPU keeps the explicit form.
  const at::Tensor rms = u.is_cuda() ? at::rms_norm(u, {u.size(-1)}, std::nullopt, kSubNormEps)
                                     : u * at::rsqrt(u.pow(2).mean(-1, true) + kSubNormEps);
  return rms.to(compute) * w.subln * (1.0 - w.lambda_init);  // rounded before the weight (spec 4.5)
}

double differential_lambda_init(int64_t layer_index) {
  return 0.8 - 0.6 * std::exp(-0.3 * static_cast<double>(layer_index));
}

at::Tensor differential_lambda(const at::Tensor& q1, const at::Tensor& k1, const at::Tensor& q2, const at::Tensor& k2,
                               double lambda_init) {
  return at::exp((q1 * k1).sum()) - at::exp((q2 * k2).sum()) + lambda_init;
}

at::Tensor sliding_attention(const at::Tensor& x, const AttentionWeights& w, WindowKv& ring, int64_t pos0) {
  const int64_t L = x.size(0);
  Projected p = project_one(x, w);
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
  at::Tensor q_pos = at::arange(pos0, pos0 + L, long_opts);                         // [L]
  at::Tensor out;
  if (pos0 == 0 && flash_self_attention_applies(p.qkv, w)) {
    // A fresh sequence: the ring is empty, so the chunk attends to itself alone.
    out = at::linear(flash_self_attention(p.qkv, w, ring.window), w.out_w, w.out_b);
  } else {
    out = attend_over_ring(p, w, ring, q_pos);
  }
  // Keep the newest `window` tokens: slot = position % window.
  const int64_t keep = std::min(L, ring.window);
  at::Tensor kept_pos = q_pos.narrow(0, L - keep, keep);
  at::Tensor slots = at::remainder(kept_pos, ring.window);
  ring.k.index_copy_(1, slots, p.k.narrow(1, L - keep, keep));
  ring.v.index_copy_(1, slots, p.v.narrow(1, L - keep, keep));
  ring.positions.index_copy_(0, slots, kept_pos);
  return out;
}

at::Tensor full_attention(const at::Tensor& x, const AttentionWeights& w, SharedKv& cache, int64_t pos0) {
  const int64_t L = x.size(0);
  Projected p = project_one(x, w);
  cache.append(p.k, p.v);
  if (pos0 == 0 && flash_self_attention_applies(p.qkv, w)) {
    // A fresh sequence: the cache holds exactly this chunk's keys.
    return at::linear(flash_self_attention(p.qkv, w, 0), w.out_w, w.out_b);
  }
  at::Tensor mask;
  if (L > 1) {
    const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
    at::Tensor q_pos = at::arange(pos0, pos0 + L, long_opts);
    mask = at::arange(cache.length, long_opts).unsqueeze(0) <= q_pos.unsqueeze(1);   // [L, S]
  }
  return attend(p.q.unsqueeze(0), cache.keys().unsqueeze(0), cache.values().unsqueeze(0), mask, w).squeeze(0);
}

at::Tensor cross_attention(const at::Tensor& x, const AttentionWeights& w, const SharedKv& cache,
                           const at::Tensor& q_positions) {
  Projected p = project_one(x, w);
  at::Tensor mask;
  if (x.size(0) > 1) {
    const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
    mask = at::arange(cache.length, long_opts).unsqueeze(0) <= q_positions.unsqueeze(1);  // [L, S]
  }
  return attend(p.q.unsqueeze(0), cache.keys().unsqueeze(0), cache.values().unsqueeze(0), mask, w).squeeze(0);
}

at::Tensor sliding_attention_sequence(const at::Tensor& x, const AttentionWeights& w, int64_t window) {
  Projected p = project(x, w);
  return attend(p.q, p.k, p.v, causal_mask(x.size(1), x.device(), window), w);
}

at::Tensor full_attention_sequence(const at::Tensor& x, const AttentionWeights& w, SequenceKv& kv) {
  Projected p = project(x, w);
  kv = {p.k, p.v};
  return attend(p.q, p.k, p.v, causal_mask(x.size(1), x.device()), w);
}

at::Tensor cross_attention_sequence(const at::Tensor& x, const AttentionWeights& w, const SequenceKv& kv) {
  Projected p = project(x, w);
  return attend(p.q, kv.k, kv.v, causal_mask(x.size(1), x.device()), w);
}

}  // namespace rbench::runtime::layers
