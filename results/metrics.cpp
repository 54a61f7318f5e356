// Implementation of the pure metrics: the stable product form of unbiased pass@k, majority voting with a
// first-appearance tie-break, and the mean / standard error / percentile-bootstrap summary.
#include "results/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>

namespace rbench::results {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw std::invalid_argument("pass@k needs 0 <= c <= n and 1 <= k <= n, got n=" + std::to_string(n) +
                                " c=" + std::to_string(c) + " k=" + std::to_string(k));
  }
  // Every k-subset contains a correct sample when fewer than k are wrong.
  if (n - c < k) return 1.0;
  // C(n-c, k) / C(n, k) = prod_{i=n-c+1..n} (1 - k/i): no factorials, no overflow.
  double all_wrong = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) all_wrong *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - all_wrong;
}

std::vector<double> pass_at_k_per_problem(std::span<const ProblemCounts> problems, int64_t k) {
  std::vector<double> values;
  values.reserve(problems.size());
  for (const ProblemCounts& problem : problems) values.push_back(pass_at_k(problem.n, problem.c, k));
  return values;
}

std::vector<double> avg_at_n_per_problem(std::span<const ProblemCounts> problems) {
  std::vector<double> values;
  values.reserve(problems.size());
  for (const ProblemCounts& problem : problems) {
    if (problem.n < 1 || problem.c < 0 || problem.c > problem.n) {
      throw std::invalid_argument("avg@n needs 0 <= c <= n and n >= 1, got n=" + std::to_string(problem.n) +
                                  " c=" + std::to_string(problem.c));
    }
    values.push_back(static_cast<double>(problem.c) / static_cast<double>(problem.n));
  }
  return values;
}

MajorityResult majority_vote_by_group(std::span<const int64_t> group_ids, std::span<const bool> correct) {
  if (group_ids.size() != correct.size()) {
    throw std::invalid_argument("majority vote: " + std::to_string(group_ids.size()) + " group ids but " +
                                std::to_string(correct.size()) + " verdicts");
  }
  // Groups in order of first appearance: (first member index, votes).
  std::vector<std::pair<size_t, int64_t>> groups;
  std::vector<int64_t> group_of_id;  // parallel to groups: the id each group stands for
  for (size_t i = 0; i < group_ids.size(); ++i) {
    if (group_ids[i] < 0) continue;
    const auto found = std::find(group_of_id.begin(), group_of_id.end(), group_ids[i]);
    if (found == group_of_id.end()) {
      group_of_id.push_back(group_ids[i]);
      groups.emplace_back(i, 1);
    } else {
      ++groups[static_cast<size_t>(found - group_of_id.begin())].second;
    }
  }
  MajorityResult result;
  for (const auto& [first_member, votes] : groups) {
    if (votes > result.winner_votes) {  // strict: an equal later group never displaces an earlier one
      result.has_winner = true;
      result.winner_index = first_member;
      result.winner_votes = votes;
      result.correct = correct[first_member];
    }
  }
  return result;
}

MajorityResult majority_vote(std::span<const Vote> votes, const AnswerEquivalence& equivalent) {
  std::vector<int64_t> group_ids(votes.size(), -1);
  std::vector<size_t> first_members;  // index of each group's first member; the group id is its position
  std::vector<bool> correct(votes.size());
  for (size_t i = 0; i < votes.size(); ++i) {
    correct[i] = votes[i].correct;
    if (votes[i].answer.empty()) continue;
    for (size_t g = 0; g < first_members.size() && group_ids[i] < 0; ++g) {
      if (equivalent(votes[first_members[g]].answer, votes[i].answer)) group_ids[i] = static_cast<int64_t>(g);
    }
    if (group_ids[i] < 0) {
      group_ids[i] = static_cast<int64_t>(first_members.size());
      first_members.push_back(i);
    }
  }
  // std::vector<bool> has no contiguous storage for a span; copy into a plain array of bool.
  const auto verdicts = std::make_unique<bool[]>(votes.size());
  std::copy(correct.begin(), correct.end(), verdicts.get());
  return majority_vote_by_group(group_ids, std::span<const bool>(verdicts.get(), votes.size()));
}

double maj_at_k(std::span<const Vote> votes, int64_t k, const AnswerEquivalence& equivalent) {
  if (k < 1 || static_cast<size_t>(k) > votes.size()) {
    throw std::invalid_argument("maj@k needs 1 <= k <= number of samples, got k=" + std::to_string(k) + " with " +
                                std::to_string(votes.size()) + " samples");
  }
  return majority_vote(votes.first(static_cast<size_t>(k)), equivalent).correct ? 1.0 : 0.0;
}

bool identical_answers(const std::string& a, const std::string& b) { return a == b; }

namespace {

// Uniform index in [0, n) by rejection sampling: the same sequence on every standard library.
size_t draw_index(std::mt19937_64& generator, size_t n) {
  const uint64_t range = static_cast<uint64_t>(n);
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % range;
  uint64_t draw = generator();
  while (draw >= limit) draw = generator();
  return static_cast<size_t>(draw % range);
}

// Linear interpolation between order statistics (the common "type 7" quantile).
double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

}  // namespace

Estimate estimate_mean(std::span<const double> per_problem, const BootstrapOptions& options) {
  if (per_problem.empty()) throw std::invalid_argument("estimate_mean: no problems");
  if (options.n_resamples < 1 || options.confidence <= 0 || options.confidence >= 1) {
    throw std::invalid_argument("estimate_mean: need n_resamples >= 1 and 0 < confidence < 1");
  }
  Estimate estimate;
  const size_t n = per_problem.size();
  estimate.n_problems = static_cast<int64_t>(n);
  double sum = 0;
  for (double value : per_problem) sum += value;
  estimate.mean = sum / static_cast<double>(n);
  if (n >= 2) {
    double squares = 0;
    for (double value : per_problem) squares += (value - estimate.mean) * (value - estimate.mean);
    estimate.standard_error = std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n));
  } else {
    estimate.standard_error = std::numeric_limits<double>::quiet_NaN();
  }
  std::mt19937_64 generator(options.seed);
  std::vector<double> means(static_cast<size_t>(options.n_resamples));
  for (double& mean : means) {
    double resample_sum = 0;
    for (size_t i = 0; i < n; ++i) resample_sum += per_problem[draw_index(generator, n)];
    mean = resample_sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - options.confidence) / 2.0;
  estimate.ci_low = quantile_of_sorted(means, tail);
  estimate.ci_high = quantile_of_sorted(means, 1.0 - tail);
  return estimate;
}

}  // namespace rbench::results
