// Phi3 forward (spec 6.3): embedding; per layer pre-RMSNorm, fused qkv_proj, partial LongRoPE on q and k, causal
// grouped-query attention over the layer's own K/V cache, o_proj, residual; pre-RMSNorm gated SiLU MLP from the
// fused gate_up_proj, residual; final RMSNorm and the tied or untied LM head. The residual stays in the compute
// dtype, as in the reference. The RoPE factor set is fixed per sequence by its planned length (phi3_rope.h). Loading
// and this per-sequence forward live here; the batched decode step over a state pool in phi3_decode_step.cpp.
#include "runtime/models/phi3.h"

#include <cmath>
#include <stdexcept>

#include "runtime/models/phi3_model.h"

namespace rbench::runtime {

namespace {

std::string layer_prefix(int64_t i) { return "model.layers." + std::to_string(i) + "."; }

}  // namespace

Phi3Model::Phi3Model(const Phi3Config& config, TensorSource& source, const std::string& device)
    : config_(config),
      device_(parse_placement(device).device),
      compute_(parse_placement(device).compute),
      rope_(config.rope, device_) {
  const auto specs = phi3_tensor_manifest(config);
  std::size_t next = 0;
  // Specs come in manifest order; each get() consumes the next one and checks it is the expected name.
  auto get = [&](const std::string& name) {
    if (next >= specs.size() || specs[next].name != name) throw std::logic_error("phi3: manifest order mismatch at " + name);
    at::Tensor t = source.get(specs[next++], compute_, device_);
    n_params_ += t.numel();
    return t;
  };
  embed_ = get("model.embed_tokens.weight");
  layers_.resize(static_cast<std::size_t>(config.n_layers));
  for (int64_t i = 0; i < config.n_layers; ++i) {
    Layer& l = layers_[static_cast<std::size_t>(i)];
    const std::string p = layer_prefix(i);
    l.input_norm = get(p + "input_layernorm.weight");
    l.qkv = get(p + "self_attn.qkv_proj.weight");
    l.o_proj = get(p + "self_attn.o_proj.weight");
    l.post_norm = get(p + "post_attention_layernorm.weight");
    l.mlp = {get(p + "mlp.gate_up_proj.weight"), get(p + "mlp.down_proj.weight")};
  }
  final_norm_ = get("model.norm.weight");
  lm_head_ = config.tie_embeddings ? embed_ : get("lm_head.weight");
  source.finish();

  state_spec_.kinds.assign(static_cast<std::size_t>(config.n_layers), LayerKind::causal_attention);
  state_spec_.windows.assign(static_cast<std::size_t>(config.n_layers), 0);
  state_spec_.n_kv_heads = config.n_kv_heads;
  state_spec_.head_dim = config.head_dim;
  state_spec_.kv_dtype = compute_;
  state_spec_.device = device_;
}

// A sequence with no planned length is planned at its first chunk; a sequence planned short may not grow past
// original_max_position_embeddings, since its cached keys were rotated with the short factors.
RopeFactorSet Phi3Model::factor_set(SequenceState& state, int64_t end) const {
  if (state.planned_length() == 0) state.plan_length(end);
  const RopeFactorSet set = rope_.choose(state.planned_length());
  if (set == RopeFactorSet::short_factors && rope_.needs_long(end))
    throw std::runtime_error(
        "phi3: the sequence reaches " + std::to_string(end) + " tokens, past original_max_position_embeddings " +
        std::to_string(config_.rope.original_max_positions) + ", but it was planned for " +
        std::to_string(state.planned_length()) + " tokens and its cache uses the short RoPE factors; plan the full "
        "length (SequenceState::plan_length) before the first token");
  return set;
}

at::Tensor Phi3Model::attention(const Layer& layer, const at::Tensor& x, SharedKv& cache, int64_t pos0,
                                const Phi3Rope::Angles& angles) const {
  const int64_t L = x.size(0), dh = config_.head_dim, Hq = config_.n_heads, Hkv = config_.n_kv_heads;
  at::Tensor qkv = at::linear(x, layer.qkv);                                                     // [L, (Hq+2Hkv) dh]
  at::Tensor q = qkv.narrow(1, 0, Hq * dh).view({L, Hq, dh}).transpose(0, 1);                  // [Hq, L, dh]
  at::Tensor k = qkv.narrow(1, Hq * dh, Hkv * dh).view({L, Hkv, dh}).transpose(0, 1);          // [Hkv, L, dh]
  at::Tensor v = qkv.narrow(1, (Hq + Hkv) * dh, Hkv * dh).view({L, Hkv, dh}).transpose(0, 1);  // [Hkv, L, dh]
  q = Phi3Rope::rotate(q, angles);
  cache.append(Phi3Rope::rotate(k, angles), v);
  // Query head h reads kv head floor(h / r), as transformers' repeat_kv.
  const int64_t r = Hq / Hkv;
  auto per_query = [r](const at::Tensor& t) { return r == 1 ? t : t.repeat_interleave(r, 0); };
  at::Tensor keys = per_query(cache.keys()), values = per_query(cache.values());               // [Hq, S, dh]
  std::optional<at::Tensor> mask;
  bool causal = false;
  if (L > 1 && pos0 == 0) {
    causal = true;  // S == L: the plain lower-triangular mask
  } else if (L > 1) {
    const auto long_opts = at::TensorOptions().dtype(at::kLong).device(x.device());
    at::Tensor q_pos = at::arange(pos0, pos0 + L, long_opts);
    mask = at::arange(cache.length, long_opts).unsqueeze(0) <= q_pos.unsqueeze(1);                // [L, S]
  }
  const double scale = 1.0 / std::sqrt(static_cast<double>(dh));
  at::Tensor o = at::scaled_dot_product_attention(q.unsqueeze(0), keys.unsqueeze(0), values.unsqueeze(0), mask, 0.0,
                                                  causal, scale)
                     .squeeze(0);                                                                 // [Hq, L, dh]
  return at::linear(o.transpose(0, 1).reshape({L, Hq * dh}), layer.o_proj);                      // [L, D]
}

at::Tensor Phi3Model::forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) {
  const int64_t L = ids.size(0);
  const int64_t pos0 = state.n_tokens();
  const RopeFactorSet set = factor_set(state, pos0 + L);
  at::Tensor tokens = ids.to(device_, at::kLong);
  at::Tensor positions = at::arange(pos0, pos0 + L, tokens.options());                          // [L]
  const Phi3Rope::Angles angles = rope_.angles(positions, set, compute_);                        // [L, rotary_dim]
  at::Tensor h = at::embedding(embed_, tokens);                                                  // [L, D]
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    h = h + attention(layer, phi3_rms_norm(h, layer.input_norm, config_.norm_eps), state.kv(i), pos0, angles);
    h = h + layers::gated_mlp(phi3_rms_norm(h, layer.post_norm, config_.norm_eps), layer.mlp);
  }
  state.advance(L);
  if (wanted == LogitsWanted::none) return {};
  if (wanted == LogitsWanted::last && L > 1) h = h.narrow(0, L - 1, 1);
  return at::linear(phi3_rms_norm(h, final_norm_, config_.norm_eps), lm_head_).to(at::kFloat);
}

