// The SambaY forward over a padded batch [B, T] with every weight a leaf tensor that autograd can train. It
// follows the inference forward of models/sambay.cpp operation for operation (same tensor names and shapes
// from sambay_tensor_manifest, the same LayerNorm / gated MLP / GMU blocks from layers/dense.h, the same
// differential attention, masks and Mamba recurrence), but batched and without decoding state: the engine's
// prefill and stepwise decode then run the weights it learns, so any disagreement between the two code paths
// shows up as lost accuracy.
#pragma once

#include <ATen/ATen.h>

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

 private:
  const at::Tensor& w(const std::string& name) const;
  at::Tensor mamba(const std::string& p, const at::Tensor& x, at::Tensor* memory) const;
  at::Tensor attention(const std::string& p, int64_t layer, const at::Tensor& x, const at::Tensor& mask,
                       at::Tensor* shared_k, at::Tensor* shared_v) const;

  SambaYConfig config_;
  std::vector<TensorSpec> specs_;
  std::vector<at::Tensor> params_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace rbench::runtime::training
