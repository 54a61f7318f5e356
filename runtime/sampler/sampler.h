// Token sampling from one row of logits: greedy when temperature is 0, otherwise softmax(logits / temperature)
// filtered in HF's order by top-k, top-p (nucleus) and min-p, renormalised, and drawn with the request's own
// seeded generator (std::mt19937_64), so (seed, prompt, params) give the same tokens on the same device.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "runtime/request.h"

namespace rbench::runtime {

// The tokens that survive the filters with their renormalised probabilities, most likely first (when no filter
// cuts anything, only the first 256 are in order).
std::vector<std::pair<int32_t, double>> filtered_distribution(std::span<const float> logits, const SamplingParams& params);

int32_t argmax(std::span<const float> logits);

class Sampler {
 public:
  explicit Sampler(const SamplingParams& params);
  int32_t sample(std::span<const float> logits);

 private:
  SamplingParams params_;
  std::mt19937_64 rng_;
};

}  // namespace rbench::runtime
