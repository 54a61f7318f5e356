// Sliding, full and cross attention with the differential or plain core; see attention.h.
#include "runtime/layers/attention.h"

#include <cmath>

namespace rbench::runtime::layers {

namespace {

constexpr double kSubNormEps = 1e-5;

struct Projected {
  at::Tensor q;     // [Hq, L, dh]
  at::Tensor k, v;  // [Hkv, L, dh], undefined for query-only projections
};

Projected project(const at::Tensor& x, const AttentionWeights& w) {
  const int64_t L = x.size(0), dh = w.head_dim, Hq = w.n_heads, Hkv = w.n_kv_heads;
  at::Tensor qkv = at::linear(x, w.wqkv, w.bqkv);                                    // [L, (Hq [+ 2Hkv]) dh]
  Projected p;
  p.q = qkv.narrow(1, 0, Hq * dh).view({L, Hq, dh}).transpose(0, 1);               // [Hq, L, dh]
  if (qkv.size(1) > Hq * dh) {
    p.k = qkv.narrow(1, Hq * dh, Hkv * dh).view({L, Hkv, dh}).transpose(0, 1).contiguous();         // [Hkv, L, dh]
    p.v = qkv.narrow(1, (Hq + Hkv) * dh, Hkv * dh).view({L, Hkv, dh}).transpose(0, 1).contiguous();  // [Hkv, L, dh]
  }
  return p;
}

// softmax(q k^T / sqrt(dh) + mask) v for [H, L, e] queries against [H, S, e] keys; mask bool [L, S] or undefined.
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask, int64_t dh) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  std::optional<at::Tensor> m;
  if (mask.defined()) m = mask;
  return at::scaled_dot_product_attention(q.unsqueeze(0), k.unsqueeze(0), v.unsqueeze(0), m, 0.0, false, scale)
      .squeeze(0);
}

// Attention core: q [Hq, L, dh]; k, v [Hkv, S, dh]; mask bool [L, S] (true = visible) or undefined (all visible).
// Returns [L, D] after out_proj.
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask,
                  const AttentionWeights& w) {
  const int64_t Hq = w.n_heads, Hkv = w.n_kv_heads, dh = w.head_dim, L = q.size(1);
  const int64_t r = Hq / Hkv;
  auto per_query = [r](const at::Tensor& t) { return r == 1 ? t : t.repeat_interleave(r, 0); };
  at::Tensor heads;  // [L, Hq dh]
  if (!w.differential) {
    at::Tensor o = sdpa(q, per_query(k), per_query(v), mask, dh);                   // [Hq, L, dh]
    heads = o.transpose(0, 1).reshape({L, Hq * dh});
  } else {
    // Branch b of pair i: query head 2i+b, key head 2g+b with g = floor(i / r), values [v_2g | v_2g+1].
    at::Tensor q1 = q.slice(0, 0, Hq, 2), q2 = q.slice(0, 1, Hq, 2);                // [P, L, dh]
    at::Tensor k1 = per_query(k.slice(0, 0, Hkv, 2)), k2 = per_query(k.slice(0, 1, Hkv, 2));  // [P, S, dh]
    at::Tensor va = per_query(v.slice(0, 0, Hkv, 2)), vb = per_query(v.slice(0, 1, Hkv, 2));  // [P, S, dh]
    at::Tensor a1 = at::cat({sdpa(q1, k1, va, mask, dh), sdpa(q1, k1, vb, mask, dh)}, -1).to(at::kFloat);  // [P, L, 2dh]
    at::Tensor a2 = at::cat({sdpa(q2, k2, va, mask, dh), sdpa(q2, k2, vb, mask, dh)}, -1).to(at::kFloat);  // [P, L, 2dh]
    at::Tensor u = a1 - w.lambda * a2;                                               // [P, L, 2dh]
    at::Tensor normed = (u * at::rsqrt(u.pow(2).mean(-1, true) + kSubNormEps)).to(q.scalar_type());
    at::Tensor o = normed * w.subln * (1.0 - w.lambda_init);                         // [P, L, 2dh]
    heads = o.transpose(0, 1).reshape({L, Hq * dh});                                 // pair i -> columns [2dh i, 2dh (i+1))
  }
  return at::linear(heads, w.out_w, w.out_b);
}

}  // namespace

double differential_lambda_init(int64_t layer_index) {
  return 0.8 - 0.6 * std::exp(-0.3 * static_cast<double>(layer_index));
}

at::Tensor sliding_attention(const at::Tensor& x, const AttentionWeights& w, WindowKv& ring, int64_t pos0) {
  const int64_t L = x.size(0);
  Projected p = project(x, w);
  const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
  at::Tensor q_pos = at::arange(pos0, pos0 + L, long_opts);                         // [L]
  at::Tensor keys = at::cat({ring.k, p.k}, 1);                                      // [Hkv, W + L, dh]
  at::Tensor values = at::cat({ring.v, p.v}, 1);
  at::Tensor k_pos = at::cat({ring.positions, q_pos}, 0);                          // [W + L]
  at::Tensor qp = q_pos.unsqueeze(1), kp = k_pos.unsqueeze(0);
  at::Tensor mask = (kp >= 0) & (kp <= qp) & (kp > qp - ring.window);              // [L, W + L]
  at::Tensor out = attend(p.q, keys, values, mask, w);
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
  Projected p = project(x, w);
  cache.append(p.k, p.v);
  at::Tensor mask;
  if (L > 1) {
    const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
    at::Tensor q_pos = at::arange(pos0, pos0 + L, long_opts);
    mask = at::arange(cache.length, long_opts).unsqueeze(0) <= q_pos.unsqueeze(1);   // [L, S]
  }
  return attend(p.q, cache.keys(), cache.values(), mask, w);
}

at::Tensor cross_attention(const at::Tensor& x, const AttentionWeights& w, const SharedKv& cache,
                           const at::Tensor& q_positions) {
  Projected p = project(x, w);
  at::Tensor mask;
  if (x.size(0) > 1) {
    const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
    mask = at::arange(cache.length, long_opts).unsqueeze(0) <= q_positions.unsqueeze(1);  // [L, S]
  }
  return attend(p.q, cache.keys(), cache.values(), mask, w);
}

}  // namespace rbench::runtime::layers
