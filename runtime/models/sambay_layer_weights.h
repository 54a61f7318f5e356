// The one mapping from a SambaY layer's checkpoint tensors (HF names, manifest order) to the arguments of the
// runtime/layers/ functions, with the derived quantities (A = -exp(A_log), the differential lambda). The engine's
// loader (sambay.cpp) and training (runtime/training/, over its trainable leaves, on every forward so that
// gradients reach the stored parameters) both build their layers with it.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/layers/attention.h"
#include "runtime/layers/dense.h"
#include "runtime/layers/mamba_mixer.h"
#include "runtime/models/sambay_config.h"

namespace rbench::runtime {

struct SambaYLayerWeights {
  LayerKind kind = LayerKind::mamba;
  layers::LayerNormWeights norm1, norm2;
  layers::GatedMlpWeights mlp;
  layers::MambaWeights mamba;       // Mamba kinds
  layers::AttentionWeights attn;    // attention kinds
  layers::GmuWeights gmu;           // gmu
};

// Returns the tensor of a checkpoint name in a dtype; called in manifest order.
using SambaYTensorGetter = std::function<at::Tensor(const std::string& name, at::ScalarType dtype)>;

// Layer `layer` of `config`: matrices and norms in `compute`, conv, dt bias, A_log, D and lambda_* in float32.
// The lambda is a double computed in float64 (fixed at load); with lambda_as_tensor also a differentiable 0-dim
// tensor in AttentionWeights::lambda_tensor, which the attention core then uses.
SambaYLayerWeights sambay_layer_weights(const SambaYConfig& config, int64_t layer, const SambaYTensorGetter& get,
                                        at::ScalarType compute, bool lambda_as_tensor);

}  // namespace rbench::runtime
