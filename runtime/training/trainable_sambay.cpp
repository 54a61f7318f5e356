// Batched, differentiable SambaY forward for training; see trainable_sambay.h.
#include "runtime/training/trainable_sambay.h"

#include <cmath>
#include <stdexcept>

#include "runtime/layers/attention.h"
#include "runtime/layers/dense.h"
#include "runtime/models/sambay.h"

namespace rbench::runtime::training {

namespace {

constexpr double kSubNormEps = 1e-5;  // as layers/attention.cpp

bool writes_residual(const std::string& name) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with("attn.out_proj.weight") || ends_with("mlp.fc2.weight");
}

// softmax(q k^T / sqrt(dh) + mask) v over [B, H, T, e]; mask bool [T, S] (true = visible).
at::Tensor sdpa(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask, int64_t dh) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, false, scale);
}

}  // namespace

TrainableSambaY::TrainableSambaY(const SambaYConfig& config, uint64_t seed)
    : config_(config), specs_(sambay_tensor_manifest(config)) {
  const double residual_scale = 1.0 / std::sqrt(2.0 * static_cast<double>(config.n_layers));
  for (const auto& spec : specs_) {
    at::Tensor t = random_tensor(spec, seed);
    if (spec.name == "model.embed_tokens.weight") t = t * ((1.0 / std::sqrt(double(config.hidden))) / 0.3);
    if (writes_residual(spec.name)) t = t * residual_scale;
    t = t.contiguous().set_requires_grad(true);
    index_[spec.name] = params_.size();
    params_.push_back(t);
  }
}

int64_t TrainableSambaY::n_params() const {
  int64_t n = 0;
  for (const auto& p : params_) n += p.numel();
  return n;
}

const at::Tensor& TrainableSambaY::w(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw std::logic_error("trainable sambay: no tensor named " + name);
  return params_[it->second];
}

// Mamba-1 mixer of layers/mamba_mixer.cpp over a batch, starting from a zero conv and SSM state.
at::Tensor TrainableSambaY::mamba(const std::string& p, const at::Tensor& x, at::Tensor* memory) const {
  const int64_t B = x.size(0), T = x.size(1), di = config_.mamba_d_inner, K = config_.mamba_d_conv;
  const int64_t N = config_.mamba_d_state, R = config_.mamba_dt_rank;
  at::Tensor xz = at::linear(x, w(p + "attn.in_proj.weight"));                    // [B, T, 2 di]
  at::Tensor xs = xz.narrow(2, 0, di), z = xz.narrow(2, di, di);
  at::Tensor padded = at::constant_pad_nd(xs.transpose(1, 2), {K - 1, 0});         // [B, di, K-1+T]
  at::Tensor conv = at::conv1d(padded, w(p + "attn.conv1d.weight"), w(p + "attn.conv1d.bias"), at::IntArrayRef{1},
                           at::IntArrayRef{0}, at::IntArrayRef{1}, di);
  at::Tensor xc = at::silu(conv.transpose(1, 2));                                  // [B, T, di]
  at::Tensor dbc = at::linear(xc, w(p + "attn.x_proj.weight"));                    // [B, T, R + 2N]
  at::Tensor Bm = dbc.narrow(2, R, N), Cm = dbc.narrow(2, R + N, N);
  at::Tensor dt = at::softplus(at::linear(dbc.narrow(2, 0, R), w(p + "attn.dt_proj.weight")) +
                               w(p + "attn.dt_proj.bias"));                        // [B, T, di]
  at::Tensor A = -at::exp(w(p + "attn.A_log"));                                    // [di, N]
  at::Tensor decay = at::exp(dt.unsqueeze(-1) * A);                                // [B, T, di, N]
  at::Tensor input = (dt * xc).unsqueeze(-1) * Bm.unsqueeze(2);                    // [B, T, di, N]
  at::Tensor h = at::zeros({B, di, N}, x.options());
  std::vector<at::Tensor> hs;
  hs.reserve(static_cast<std::size_t>(T));
  for (int64_t t = 0; t < T; ++t) {
    h = decay.select(1, t) * h + input.select(1, t);
    hs.push_back(h);
  }
  at::Tensor states = at::stack(hs, 1);                                            // [B, T, di, N]
  at::Tensor y = (states * Cm.unsqueeze(2)).sum(-1) + xc * w(p + "attn.D");        // [B, T, di]
  if (memory) *memory = y;
  return at::linear(y * at::silu(z), w(p + "attn.out_proj.weight"));
}

