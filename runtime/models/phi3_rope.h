// Partial rotary position embedding of the Phi3 family, with LongRoPE (spec 6.4): the first rotary_dim dims of
// each query/key head are rotated in "rotate-half" pairs (j, j + rotary_dim/2) by position * inv_freq_j, where
// inv_freq_j = 1 / (f_j * theta^(2j / rotary_dim)) and f is the short or the long factor set; cos and sin are
// multiplied by the magnitude scale. Angles are formed in float32 and rounded to the activation dtype, as
// transformers does.
//
// Which factor set: chosen ONCE per sequence from the length it is planned to reach (prompt + max_new_tokens for
// generation, the scored length for `score`): long when that exceeds original_max_position_embeddings, short
// otherwise. This is vLLM's behaviour (one choice, no re-prefill) applied per request instead of per engine; it
// equals transformers' full forward over the whole sequence, which picks by max position + 1. It differs from
// transformers' generate(), which starts short and re-prefills with the long set when crossing the threshold.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "runtime/models/phi3_config.h"

namespace rbench::runtime {

enum class RopeFactorSet { short_factors, long_factors };

class Phi3Rope {
 public:
  Phi3Rope(const Phi3RopeConfig& config, const at::Device& device);

  // The factor set for a sequence planned to hold `planned_length` tokens.
  RopeFactorSet choose(int64_t planned_length) const;
  bool needs_long(int64_t length) const { return config_.longrope && length > config_.original_max_positions; }

  struct Angles {
    at::Tensor cos, sin;  // [L, rotary_dim], scaled, in the activation dtype
  };
  // positions: int64 [L] on the model's device.
  Angles angles(const at::Tensor& positions, RopeFactorSet set, at::ScalarType dtype) const;
  // The batched decode form: one position per sequence, each with its own factor set chosen on the device from
  // its planned length (long where planned_lengths[b] > original_max_positions, as choose() does), so no host
  // sync. positions, planned_lengths: int64 [B] on the model's device. Returns cos and sin [B, rotary_dim].
  Angles angles_per_sequence(const at::Tensor& positions, const at::Tensor& planned_lengths,
                             at::ScalarType dtype) const;
  // x: [H, L, head_dim] (or any shape whose last two dims broadcast against the angles' [L, rotary_dim]). Returns x
  // with its first rotary_dim dims rotated, the rest unchanged.
  static at::Tensor rotate(const at::Tensor& x, const Angles& a);

  // inv_freq of a factor set, float32 [rotary_dim / 2] (exposed for tests).
  const at::Tensor& inv_freq(RopeFactorSet set) const;

 private:
  Phi3RopeConfig config_;
  at::Tensor short_inv_freq_, long_inv_freq_;
};

}  // namespace rbench::runtime
