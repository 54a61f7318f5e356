// Paired significance tests (see significance.h).
#include "evaluator/significance.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace rbench::evaluator {

double mcnemar_exact_p(int64_t n_a_only, int64_t n_b_only) {
  if (n_a_only < 0 || n_b_only < 0) throw std::invalid_argument("mcnemar_exact_p: negative count");
  const int64_t n = n_a_only + n_b_only;
  if (n == 0) return 1.0;
  const int64_t k = std::min(n_a_only, n_b_only);
  // Sum of C(n, i) / 2^n for i <= k, in log space so n in the thousands stays finite.
  double tail = 0;
  for (int64_t i = 0; i <= k; ++i) {
    double log_term = std::lgamma(static_cast<double>(n + 1)) - std::lgamma(static_cast<double>(i + 1)) -
                      std::lgamma(static_cast<double>(n - i + 1)) - static_cast<double>(n) * std::log(2.0);
    tail += std::exp(log_term);
  }
  return std::min(1.0, 2.0 * tail);
}

double paired_bootstrap_p(std::span<const double> differences, int64_t n_resamples, uint64_t seed) {
  if (differences.empty()) return 1.0;
  if (n_resamples < 1) throw std::invalid_argument("paired_bootstrap_p: need at least one resample");
  const auto n = static_cast<uint64_t>(differences.size());
  double observed = 0;
  for (double d : differences) observed += d;
  observed /= static_cast<double>(n);
  std::mt19937_64 rng(seed);
  int64_t as_extreme = 0;
  for (int64_t r = 0; r < n_resamples; ++r) {
    double sum = 0;
    // Index by the top bits of the 64-bit draw times n: portable, unlike std::uniform_int_distribution.
    for (uint64_t i = 0; i < n; ++i)
      sum += differences[static_cast<size_t>((static_cast<unsigned __int128>(rng()) * n) >> 64)];
    const double centred = sum / static_cast<double>(n) - observed;  // the null: a resample of zero mean
    if (std::abs(centred) >= std::abs(observed) - 1e-12) as_extreme++;
  }
  return static_cast<double>(as_extreme) / static_cast<double>(n_resamples);
}

PairedTest paired_test(std::span<const double> a, std::span<const double> b, int64_t n_resamples, uint64_t seed) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_test: a and b must pair problem by problem");
  PairedTest out;
  out.n_pairs = static_cast<int64_t>(a.size());
  if (a.empty()) {
    out.method = "none";
    return out;
  }
  auto binary = [](double v) { return v == 0.0 || v == 1.0; };
  bool all_binary = std::all_of(a.begin(), a.end(), binary) && std::all_of(b.begin(), b.end(), binary);
  if (all_binary) {
    for (size_t i = 0; i < a.size(); ++i) {
      out.n_a_only += a[i] == 1.0 && b[i] == 0.0;
      out.n_b_only += a[i] == 0.0 && b[i] == 1.0;
    }
    out.method = "mcnemar-exact";
    out.p_value = mcnemar_exact_p(out.n_a_only, out.n_b_only);
    return out;
  }
  std::vector<double> differences(a.size());
  for (size_t i = 0; i < a.size(); ++i) differences[i] = b[i] - a[i];
  out.method = "paired-bootstrap";
  out.p_value = paired_bootstrap_p(differences, n_resamples, seed);
  return out;
}

}  // namespace rbench::evaluator
