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
#include "runtime/models/sambay_layer_weights.h"

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

at::Tensor TrainableSambaY::forward(const at::Tensor& ids) const {
  at::Tensor residual = at::embedding(w("model.embed_tokens.weight"), ids);       // [B, T, D]
  at::Tensor memory;                                                              // [B, T, d_inner]
  layers::SequenceKv shared;
  // The derived tensors (A, lambda) are rebuilt from the leaves on every forward, so gradients reach them.
  const SambaYTensorGetter leaf = [this](const std::string& name, at::ScalarType) { return w(name); };
  for (int64_t i = 0; i < config_.n_layers; ++i) {
    const SambaYLayerWeights l = sambay_layer_weights(config_, i, leaf, at::kFloat, /*lambda_as_tensor=*/true);
    at::Tensor x = layers::layer_norm(residual, l.norm1, config_.norm_eps);
    at::Tensor mixed;
    switch (l.kind) {
      case LayerKind::mamba:
      case LayerKind::mamba_memory: {
        auto out = layers::mamba_mixer_sequence(x, l.mamba, l.kind == LayerKind::mamba_memory);
        if (out.memory.defined()) memory = out.memory;
        mixed = out.out;
        break;
      }
      case LayerKind::sliding_attention:
        mixed = layers::sliding_attention_sequence(x, l.attn, config_.windows[static_cast<std::size_t>(i)]);
        break;
      case LayerKind::full_attention: mixed = layers::full_attention_sequence(x, l.attn, shared); break;
      case LayerKind::cross_attention: mixed = layers::cross_attention_sequence(x, l.attn, shared); break;
      case LayerKind::gmu: mixed = layers::gated_memory_unit(x, memory, l.gmu); break;
      case LayerKind::causal_attention: throw std::logic_error("trainable sambay: a Transformer layer in a SambaY config");
    }
    residual = residual + mixed;
    residual = residual + layers::gated_mlp(layers::layer_norm(residual, l.norm2, config_.norm_eps), l.mlp);
  }
  at::Tensor h = layers::layer_norm(residual, {w("model.final_layernorm.weight"), w("model.final_layernorm.bias")},
                                    config_.norm_eps);
  return at::linear(h, config_.tie_embeddings ? w("model.embed_tokens.weight") : w("lm_head.weight"));
}

}  // namespace rbench::runtime::training