std::vector<TensorSpec> phi3_tensor_manifest(const Phi3Config& c) {
  const int64_t q_width = c.n_heads * c.head_dim, kv_width = c.n_kv_heads * c.head_dim;
  std::vector<TensorSpec> specs;
  specs.push_back({"model.embed_tokens.weight", {c.vocab, c.hidden}, TensorInit::embedding});
  for (int64_t i = 0; i < c.n_layers; ++i) {
    const std::string p = layer_prefix(i);
    specs.push_back({p + "input_layernorm.weight", {c.hidden}, TensorInit::norm_weight});
    specs.push_back({p + "self_attn.qkv_proj.weight", {q_width + 2 * kv_width, c.hidden}});
    specs.push_back({p + "self_attn.o_proj.weight", {c.hidden, q_width}});
    specs.push_back({p + "post_attention_layernorm.weight", {c.hidden}, TensorInit::norm_weight});
    specs.push_back({p + "mlp.gate_up_proj.weight", {2 * c.intermediate, c.hidden}});
    specs.push_back({p + "mlp.down_proj.weight", {c.hidden, c.intermediate}});
  }
  specs.push_back({"model.norm.weight", {c.hidden}, TensorInit::norm_weight});
  if (!c.tie_embeddings) specs.push_back({"lm_head.weight", {c.vocab, c.hidden}});
  return specs;
}

std::unique_ptr<Model> build_phi3(const Phi3Config& config, TensorSource& source, const std::string& device) {
  return std::make_unique<Phi3Model>(config, source, device);
}

std::unique_ptr<Model> load_phi3(const std::filesystem::path& dir, const std::string& device) {
  const Phi3Config config = parse_phi3_config(dir / "config.json");
  CheckpointSource source(dir);
  return build_phi3(config, source, device);
}

}  // namespace rbench::runtime
