// The pure metrics against hand-computed values and against brute force: pass@k by enumerating every
// k-subset of n samples, maj@k against an independent counting of votes; the maj@k tie-break; the standard
// error by hand; the bootstrap interval reproducible for a seed.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "results/metrics.h"

namespace rbench::results {
namespace {

// Fraction of the k-subsets of n samples (the first c correct) that contain a correct sample.
double pass_at_k_by_enumeration(int n, int c, int k) {
  int64_t subsets = 0;
  int64_t with_correct = 0;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (std::popcount(mask) != k) continue;
    ++subsets;
    if ((mask & ((1u << c) - 1)) != 0) ++with_correct;
  }
  return static_cast<double>(with_correct) / static_cast<double>(subsets);
}

TEST(ResultsMetrics, PassAtKHandComputed) {
  EXPECT_DOUBLE_EQ(pass_at_k(5, 2, 1), 0.4);
  EXPECT_NEAR(pass_at_k(5, 2, 2), 1.0 - 3.0 / 10.0, 1e-15);  // 1 - C(3,2)/C(5,2)
  EXPECT_NEAR(pass_at_k(5, 2, 3), 1.0 - 1.0 / 10.0, 1e-15);  // 1 - C(3,3)/C(5,3)
  EXPECT_DOUBLE_EQ(pass_at_k(5, 2, 4), 1.0);                  // only 3 wrong: every 4-subset has a right one
  EXPECT_DOUBLE_EQ(pass_at_k(5, 0, 3), 0.0);
  EXPECT_DOUBLE_EQ(pass_at_k(5, 5, 1), 1.0);
  EXPECT_NEAR(pass_at_k(64, 1, 8), 8.0 / 64.0, 1e-15);        // one right sample: P(it is drawn) = k/n
}

TEST(ResultsMetrics, PassAtKMatchesEnumerationOfAllKSubsets) {
  std::mt19937 generator(12345);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 1 + static_cast<int>(generator() % 14);
    const int c = static_cast<int>(generator() % (n + 1));
    const int k = 1 + static_cast<int>(generator() % n);
    EXPECT_NEAR(pass_at_k(n, c, k), pass_at_k_by_enumeration(n, c, k), 1e-12) << "n=" << n << " c=" << c << " k=" << k;
  }
}

TEST(ResultsMetrics, PassAtKIsStableForLargeN) {
  // Against the log-gamma form of the binomial ratio: factorials would overflow here.
  const int64_t n = 10000, c = 37, k = 250;
  const double log_ratio = std::lgamma(n - c + 1.0) - std::lgamma(n - c - k + 1.0) - std::lgamma(n + 1.0) +
                           std::lgamma(n - k + 1.0);
  EXPECT_NEAR(pass_at_k(n, c, k), 1.0 - std::exp(log_ratio), 1e-9);
  EXPECT_TRUE(std::isfinite(pass_at_k(100000, 50000, 1000)));
}

TEST(ResultsMetrics, PassAtKRejectsImpossibleCounts) {
  EXPECT_THROW(pass_at_k(4, 5, 1), std::invalid_argument);
  EXPECT_THROW(pass_at_k(4, 2, 5), std::invalid_argument);
  EXPECT_THROW(pass_at_k(4, 2, 0), std::invalid_argument);
  EXPECT_THROW(pass_at_k(0, 0, 1), std::invalid_argument);
}

TEST(ResultsMetrics, AvgAtNIsTheMeanPassAtOne) {
  const std::vector<ProblemCounts> problems{{8, 2}, {8, 8}, {8, 0}, {8, 5}};
  const auto avg = avg_at_n_per_problem(problems);
  EXPECT_EQ(avg, (std::vector<double>{0.25, 1.0, 0.0, 0.625}));
  const auto pass_at_1 = pass_at_k_per_problem(problems, 1);
  for (size_t i = 0; i < avg.size(); ++i) EXPECT_NEAR(pass_at_1[i], avg[i], 1e-15) << "problem " << i;
  EXPECT_DOUBLE_EQ(estimate_mean(avg).mean, (0.25 + 1.0 + 0.0 + 0.625) / 4.0);
  const std::vector<ProblemCounts> pass_at_2_input{{4, 1}, {4, 2}};
  const auto pass_at_2 = pass_at_k_per_problem(pass_at_2_input, 2);
  ASSERT_EQ(pass_at_2.size(), 2u);
  EXPECT_NEAR(pass_at_2[0], 0.5, 1e-15);              // 1 - C(3,2)/C(4,2) = 1 - 3/6
  EXPECT_NEAR(pass_at_2[1], 1.0 - 1.0 / 6.0, 1e-15);  // 1 - C(2,2)/C(4,2)
}

std::vector<Vote> votes_of(const std::vector<std::pair<std::string, bool>>& list) {
  std::vector<Vote> votes;
  for (const auto& [answer, correct] : list) votes.push_back({answer, correct});
  return votes;
}

TEST(ResultsMetrics, MajAtKHandComputedWithFirstAppearanceTieBreak) {
  const auto votes = votes_of({{"7", false}, {"12", true}, {"12", true}, {"7", false}, {"3", false}});
  EXPECT_EQ(maj_at_k(votes, 1, identical_answers), 0.0);  // "7" alone
  EXPECT_EQ(maj_at_k(votes, 3, identical_answers), 1.0);  // "12" twice
  // k=4: "7" and "12" tie at two votes; "7" appeared first and wins.
  const MajorityResult tie = majority_vote(std::span(votes).first(4), identical_answers);
  EXPECT_TRUE(tie.has_winner);
  EXPECT_EQ(tie.winner_index, 0u);
  EXPECT_EQ(tie.winner_votes, 2);
  EXPECT_FALSE(tie.correct);
  EXPECT_EQ(maj_at_k(votes, 5, identical_answers), 0.0);
  EXPECT_THROW(maj_at_k(votes, 6, identical_answers), std::invalid_argument);
  EXPECT_THROW(maj_at_k(votes, 0, identical_answers), std::invalid_argument);
}

