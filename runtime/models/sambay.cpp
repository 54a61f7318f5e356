// SambaY forward (spec sections 2-4): embedding, pre-LN layers with an FP32 residual stream (Mamba, sliding
// differential attention, the full attention that fills the shared K/V, GMU over layer N/2's memory,
// query-only cross attention), final LayerNorm and the tied LM head. During prefill only the rows whose logits
// are wanted go through the cross-decoder (spec 4.12): it keeps no state.
#include "runtime/models/sambay.h"

#include <cmath>
#include <stdexcept>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"
#include "runtime/models/sambay_layer_weights.h"
#include "runtime/models/sambay_model.h"

namespace rbench::runtime {

namespace {

std::string layer_prefix(int64_t i) { return "model.layers." + std::to_string(i) + "."; }

void add_attention_specs(std::vector<TensorSpec>& specs, const SambaYConfig& c, const std::string& p, bool query_only) {
  const int64_t q_width = c.n_heads * c.head_dim;
  const int64_t width = query_only ? q_width : q_width + 2 * c.n_kv_heads * c.head_dim;
  specs.push_back({p + "attn.Wqkv.weight", {width, c.hidden}});
  specs.push_back({p + "attn.Wqkv.bias", {width}, TensorInit::bias});
  specs.push_back({p + "attn.out_proj.weight", {c.hidden, q_width}});
  specs.push_back({p + "attn.out_proj.bias", {c.hidden}, TensorInit::bias});
  if (c.differential) {
    for (const char* name : {"lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2"})
      specs.push_back({p + "attn.inner_cross_attn." + name, {c.head_dim}, TensorInit::lambda, true});
    specs.push_back({p + "attn.inner_cross_attn.subln.weight", {2 * c.head_dim}, TensorInit::norm_weight});
  }
}

}  // namespace

at::Tensor SambaYModel::take(TensorSource& source, const TensorSpec& spec, at::ScalarType dtype) {
  at::Tensor t = source.get(spec, dtype, device_);
  n_params_ += t.numel();
  return t;
}

SambaYModel::SambaYModel(const SambaYConfig& config, TensorSource& source, const std::string& device)
    : config_(config), device_(parse_placement(device).device), compute_(parse_placement(device).compute) {
  const auto specs = sambay_tensor_manifest(config);
  std::size_t next = 0;
  // Specs come in manifest order; each take() consumes the next one and checks it is the expected name.
  auto get = [&](const std::string& name, at::ScalarType dtype) {
    if (next >= specs.size() || specs[next].name != name)
      throw std::logic_error("sambay: manifest order mismatch at " + name);
    return take(source, specs[next++], dtype);
  };
  const auto cd = compute_;
  embed_ = get("model.embed_tokens.weight", cd);
  layers_.resize(config.kinds.size());
  first_cross_layer_ = config.n_layers;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    SambaYLayerWeights w = sambay_layer_weights(config, static_cast<int64_t>(i), get, cd, false);
    if ((w.kind == LayerKind::gmu || w.kind == LayerKind::cross_attention) && first_cross_layer_ == config.n_layers)
      first_cross_layer_ = static_cast<int64_t>(i);
    Layer& l = layers_[i];
    l.kind = w.kind;
    l.norm1 = w.norm1, l.norm2 = w.norm2, l.mlp = w.mlp;
    l.mamba = w.mamba, l.attn = w.attn, l.gmu = w.gmu;
  }
  final_norm_ = {get("model.final_layernorm.weight", cd), get("model.final_layernorm.bias", cd)};
  lm_head_ = config.tie_embeddings ? embed_ : get("lm_head.weight", cd);
  source.finish();

  state_spec_.kinds = config.kinds;
  state_spec_.windows = config.windows;
  state_spec_.mamba_d_inner = config.mamba_d_inner;
  state_spec_.mamba_d_conv = config.mamba_d_conv;
  state_spec_.mamba_d_state = config.mamba_d_state;
  state_spec_.n_kv_heads = config.n_kv_heads;
  state_spec_.head_dim = config.head_dim;
  state_spec_.kv_dtype = compute_;
  state_spec_.device = device_;
}

at::Tensor SambaYModel::mix(Layer& layer, std::size_t index, const at::Tensor& x, SequenceState& state, int64_t pos0,
                            const at::Tensor& q_positions, at::Tensor& memory) {
  switch (layer.kind) {
    case LayerKind::mamba:
    case LayerKind::mamba_memory: {
      auto out = layers::mamba_mixer(x, layer.mamba, state.mamba(index), layer.kind == LayerKind::mamba_memory);
      if (out.memory.defined()) memory = out.memory;
      return out.out;
    }
    case LayerKind::sliding_attention: return layers::sliding_attention(x, layer.attn, state.window(index), pos0);
    case LayerKind::full_attention: return layers::full_attention(x, layer.attn, state.shared_kv(), pos0);
    case LayerKind::cross_attention: return layers::cross_attention(x, layer.attn, state.shared_kv(), q_positions);
    case LayerKind::gmu: return layers::gated_memory_unit(x, memory, layer.gmu);
    case LayerKind::causal_attention: break;  // a Transformer layer kind: SambaY configs never produce it
  }
  throw std::logic_error("sambay: unknown layer kind");
}

