// Paired significance tests for comparing two runs on the same problems. Two tests, chosen by the data:
//   McNemar's exact test when every per-problem value is 0 or 1 (one sample per problem, pass@1): only the
//     discordant problems carry information, and under "no difference" each is equally likely to favour either
//     run, so the count that favours one run is Binomial(n_discordant, 1/2). Exact, no large-sample assumption,
//     which matters for AIME's 30 problems.
//   A paired bootstrap otherwise (per-problem accuracies averaged over n samples are fractions, not 0/1): the
//     per-problem differences are resampled with replacement, and the p-value is the share of resampled means,
//     shifted to have mean zero (the null), that lie at least as far from zero as the observed mean.
// Both are two-sided and pair by problem, removing the between-problem variance that dominates benchmarks.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rbench::evaluator {

struct PairedTest {
  std::string method;      // "mcnemar-exact" | "paired-bootstrap" | "none" (no shared problems)
  double p_value = 1.0;
  int64_t n_pairs = 0;
  int64_t n_a_only = 0;    // McNemar: problems that only a solved
  int64_t n_b_only = 0;    // McNemar: problems that only b solved
};

// Two-sided exact McNemar p-value: 2 * P(X <= min(b, c)) for X ~ Binomial(b + c, 1/2), capped at 1.
double mcnemar_exact_p(int64_t n_a_only, int64_t n_b_only);

// Two-sided paired-bootstrap p-value of mean(b - a) = 0 (see above); deterministic for a seed.
double paired_bootstrap_p(std::span<const double> differences, int64_t n_resamples, uint64_t seed);

// Picks the test: McNemar when both sides are all 0/1, else the paired bootstrap. a[i] and b[i] are one problem.
PairedTest paired_test(std::span<const double> a, std::span<const double> b, int64_t n_resamples = 10000,
                       uint64_t seed = 20211207);

}  // namespace rbench::evaluator
