// The SambaY model class, shared by the files that implement its parts: loading and the per-sequence forward
// (sambay.cpp) and the batched decode step over a state pool (sambay_decode_step.cpp). Internal to runtime/models.
#pragma once

#include <vector>

#include "runtime/layers/attention.h"
#include "runtime/layers/dense.h"
#include "runtime/layers/mamba_mixer.h"
#include "runtime/model/model.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/sambay_config.h"

namespace rbench::runtime {

class DecodeStream;

class SambaYModel final : public Model {
 public:
  SambaYModel(const SambaYConfig& config, TensorSource& source, const std::string& device);

  SequenceState new_sequence() const override { return SequenceState(state_spec_); }
  const StateSpec& state_spec() const override { return state_spec_; }
  at::Tensor forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) override;
  at::Tensor decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                         const at::Tensor& positions) override;  // sambay_decode_step.cpp
  int64_t vocab_size() const override { return config_.vocab; }
  at::Device device() const override { return device_; }
  int64_t n_params() const override { return n_params_; }
  std::string dtype_name() const override { return compute_ == at::kFloat ? "float32" : "bfloat16"; }

 private:
  struct Layer {
    LayerKind kind;
    layers::LayerNormWeights norm1, norm2;
    layers::GatedMlpWeights mlp;
    layers::MambaWeights mamba;
    layers::AttentionWeights attn;
    layers::GmuWeights gmu;
  };

  at::Tensor take(TensorSource& source, const TensorSpec& spec, at::ScalarType dtype);
  // One decode token of B pooled sequences through layer `index`'s mixer, its output added to the stream
  // (sambay_decode_step.cpp); `rows` holds the cache rows and lengths of this step, computed once per step.
  struct StepRows;
  void mix_pooled(const Layer& layer, std::size_t index, DecodeStream& stream, StatePool& pool,
                  const at::Tensor& slots, StepRows& rows, at::Tensor& memory) const;
  at::Tensor mix(Layer& layer, std::size_t index, const at::Tensor& x, SequenceState& state, int64_t pos0,
                 const at::Tensor& q_positions, at::Tensor& memory);

  SambaYConfig config_;
  at::Device device_;
  at::ScalarType compute_;
  StateSpec state_spec_;
  at::Tensor embed_, lm_head_;
  layers::LayerNormWeights final_norm_;
  std::vector<Layer> layers_;
  int64_t first_cross_layer_;  // index of the first cross-decoder layer, n_layers when none
  int64_t n_params_ = 0;
};

}  // namespace rbench::runtime
