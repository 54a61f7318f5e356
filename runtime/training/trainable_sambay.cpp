// Batched, differentiable SambaY forward for training over the runtime's own layer functions; see
// trainable_sambay.h.
#include "runtime/training/trainable_sambay.h"

#include <cmath>
#include <stdexcept>

#include "runtime/layers/attention.h"
#include "runtime/layers/dense.h"
#include "runtime/layers/mamba_mixer.h"
#include "runtime/model/safetensors.h"
#include "runtime/models/sambay.h"

namespace rbench::runtime::training {

namespace {

bool writes_residual(const std::string& name) {
  auto ends_with = [&](const std::string& s) {
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with("attn.out_proj.weight") || ends_with("mlp.fc2.weight");
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

void TrainableSambaY::write_safetensors(const std::filesystem::path& path) const {
  std::vector<at::Tensor> values;
  std::vector<TensorToWrite> all;
  values.reserve(specs_.size());
  for (std::size_t i = 0; i < specs_.size(); ++i) {
    values.push_back(params_[i].detach().to(at::kFloat).contiguous());
    all.push_back({specs_[i].name, StorageDtype::f32, specs_[i].shape, values.back().data_ptr(),
                   static_cast<std::size_t>(values.back().numel()) * sizeof(float)});
  }
  runtime::write_safetensors(path, all, {{"format", "pt"}});
}

const at::Tensor& TrainableSambaY::w(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw std::logic_error("trainable sambay: no tensor named " + name);
  return params_[it->second];
}

layers::MambaWeights TrainableSambaY::mamba_weights(const std::string& p) const {
  layers::MambaWeights m;
  m.in_proj = w(p + "attn.in_proj.weight");
  m.conv_weight = w(p + "attn.conv1d.weight").squeeze(1);
  m.conv_bias = w(p + "attn.conv1d.bias");
  m.x_proj = w(p + "attn.x_proj.weight");
  m.dt_proj = w(p + "attn.dt_proj.weight");
  m.dt_bias = w(p + "attn.dt_proj.bias");
  m.A = -at::exp(w(p + "attn.A_log"));
  m.D = w(p + "attn.D");
  m.out_proj = w(p + "attn.out_proj.weight");
  return m;
}

layers::AttentionWeights TrainableSambaY::attention_weights(const std::string& p, int64_t layer) const {
  layers::AttentionWeights a;
  a.n_heads = config_.n_heads;
  a.n_kv_heads = config_.n_kv_heads;
  a.head_dim = config_.head_dim;
  a.differential = config_.differential;
  a.wqkv = w(p + "attn.Wqkv.weight");
  a.bqkv = w(p + "attn.Wqkv.bias");
  a.out_w = w(p + "attn.out_proj.weight");
  a.out_b = w(p + "attn.out_proj.bias");
  if (a.differential) {
    const std::string d = p + "attn.inner_cross_attn.";
    a.lambda_init = layers::differential_lambda_init(layer);
    a.lambda_tensor = layers::differential_lambda(w(d + "lambda_q1"), w(d + "lambda_k1"), w(d + "lambda_q2"),
                                                  w(d + "lambda_k2"), a.lambda_init);
    a.subln = w(d + "subln.weight");
  }
  return a;
}

at::Tensor TrainableSambaY::forward(const at::Tensor& ids) const {
  at::Tensor residual = at::embedding(w("model.embed_tokens.weight"), ids);       // [B, T, D]
  at::Tensor memory;                                                              // [B, T, d_inner]
  layers::SequenceKv shared;
  for (int64_t i = 0; i < config_.n_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    const LayerKind kind = config_.kinds[static_cast<std::size_t>(i)];
    at::Tensor x = layers::layer_norm(residual, {w(p + "input_layernorm.weight"), w(p + "input_layernorm.bias")},
                                      config_.norm_eps);
    at::Tensor mixed;
    switch (kind) {
      case LayerKind::mamba:
      case LayerKind::mamba_memory: {
        auto out = layers::mamba_mixer_sequence(x, mamba_weights(p), kind == LayerKind::mamba_memory);
        if (out.memory.defined()) memory = out.memory;
        mixed = out.out;
        break;
      }
      case LayerKind::sliding_attention:
        mixed = layers::sliding_attention_sequence(x, attention_weights(p, i),
                                                   config_.windows[static_cast<std::size_t>(i)]);
        break;
      case LayerKind::full_attention: mixed = layers::full_attention_sequence(x, attention_weights(p, i), shared); break;
      case LayerKind::cross_attention:
        mixed = layers::cross_attention_sequence(x, attention_weights(p, i), shared);
        break;
      case LayerKind::gmu:
        mixed = layers::gated_memory_unit(x, memory, {w(p + "attn.in_proj.weight"), w(p + "attn.out_proj.weight")});
        break;
      case LayerKind::causal_attention: throw std::logic_error("trainable sambay: a Transformer layer in a SambaY config");
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
