// Batched on-device sampling; see batch_sampler.h.
#include "runtime/sampler/batch_sampler.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace rbench::runtime {

namespace {

constexpr int64_t kLow32 = 0xFFFFFFFFLL;

// A 32-bit integer mixer on int64 tensors holding values below 2^32; the multiplier is below 2^27 so no product
// leaves int64.
at::Tensor mix32(at::Tensor x) {
  x = at::bitwise_xor(x, at::bitwise_right_shift(x, 16));
  x = at::bitwise_and(x * 0x45d9f3bLL, kLow32);
  x = at::bitwise_xor(x, at::bitwise_right_shift(x, 16));
  x = at::bitwise_and(x * 0x45d9f3bLL, kLow32);
  return at::bitwise_xor(x, at::bitwise_right_shift(x, 16));
}

void check(bool ok, std::size_t row, const std::string& what) {
  if (!ok) throw std::invalid_argument("sampling parameters of request " + std::to_string(row) + ": " + what);
}

}  // namespace

at::Tensor seeded_uniform(const at::Tensor& seed, const at::Tensor& step) {
  const at::Tensor lo = at::bitwise_and(seed, kLow32);
  const at::Tensor hi = at::bitwise_and(at::bitwise_right_shift(seed, 32), kLow32);
  const at::Tensor s = at::bitwise_and(step, kLow32);
  const at::Tensor h1 = mix32(at::bitwise_xor(lo, mix32(at::bitwise_xor(hi, mix32(s)))));
  const at::Tensor h2 = mix32(at::bitwise_xor(h1, 0x2545F491LL));
  // 53 bits: 32 from h1, 21 from h2.
  const at::Tensor bits = h1 * (1LL << 21) + at::bitwise_right_shift(h2, 11);
  return bits.to(at::kDouble) * (1.0 / 9007199254740992.0);
}

BatchSamplingTensors make_sampling_tensors(const std::vector<SamplingParams>& params, const std::vector<int64_t>& steps,
                                           const at::Device& device) {
  const auto n = static_cast<int64_t>(params.size());
  if (steps.size() != params.size()) throw std::invalid_argument("sampling: one step count per request is needed");
  at::Tensor temperature = at::empty({n}, at::kFloat), top_p = at::empty({n}, at::kFloat);
  at::Tensor min_p = at::empty({n}, at::kFloat), top_k = at::empty({n}, at::kLong);
  at::Tensor seed = at::empty({n}, at::kLong), step = at::empty({n}, at::kLong);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const SamplingParams& p = params[i];
    check(p.temperature >= 0.0, i, "temperature must be >= 0, got " + std::to_string(p.temperature));
    check(p.top_p > 0.0 && p.top_p <= 1.0, i, "top_p must be in (0, 1], got " + std::to_string(p.top_p));
    check(p.top_k >= 0, i, "top_k must be >= 0, got " + std::to_string(p.top_k));
    check(p.min_p >= 0.0 && p.min_p <= 1.0, i, "min_p must be in [0, 1], got " + std::to_string(p.min_p));
    const auto k = static_cast<int64_t>(i);
    temperature.data_ptr<float>()[k] = static_cast<float>(p.temperature);
    top_p.data_ptr<float>()[k] = static_cast<float>(p.top_p);
    min_p.data_ptr<float>()[k] = static_cast<float>(p.min_p);
    top_k.data_ptr<int64_t>()[k] = p.top_k;
    seed.data_ptr<int64_t>()[k] = static_cast<int64_t>(p.seed);
    step.data_ptr<int64_t>()[k] = steps[i];
  }
  return {temperature.to(device), top_p.to(device), min_p.to(device), top_k.to(device), seed.to(device),
          step.to(device)};
}

at::Tensor sample_batch(const at::Tensor& logits, const BatchSamplingTensors& p, int64_t n_sampleable) {
  if (logits.dim() != 2) throw std::invalid_argument("sample_batch: logits must be [B, V]");
  at::Tensor l = logits.to(at::kFloat);
  if (n_sampleable > 0 && n_sampleable < l.size(1)) l = l.narrow(1, 0, n_sampleable);
  const at::Tensor greedy = at::argmax(l, 1);                                          // [B]
  const at::Tensor temperature = p.temperature.clamp_min(1e-6f).unsqueeze(1);          // [B, 1]
  // Descending by probability, ties by id (a stable sort of the scaled logits keeps id order among equals).
  auto [sorted, order] = at::sort(l / temperature, /*stable=*/true, /*dim=*/1, /*descending=*/true);
  const at::Tensor probs = at::softmax(sorted, 1);                                     // [B, V]
  const at::Tensor cum = at::cumsum(probs, 1);
  const at::Tensor rank = at::arange(l.size(1), p.top_k.options()).unsqueeze(0);      // [1, V]
  const at::Tensor k = p.top_k.unsqueeze(1);
  at::Tensor keep = (k <= 0) | (rank < k);
  keep = keep & (((cum - probs) < p.top_p.unsqueeze(1)) | (p.top_p.unsqueeze(1) >= 1.0f));
  keep = keep & (probs >= p.min_p.unsqueeze(1) * probs.narrow(1, 0, 1));
  keep = keep | (rank == 0);
  const at::Tensor kept = probs * keep;
  const at::Tensor kept_cum = at::cumsum(kept, 1);                                     // [B, V]
  const at::Tensor total = kept_cum.narrow(1, l.size(1) - 1, 1);                       // [B, 1]
  const at::Tensor u = (seeded_uniform(p.seed, p.step).to(at::kFloat).unsqueeze(1) * total);
  // The first position whose cumulative kept mass exceeds u; never past the last kept entry.
  at::Tensor index = at::searchsorted(kept_cum, u, /*out_int32=*/false, /*right=*/true);
  const at::Tensor last_kept = keep.sum(1, true) - 1;
  index = at::minimum(index, last_kept);
  const at::Tensor drawn = order.gather(1, index).squeeze(1);
  return at::where(p.temperature > 0.0f, drawn, greedy);
}

}  // namespace rbench::runtime
