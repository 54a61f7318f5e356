// The Phi3 model class, shared by the files that implement its parts: loading and the per-sequence forward
// (phi3.cpp) and the batched decode step over a state pool (phi3_decode_step.cpp). Internal to runtime/models.
#pragma once

#include <string>
#include <vector>

#include "runtime/layers/dense.h"
#include "runtime/model/model.h"
#include "runtime/model/tensor_source.h"
#include "runtime/models/phi3_config.h"
#include "runtime/models/phi3_rope.h"

namespace rbench::runtime {

// Float32 statistics, rounded back before the weight, as transformers' Phi3RMSNorm.
inline at::Tensor phi3_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor h = x.to(at::kFloat);
  h = h * at::rsqrt(h.pow(2).mean(-1, true) + eps);
  return weight * h.to(x.scalar_type());
}

class Phi3Model final : public Model {
 public:
  Phi3Model(const Phi3Config& config, TensorSource& source, const std::string& device);

  SequenceState new_sequence() const override { return SequenceState(state_spec_); }
  const StateSpec& state_spec() const override { return state_spec_; }
  at::Tensor forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) override;
  at::Tensor decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                         const at::Tensor& positions) override;  // phi3_decode_step.cpp
  int64_t vocab_size() const override { return config_.vocab; }
  at::Device device() const override { return device_; }
  int64_t n_params() const override { return n_params_; }
  std::string dtype_name() const override { return compute_ == at::kFloat ? "float32" : "bfloat16"; }

 private:
  struct Layer {
    at::Tensor input_norm, post_norm;  // [D]
    at::Tensor qkv;                    // [(Hq + 2 Hkv) dh, D]
    at::Tensor o_proj;                 // [D, Hq dh]
    layers::GatedMlpWeights mlp;       // gate_up_proj [2I, D] (gate rows first), down_proj [D, I]
  };

  RopeFactorSet factor_set(SequenceState& state, int64_t end) const;
  at::Tensor attention(const Layer& layer, const at::Tensor& x, SharedKv& cache, int64_t pos0,
                       const Phi3Rope::Angles& angles) const;
  // One decode token of B pooled sequences through a layer's attention (phi3_decode_step.cpp).
  at::Tensor attention_pooled(const Layer& layer, const PooledLayer& cache, const at::Tensor& x,
                              const at::Tensor& slots, const at::Tensor& positions, const at::Tensor& lengths,
                              const Phi3Rope::Angles& angles) const;

  Phi3Config config_;
  at::Device device_;
  at::ScalarType compute_;
  Phi3Rope rope_;
  StateSpec state_spec_;
  at::Tensor embed_, lm_head_, final_norm_;
  std::vector<Layer> layers_;
  int64_t n_params_ = 0;
};

}  // namespace rbench::runtime
