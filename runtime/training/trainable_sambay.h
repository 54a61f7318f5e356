// The SambaY forward over a padded batch [B, T] with every weight a leaf tensor that autograd can train. It is
// the runtime's own architecture code: the batched sequence forms of runtime/layers/ (the same projections,
// differential attention core, Mamba conv + SSM inputs + gate, GMU, gated MLP and LayerNorm that the engine's
// per-sequence prefill and decode call), with each layer's weights built by the engine loader's own mapping
// (models/sambay_layer_weights.h) from tensors named as in sambay_tensor_manifest. Only the selective scan has
// its own implementation (layers/sequence_scan.h, differentiable; the engine runs runtime/kernels/), and
// tests/training holds these logits equal to the engine's prefill.
#pragma once

#include <ATen/ATen.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runtime/models/sambay_config.h"
#include "runtime/model/tensor_source.h"

namespace rbench::runtime::training {

class TrainableSambaY {
 public:
  // Weights from the manifest's initialisers (seeded), with the residual-writing projections scaled down by
  // sqrt(2 n_layers) and the tied embedding at std 1/sqrt(hidden) so that a deep stack starts near identity.
  TrainableSambaY(const SambaYConfig& config, uint64_t seed);

  // ids: int64 [B, T]. Returns float32 logits [B, T, vocab].
  at::Tensor forward(const at::Tensor& ids) const;

  // The trainable tensors in manifest order (names as in the checkpoint).
  const std::vector<TensorSpec>& specs() const { return specs_; }
  const std::vector<at::Tensor>& parameters() const { return params_; }
  int64_t n_params() const;
  // The weights as model.safetensors (float32, checkpoint names), loadable by the engine.
  void write_safetensors(const std::filesystem::path& path) const;

 private:
  const at::Tensor& w(const std::string& name) const;

  SambaYConfig config_;
  std::vector<TensorSpec> specs_;
  std::vector<at::Tensor> params_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace rbench::runtime::training