at::Tensor SambaYModel::forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) {
  const int64_t L = ids.size(0);
  const int64_t pos0 = state.n_tokens();
  at::Tensor tokens = ids.to(device_, at::kLong);
  at::Tensor residual = at::embedding(embed_, tokens).to(at::kFloat);              // [L, D] float32 stream
  at::Tensor q_positions = at::arange(pos0, pos0 + L, tokens.options());          // [L]
  at::Tensor memory;                                                              // [L, d_inner] from the memory layer
  // Each residual add is fused with the LayerNorm that reads its result (kernels/add_layer_norm: in place on the
  // float32 stream, the normed rows in the compute dtype), so h is always the next block's input.
  at::Tensor h = kernels::add_layer_norm(residual, at::Tensor(), layers_[0].norm1.weight, layers_[0].norm1.bias,
                                         config_.norm_eps, compute_);             // [L, D]
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (static_cast<int64_t>(i) == first_cross_layer_ && wanted != LogitsWanted::all) {
      if (wanted == LogitsWanted::none) break;  // the cross-decoder keeps no state: nothing to do
      residual = residual.narrow(0, L - 1, 1);                                    // rows are contiguous
      h = h.narrow(0, L - 1, 1);
      q_positions = q_positions.narrow(0, L - 1, 1);
      if (memory.defined()) memory = memory.narrow(0, L - 1, 1);
    }
    Layer& layer = layers_[i];
    const at::Tensor mixed = mix(layer, i, h, state, pos0, q_positions, memory);
    h = kernels::add_layer_norm(residual, mixed, layer.norm2.weight, layer.norm2.bias, config_.norm_eps, compute_);
    const layers::LayerNormWeights& next = i + 1 < layers_.size() ? layers_[i + 1].norm1 : final_norm_;
    h = kernels::add_layer_norm(residual, layers::gated_mlp(h, layer.mlp), next.weight, next.bias, config_.norm_eps,
                                compute_);
  }
  state.advance(L);
  if (wanted == LogitsWanted::none) return {};
  if (wanted == LogitsWanted::last && h.size(0) > 1) h = h.narrow(0, h.size(0) - 1, 1);
  return at::linear(h, lm_head_).to(at::kFloat);
}

std::vector<TensorSpec> sambay_tensor_manifest(const SambaYConfig& c) {
  std::vector<TensorSpec> specs;
  specs.push_back({"model.embed_tokens.weight", {c.vocab, c.hidden}, TensorInit::embedding});
  const int64_t di = c.mamba_d_inner, R = c.mamba_dt_rank, N = c.mamba_d_state;
  for (int64_t i = 0; i < c.n_layers; ++i) {
    const std::string p = layer_prefix(i);
    const LayerKind kind = c.kinds[i];
    specs.push_back({p + "input_layernorm.weight", {c.hidden}, TensorInit::norm_weight});
    specs.push_back({p + "input_layernorm.bias", {c.hidden}, TensorInit::norm_bias});
    if (is_mamba(kind)) {
      specs.push_back({p + "attn.in_proj.weight", {2 * di, c.hidden}});
      specs.push_back({p + "attn.conv1d.weight", {di, 1, c.mamba_d_conv}, TensorInit::conv});
      specs.push_back({p + "attn.conv1d.bias", {di}, TensorInit::bias});
      specs.push_back({p + "attn.x_proj.weight", {R + 2 * N, di}});
      specs.push_back({p + "attn.dt_proj.weight", {di, R}});
      specs.push_back({p + "attn.dt_proj.bias", {di}, TensorInit::dt_bias});
      specs.push_back({p + "attn.A_log", {di, N}, TensorInit::a_log, true});
      specs.push_back({p + "attn.D", {di}, TensorInit::d_skip});
      specs.push_back({p + "attn.out_proj.weight", {c.hidden, di}});
    } else if (kind == LayerKind::gmu) {
      specs.push_back({p + "attn.in_proj.weight", {di, c.hidden}});
      specs.push_back({p + "attn.out_proj.weight", {c.hidden, di}});
    } else {
      add_attention_specs(specs, c, p, kind == LayerKind::cross_attention);
    }
    specs.push_back({p + "post_attention_layernorm.weight", {c.hidden}, TensorInit::norm_weight});
    specs.push_back({p + "post_attention_layernorm.bias", {c.hidden}, TensorInit::norm_bias});
    specs.push_back({p + "mlp.fc1.weight", {2 * c.intermediate, c.hidden}});
    specs.push_back({p + "mlp.fc2.weight", {c.hidden, c.intermediate}});
  }
  specs.push_back({"model.final_layernorm.weight", {c.hidden}, TensorInit::norm_weight});
  specs.push_back({"model.final_layernorm.bias", {c.hidden}, TensorInit::norm_bias});
  if (!c.tie_embeddings) specs.push_back({"lm_head.weight", {c.vocab, c.hidden}});
  return specs;
}

std::unique_ptr<Model> build_sambay(const SambaYConfig& config, TensorSource& source, const std::string& device) {
  return std::make_unique<SambaYModel>(config, source, device);
}

}  // namespace rbench::runtime