TEST(ResultsMetrics, MajAtKGroupsByTheCallersEquivalence) {
  // "1/2", "0.5" and "\frac{1}{2}" are one answer to a math grader; three wrong "2"s lose to them at k=5.
  const auto votes = votes_of({{"2", false}, {"1/2", true}, {"0.5", true}, {"2", false}, {"\\frac{1}{2}", true}});
  const AnswerEquivalence one_half = [](const std::string& a, const std::string& b) {
    const auto half = [](const std::string& s) { return s == "1/2" || s == "0.5" || s == "\\frac{1}{2}"; };
    return a == b || (half(a) && half(b));
  };
  EXPECT_EQ(maj_at_k(votes, 5, one_half), 1.0);
  EXPECT_EQ(majority_vote(votes, one_half).winner_index, 1u);
  EXPECT_EQ(maj_at_k(votes, 5, identical_answers), 0.0);  // without it, "2" wins two to one
  // The same vote from precomputed group ids.
  const std::vector<int64_t> groups{0, 1, 1, 0, 1};
  const bool verdicts[] = {false, true, true, false, true};
  EXPECT_TRUE(majority_vote_by_group(groups, verdicts).correct);
}

TEST(ResultsMetrics, MajAtKAbstentionsDoNotVote) {
  const auto votes = votes_of({{"", false}, {"", false}, {"5", true}});
  const MajorityResult result = majority_vote(votes, identical_answers);
  EXPECT_TRUE(result.has_winner);
  EXPECT_EQ(result.winner_index, 2u);
  EXPECT_EQ(maj_at_k(votes, 3, identical_answers), 1.0);
  EXPECT_FALSE(majority_vote(std::span(votes).first(2), identical_answers).has_winner);
  EXPECT_EQ(maj_at_k(votes, 2, identical_answers), 0.0);
}

TEST(ResultsMetrics, MajAtKMatchesIndependentCounting) {
  std::mt19937 generator(777);
  for (int trial = 0; trial < 500; ++trial) {
    const int n = 1 + static_cast<int>(generator() % 12);
    std::vector<Vote> votes;
    for (int i = 0; i < n; ++i) {
      const int answer = static_cast<int>(generator() % 5) - 1;  // -1: abstain; answer 2 is the right one
      votes.push_back({answer < 0 ? "" : std::to_string(answer), answer == 2});
    }
    for (int k = 1; k <= n; ++k) {
      std::map<std::string, std::pair<int, int>> tally;  // answer -> (votes, first index)
      for (int i = 0; i < k; ++i) {
        if (votes[i].answer.empty()) continue;
        auto [entry, inserted] = tally.try_emplace(votes[i].answer, 0, i);
        ++entry->second.first;
      }
      std::string best;
      int best_votes = 0, best_first = n;
      for (const auto& [answer, count] : tally) {
        if (count.first > best_votes || (count.first == best_votes && count.second < best_first)) {
          best = answer;
          best_votes = count.first;
          best_first = count.second;
        }
      }
      EXPECT_EQ(maj_at_k(votes, k, identical_answers), best == "2" ? 1.0 : 0.0) << "trial " << trial << " k=" << k;
    }
  }
}

TEST(ResultsMetrics, StandardErrorHandComputed) {
  const std::vector<double> values{0, 1, 1, 0};
  const Estimate estimate = estimate_mean(values);
  EXPECT_DOUBLE_EQ(estimate.mean, 0.5);
  // sample variance = 4 * 0.25 / 3 = 1/3; se = sqrt(1/3 / 4)
  EXPECT_NEAR(estimate.standard_error, std::sqrt(1.0 / 12.0), 1e-15);
  EXPECT_EQ(estimate.n_problems, 4);
  EXPECT_TRUE(std::isnan(estimate_mean(std::vector<double>{0.7}).standard_error));
  EXPECT_THROW(estimate_mean(std::vector<double>{}), std::invalid_argument);
}

TEST(ResultsMetrics, BootstrapIntervalIsReproducibleForASeed) {
  std::mt19937 generator(5);
  std::vector<double> values;
  for (int i = 0; i < 400; ++i) values.push_back(generator() % 10 < 3 ? 1.0 : 0.0);
  BootstrapOptions options;
  options.seed = 42;
  const Estimate first = estimate_mean(values, options);
  const Estimate again = estimate_mean(values, options);
  EXPECT_EQ(first.ci_low, again.ci_low);
  EXPECT_EQ(first.ci_high, again.ci_high);
  options.seed = 43;
  const Estimate other_seed = estimate_mean(values, options);
  EXPECT_TRUE(other_seed.ci_low != first.ci_low || other_seed.ci_high != first.ci_high);
  // With 400 problems the percentile interval is close to mean +- 1.96 se.
  EXPECT_LT(first.ci_low, first.mean);
  EXPECT_GT(first.ci_high, first.mean);
  EXPECT_NEAR(first.ci_high - first.ci_low, 2 * 1.96 * first.standard_error, 0.15 * 2 * 1.96 * first.standard_error);
  // Constant values: the interval collapses onto the mean.
  const Estimate constant = estimate_mean(std::vector<double>(50, 0.25));
  EXPECT_DOUBLE_EQ(constant.ci_low, 0.25);
  EXPECT_DOUBLE_EQ(constant.ci_high, 0.25);
}

}  // namespace
}  // namespace rbench::results