// Sliding / full / cross differential attention of layers/attention.cpp over a batch. Full attention stores
// its K/V into shared_k/shared_v; cross attention (shared_k given, not written) projects queries only.
at::Tensor TrainableSambaY::attention(const std::string& p, int64_t layer, const at::Tensor& x, const at::Tensor& mask,
                                      at::Tensor* shared_k, at::Tensor* shared_v) const {
  const int64_t B = x.size(0), T = x.size(1), dh = config_.head_dim, Hq = config_.n_heads, Hkv = config_.n_kv_heads;
  at::Tensor qkv = at::linear(x, w(p + "attn.Wqkv.weight"), w(p + "attn.Wqkv.bias"));
  at::Tensor q = qkv.narrow(2, 0, Hq * dh).view({B, T, Hq, dh}).transpose(1, 2);  // [B, Hq, T, dh]
  at::Tensor k, v;
  if (qkv.size(2) > Hq * dh) {
    k = qkv.narrow(2, Hq * dh, Hkv * dh).view({B, T, Hkv, dh}).transpose(1, 2);
    v = qkv.narrow(2, (Hq + Hkv) * dh, Hkv * dh).view({B, T, Hkv, dh}).transpose(1, 2);
    if (shared_k) *shared_k = k, *shared_v = v;
  } else {
    k = *shared_k, v = *shared_v;
  }
  const int64_t r = Hq / Hkv;
  auto per_query = [r](const at::Tensor& t) { return r == 1 ? t : t.repeat_interleave(r, 1); };
  at::Tensor heads;  // [B, T, Hq dh]
  if (!config_.differential) {
    heads = sdpa(q, per_query(k), per_query(v), mask, dh).transpose(1, 2).reshape({B, T, Hq * dh});
  } else {
    at::Tensor q1 = q.slice(1, 0, Hq, 2), q2 = q.slice(1, 1, Hq, 2);
    at::Tensor k1 = per_query(k.slice(1, 0, Hkv, 2)), k2 = per_query(k.slice(1, 1, Hkv, 2));
    at::Tensor va = per_query(v.slice(1, 0, Hkv, 2)), vb = per_query(v.slice(1, 1, Hkv, 2));
    at::Tensor a1 = at::cat({sdpa(q1, k1, va, mask, dh), sdpa(q1, k1, vb, mask, dh)}, -1);  // [B, P, T, 2dh]
    at::Tensor a2 = at::cat({sdpa(q2, k2, va, mask, dh), sdpa(q2, k2, vb, mask, dh)}, -1);
    const std::string d = p + "attn.inner_cross_attn.";
    const double lambda_init = layers::differential_lambda_init(layer);
    at::Tensor lambda = at::exp((w(d + "lambda_q1") * w(d + "lambda_k1")).sum()) -
                        at::exp((w(d + "lambda_q2") * w(d + "lambda_k2")).sum()) + lambda_init;
    at::Tensor u = a1 - lambda * a2;
    at::Tensor normed = u * at::rsqrt(u.pow(2).mean(-1, true) + kSubNormEps);
    at::Tensor o = normed * w(d + "subln.weight") * (1.0 - lambda_init);           // [B, P, T, 2dh]
    heads = o.transpose(1, 2).reshape({B, T, Hq * dh});
  }
  return at::linear(heads, w(p + "attn.out_proj.weight"), w(p + "attn.out_proj.bias"));
}

at::Tensor TrainableSambaY::forward(const at::Tensor& ids) const {
  const int64_t T = ids.size(1);
  at::Tensor residual = at::embedding(w("model.embed_tokens.weight"), ids);       // [B, T, D]
  at::Tensor pos = at::arange(T, ids.options());
  at::Tensor qp = pos.unsqueeze(1), kp = pos.unsqueeze(0);
  at::Tensor causal = kp <= qp;                                                    // [T, T]
  at::Tensor memory, shared_k, shared_v;
  for (int64_t i = 0; i < config_.n_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    const LayerKind kind = config_.kinds[static_cast<std::size_t>(i)];
    at::Tensor x = layers::layer_norm(residual, {w(p + "input_layernorm.weight"), w(p + "input_layernorm.bias")},
                                      config_.norm_eps);
    at::Tensor mixed;
    switch (kind) {
      case LayerKind::mamba: mixed = mamba(p, x, nullptr); break;
      case LayerKind::mamba_memory: mixed = mamba(p, x, &memory); break;
      case LayerKind::sliding_attention: {
        at::Tensor window_mask = causal & (kp > qp - config_.windows[static_cast<std::size_t>(i)]);
        mixed = attention(p, i, x, window_mask, nullptr, nullptr);
        break;
      }
      case LayerKind::full_attention: mixed = attention(p, i, x, causal, &shared_k, &shared_v); break;
      case LayerKind::cross_attention: mixed = attention(p, i, x, causal, &shared_k, &shared_v); break;
      case LayerKind::gmu:
        mixed = layers::gated_memory_unit(x, memory, {w(p + "attn.in_proj.weight"), w(p + "attn.out_proj.weight")});
        break;
    }
    residual = residual + mixed;
    at::Tensor h = layers::layer_norm(
        residual, {w(p + "post_attention_layernorm.weight"), w(p + "post_attention_layernorm.bias")}, config_.norm_eps);
    residual = residual + layers::gated_mlp(h, {w(p + "mlp.fc1.weight"), w(p + "mlp.fc2.weight")});
  }
  at::Tensor h = layers::layer_norm(residual, {w("model.final_layernorm.weight"), w("model.final_layernorm.bias")},
                                    config_.norm_eps);
  return at::linear(h, config_.tie_embeddings ? w("model.embed_tokens.weight") : w("lm_head.weight"));
}

}  // namespace rbench::runtime::training
