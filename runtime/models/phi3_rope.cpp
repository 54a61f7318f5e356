// Partial LongRoPE for Phi3; see phi3_rope.h.
#include "runtime/models/phi3_rope.h"

#include <vector>

namespace rbench::runtime {

namespace {

// 1 / (factor_j * theta^(2j / dim)), in float32 like transformers' _compute_longrope_parameters.
at::Tensor inverse_frequencies(const std::vector<double>& factors, double theta, int64_t dim, const at::Device& device) {
  at::Tensor exponent = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);  // [dim/2]
  at::Tensor base = at::pow(at::Scalar(theta), exponent);
  at::Tensor f = factors.empty() ? at::ones({dim / 2}, at::kFloat)
                                 : at::tensor(std::vector<float>(factors.begin(), factors.end()), at::kFloat);
  return (1.0 / (f * base)).to(device);
}

}  // namespace

Phi3Rope::Phi3Rope(const Phi3RopeConfig& config, const at::Device& device) : config_(config) {
  short_inv_freq_ = inverse_frequencies(config.short_factor, config.theta, config.rotary_dim, device);
  long_inv_freq_ = inverse_frequencies(config.long_factor, config.theta, config.rotary_dim, device);
}

RopeFactorSet Phi3Rope::choose(int64_t planned_length) const {
  return needs_long(planned_length) ? RopeFactorSet::long_factors : RopeFactorSet::short_factors;
}

const at::Tensor& Phi3Rope::inv_freq(RopeFactorSet set) const {
  return set == RopeFactorSet::long_factors ? long_inv_freq_ : short_inv_freq_;
}

Phi3Rope::Angles Phi3Rope::angles(const at::Tensor& positions, RopeFactorSet set, at::ScalarType dtype) const {
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(1) * inv_freq(set).unsqueeze(0);  // [L, rotary_dim/2]
  at::Tensor emb = at::cat({freqs, freqs}, -1);                                            // [L, rotary_dim]
  return {(emb.cos() * config_.attention_scaling).to(dtype), (emb.sin() * config_.attention_scaling).to(dtype)};
}

Phi3Rope::Angles Phi3Rope::angles_per_sequence(const at::Tensor& positions, const at::Tensor& planned_lengths,
                                               at::ScalarType dtype) const {
  // Picking the inverse frequencies per row gives the same products as forming both angle sets and selecting.
  at::Tensor inv = short_inv_freq_.unsqueeze(0).expand({positions.size(0), -1});            // [B, rotary_dim/2]
  if (config_.longrope) {
    const at::Tensor use_long = (planned_lengths > config_.original_max_positions).unsqueeze(1);  // [B, 1]
    inv = at::where(use_long, long_inv_freq_.unsqueeze(0), inv);
  }
  at::Tensor freqs = positions.to(at::kFloat).unsqueeze(1) * inv;                           // [B, rotary_dim/2]
  at::Tensor emb = at::cat({freqs, freqs}, -1);                                              // [B, rotary_dim]
  return {(emb.cos() * config_.attention_scaling).to(dtype), (emb.sin() * config_.attention_scaling).to(dtype)};
}

at::Tensor Phi3Rope::rotate(const at::Tensor& x, const Angles& a) {
  const int64_t dim = a.cos.size(-1), half = dim / 2, head_dim = x.size(-1);
  at::Tensor rot = x.narrow(-1, 0, dim);                                                   // [H, L, dim]
  at::Tensor rotated_half = at::cat({-rot.narrow(-1, half, half), rot.narrow(-1, 0, half)}, -1);
  at::Tensor out = rot * a.cos + rotated_half * a.sin;                                     // [H, L, dim]
  if (dim == head_dim) return out;
  return at::cat({out, x.narrow(-1, dim, head_dim - dim)}, -1);                            // [H, L, head_dim]
}

}  // namespace rbench::runtime
