// Greedy, temperature, top-k, top-p and min-p sampling; see sampler.h.
#include "runtime/sampler/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace rbench::runtime {

namespace {

// Sorts the `m` most probable indices to the front of `order` (descending probability, ties by id).
void sort_prefix(std::vector<int32_t>& order, const std::vector<double>& probs, std::size_t m) {
  m = std::min(m, order.size());
  auto more_likely = [&](int32_t a, int32_t b) { return probs[a] > probs[b] || (probs[a] == probs[b] && a < b); };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(m), order.end(), more_likely);
}

}  // namespace

int32_t argmax(std::span<const float> logits) {
  if (logits.empty()) throw std::runtime_error("sampler: empty logits");
  return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

std::vector<std::pair<int32_t, double>> filtered_distribution(std::span<const float> logits, const SamplingParams& p) {
  if (logits.empty()) throw std::runtime_error("sampler: empty logits");
  if (!(p.temperature > 0.0)) return {{argmax(logits), 1.0}};
  if (!(p.top_p > 0.0 && p.top_p <= 1.0)) throw std::runtime_error("sampler: top_p must be in (0, 1], got " + std::to_string(p.top_p));
  if (p.top_k < 0) throw std::runtime_error("sampler: top_k must be >= 0, got " + std::to_string(p.top_k));
  if (p.min_p < 0.0 || p.min_p > 1.0) throw std::runtime_error("sampler: min_p must be in [0, 1], got " + std::to_string(p.min_p));
  const std::size_t n = logits.size();
  const float max_logit = *std::max_element(logits.begin(), logits.end());
  std::vector<double> probs(n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += probs[i] = std::exp((static_cast<double>(logits[i]) - max_logit) / p.temperature);
  for (auto& q : probs) q /= total;
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::size_t keep = n;
  if (p.top_k > 0) keep = std::min<std::size_t>(keep, static_cast<std::size_t>(p.top_k));
  // Sort only as much of the order as the filters look at, growing the sorted prefix when needed.
  std::size_t sorted = std::min<std::size_t>(keep, 256);
  sort_prefix(order, probs, sorted);
  if (p.top_p < 1.0) {
    double mass = 0.0;
    std::size_t i = 0;
    for (;; ++i) {
      if (i == sorted) {
        if (sorted == keep) break;
        sorted = std::min(keep, sorted * 8);
        sort_prefix(order, probs, sorted);
      }
      mass += probs[order[i]];
      if (mass >= p.top_p) {
        ++i;
        break;
      }
    }
    keep = std::max<std::size_t>(1, std::min(keep, i));
  }
  if (p.min_p > 0.0) {
    const double floor = p.min_p * probs[order[0]];
    std::size_t i = 0;
    for (;; ++i) {
      if (i == keep) break;
      if (i == sorted) {
        sorted = std::min(keep, sorted * 8);
        sort_prefix(order, probs, sorted);
      }
      if (probs[order[i]] < floor) break;
    }
    keep = std::max<std::size_t>(1, i);
  }
  if (sorted < keep && keep < n) sort_prefix(order, probs, keep);  // nothing cut: the tail order does not matter
  std::vector<std::pair<int32_t, double>> kept;
  kept.reserve(keep);
  double kept_mass = 0.0;
  for (std::size_t i = 0; i < keep; ++i) kept_mass += probs[order[i]];
  for (std::size_t i = 0; i < keep; ++i) kept.emplace_back(order[i], probs[order[i]] / kept_mass);
  return kept;
}

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) {}

int32_t Sampler::sample(std::span<const float> logits) {
  if (!(params_.temperature > 0.0)) return argmax(logits);
  const auto dist = filtered_distribution(logits, params_);
  // 53 random bits -> uniform in [0, 1), identical on every platform for a given seed.
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  double cumulative = 0.0;
  for (const auto& [id, prob] : dist) {
    cumulative += prob;
    if (u < cumulative) return id;
  }
  return dist.back().first;
}

}  // namespace rbench::runtime
