// Checkpoint tensors to layer-function weights for one SambaY layer; see sambay_layer_weights.h.
#include "runtime/models/sambay_layer_weights.h"

#include <stdexcept>

namespace rbench::runtime {

SambaYLayerWeights sambay_layer_weights(const SambaYConfig& config, int64_t layer, const SambaYTensorGetter& get,
                                        at::ScalarType compute, bool lambda_as_tensor) {
  if (layer < 0 || layer >= static_cast<int64_t>(config.kinds.size()))
    throw std::out_of_range("sambay: layer " + std::to_string(layer) + " of a config with " +
                            std::to_string(config.kinds.size()) + " layers");
  const auto f32 = at::kFloat, cd = compute;
  const std::string p = "model.layers." + std::to_string(layer) + ".";
  SambaYLayerWeights l;
  l.kind = config.kinds[static_cast<std::size_t>(layer)];
  l.norm1 = {get(p + "input_layernorm.weight", cd), get(p + "input_layernorm.bias", cd)};
  if (is_mamba(l.kind)) {
    auto& m = l.mamba;
    m.in_proj = get(p + "attn.in_proj.weight", cd);
    m.conv_weight = get(p + "attn.conv1d.weight", f32).squeeze(1);
    m.conv_bias = get(p + "attn.conv1d.bias", f32);
    m.x_proj = get(p + "attn.x_proj.weight", cd);
    m.dt_proj = get(p + "attn.dt_proj.weight", cd);
    m.dt_bias = get(p + "attn.dt_proj.bias", f32);
    m.A = -at::exp(get(p + "attn.A_log", f32));
    m.D = get(p + "attn.D", f32);
    m.out_proj = get(p + "attn.out_proj.weight", cd);
  } else if (l.kind == LayerKind::gmu) {
    l.gmu.in_proj = get(p + "attn.in_proj.weight", cd);
    l.gmu.out_proj = get(p + "attn.out_proj.weight", cd);
  } else {
    auto& a = l.attn;
    a.n_heads = config.n_heads;
    a.n_kv_heads = config.n_kv_heads;
    a.head_dim = config.head_dim;
    a.differential = config.differential;
    a.wqkv = get(p + "attn.Wqkv.weight", cd);
    a.bqkv = get(p + "attn.Wqkv.bias", cd);
    a.out_w = get(p + "attn.out_proj.weight", cd);
    a.out_b = get(p + "attn.out_proj.bias", cd);
    if (a.differential) {
      const std::string d = p + "attn.inner_cross_attn.";
      at::Tensor q1 = get(d + "lambda_q1", f32), k1 = get(d + "lambda_k1", f32);
      at::Tensor q2 = get(d + "lambda_q2", f32), k2 = get(d + "lambda_k2", f32);
      a.lambda_init = layers::differential_lambda_init(layer);
      if (lambda_as_tensor) {
        a.lambda_tensor = layers::differential_lambda(q1, k1, q2, k2, a.lambda_init);
        a.lambda = a.lambda_tensor.item<double>();
      } else {
        auto f64 = [](const at::Tensor& t) { return t.to(at::kDouble); };
        a.lambda = layers::differential_lambda(f64(q1), f64(k1), f64(q2), f64(k2), a.lambda_init).item<double>();
      }
      a.subln = get(d + "subln.weight", cd);
    }
  }
  l.norm2 = {get(p + "post_attention_layernorm.weight", cd), get(p + "post_attention_layernorm.bias", cd)};
  l.mlp = {get(p + "mlp.fc1.weight", cd), get(p + "mlp.fc2.weight", cd)};
  return l;
}

}  // namespace rbench::runtime
