// Sampling for a batch of rows on the logits' device, with no host round trip (so it can sit inside a captured
// CUDA graph): greedy rows take the argmax; the others use softmax(logits / temperature) filtered exactly as
// filtered_distribution() filters one row (top-k, then top-p on the full distribution's mass, then min-p,
// renormalised) and draw by inverse CDF with a uniform that is a hash of (request seed, step). The draw depends only
// on the request's own seed and how many tokens it has generated, never on which other rows share the batch, so a
// request gives the same tokens alone or in any batch on a given device.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "runtime/request.h"

namespace rbench::runtime {

// Per-row parameters, each [B] on the logits' device.
struct BatchSamplingTensors {
  at::Tensor temperature, top_p, min_p;  // float32
  at::Tensor top_k;                      // int64, 0 = no limit
  at::Tensor seed;                       // int64 (the request's uint64 seed, bit for bit)
  at::Tensor step;                       // int64: tokens the request has generated before this one
};

// Host-side builder for the tensors above (checks each request's parameters with a clear message).
BatchSamplingTensors make_sampling_tensors(const std::vector<SamplingParams>& params, const std::vector<int64_t>& steps,
                                           const at::Device& device);

// logits: float32 [B, V]; only columns below n_sampleable (0 = all) can be drawn. Returns int64 [B].
at::Tensor sample_batch(const at::Tensor& logits, const BatchSamplingTensors& p, int64_t n_sampleable = 0);

// The uniform in [0, 1) of (seed, step), float64 [B] (exposed for tests).
at::Tensor seeded_uniform(const at::Tensor& seed, const at::Tensor& step);

}  // namespace rbench::runtime
