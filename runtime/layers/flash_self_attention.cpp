// FlashAttention-2 core of a fresh chunk (causal, optionally sliding-window), plain or differential; see
// flash_self_attention.h.
#include "runtime/layers/flash_self_attention.h"

#include <ATen/ops/_flash_attention_forward.h>

#include <cmath>
#include <optional>

namespace rbench::runtime::layers {

namespace {

// softmax(q k^T * scale) v over the causal (and windowed) band; q [1, L, H, dh], k and v [1, L, Hkv, dh] with a
// contiguous last dim, H a multiple of Hkv (query head h reads K/V head floor(h / (H / Hkv))). Returns [1, L, H, dh].
at::Tensor flash_causal(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t window, double scale) {
  const int64_t L = q.size(1);
  // FlashAttention's band for query i is keys [i - left, i] (right = 0 under is_causal); key p is visible to query
  // t when t - window < p <= t, i.e. left = window - 1. A window that covers the chunk is plain causal.
  std::optional<int64_t> left;
  if (window > 0 && window < L) left = window - 1;
  auto out = at::_flash_attention_forward(q, k, v, std::nullopt, std::nullopt, L, L, 0.0, /*is_causal=*/true,
                                          /*return_debug_mask=*/false, scale, left, std::nullopt);
  return std::get<0>(out);
}

}  // namespace

bool flash_self_attention_applies(const at::Tensor& qkv, const AttentionWeights& w) {
  const bool half = qkv.scalar_type() == at::kBFloat16 || qkv.scalar_type() == at::kHalf;
  const bool pairs = !w.differential || (w.n_heads % 2 == 0 && w.n_kv_heads % 2 == 0);
  return qkv.is_cuda() && half && qkv.dim() == 2 && qkv.size(0) > 1 && qkv.stride(1) == 1 && w.head_dim % 8 == 0 &&
         w.head_dim <= 256 && w.n_heads % w.n_kv_heads == 0 && pairs && !qkv.requires_grad() &&
         !w.lambda_tensor.defined() && qkv.size(1) == (w.n_heads + 2 * w.n_kv_heads) * w.head_dim;
}

at::Tensor flash_self_attention(const at::Tensor& qkv, const AttentionWeights& w, int64_t window) {
  const int64_t L = qkv.size(0), dh = w.head_dim, Hq = w.n_heads, Hkv = w.n_kv_heads;
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  const at::Tensor q = qkv.narrow(1, 0, Hq * dh);                                  // [L, Hq dh]
  const at::Tensor k = qkv.narrow(1, Hq * dh, Hkv * dh);                           // [L, Hkv dh]
  const at::Tensor v = qkv.narrow(1, (Hq + Hkv) * dh, Hkv * dh);                   // [L, Hkv dh]
  if (!w.differential) {
    const at::Tensor o = flash_causal(q.view({1, L, Hq, dh}), k.view({1, L, Hkv, dh}), v.view({1, L, Hkv, dh}),
                                      window, scale);                               // [1, L, Hq, dh]
    return o.reshape({L, Hq * dh});
  }
  // Branch b of pair i: query head 2i+b over key head 2g+b, g = floor(i / r); the values of both branches are
  // [v_2g | v_2g+1]. Selecting every second head keeps that grouping: P = Hq/2 query heads over Hkv/2 key heads.
  const int64_t P = Hq / 2, G = Hkv / 2;
  const at::Tensor qp = q.view({1, L, P, 2, dh}), kp = k.view({1, L, G, 2, dh}), vp = v.view({1, L, G, 2, dh});
  const at::Tensor q1 = qp.select(3, 0), q2 = qp.select(3, 1);                    // [1, L, P, dh]
  const at::Tensor k1 = kp.select(3, 0), k2 = kp.select(3, 1);                    // [1, L, G, dh]
  const at::Tensor va = vp.select(3, 0), vb = vp.select(3, 1);                    // [1, L, G, dh]
  // One concatenation and one widening for both branches: [a1 | a2] = [q1 va | q1 vb | q2 va | q2 vb], [L, P, 4dh].
  const auto attend = [&](const at::Tensor& qh, const at::Tensor& kh, const at::Tensor& vh) {
    return flash_causal(qh, kh, vh, window, scale);                                 // [1, L, P, dh]
  };
  const at::Tensor branches =
      at::cat({attend(q1, k1, va), attend(q1, k1, vb), attend(q2, k2, va), attend(q2, k2, vb)}, -1)[0].to(at::kFloat);
  const at::Tensor a1 = branches.narrow(-1, 0, 2 * dh), a2 = branches.narrow(-1, 2 * dh, 2 * dh);  // [L, P, 2dh]
  return differential_heads(a1, a2, w, qkv.scalar_type()).reshape({L, Hq * dh});  // pair i -> [2dh i, 2dh (i+1))
}

}  // namespace rbench::runtime::layers
