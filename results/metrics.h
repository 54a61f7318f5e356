// The accuracy metrics of an evaluation, as pure functions over per-problem outcomes (no SQLite here):
//   pass@k  unbiased estimator of Chen et al. (2021), 1 - C(n-c, k) / C(n, k) per problem, averaged;
//   avg@n   mean over problems of c / n (the mean pass@1 over n samples that the SambaY paper reports);
//   maj@k   per problem, a vote among the first k samples' extracted answers grouped by a caller-supplied
//           equivalence; ties go to the group whose first member appears earliest; the problem counts as
//           solved when the winning group's first member was graded correct.
// Each metric is a mean over problems, reported with its standard error over problems and a seeded,
// reproducible percentile-bootstrap interval (resampling problems).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace rbench::results {

// n samples of one problem, c of them correct.
struct ProblemCounts {
  int64_t n = 0;
  int64_t c = 0;
};

// One sample's vote: its extracted answer (empty: no answer, abstains) and its verdict.
struct Vote {
  std::string answer;
  bool correct = false;
};

// True when two extracted answers are the same answer (e.g. the graders' math equivalence).
using AnswerEquivalence = std::function<bool(const std::string&, const std::string&)>;

struct MajorityResult {
  bool has_winner = false;   // false when every vote abstained
  size_t winner_index = 0;   // index (into the votes) of the winning group's first member
  int64_t winner_votes = 0;
  bool correct = false;
};

struct BootstrapOptions {
  int64_t n_resamples = 2000;
  uint64_t seed = 20211207;
  double confidence = 0.95;
};

// A mean over problems with its uncertainty.
struct Estimate {
  double mean = 0;
  double standard_error = 0;  // sample standard deviation / sqrt(n_problems); NaN below 2 problems
  double ci_low = 0;          // percentile bootstrap interval of the mean
  double ci_high = 0;
  int64_t n_problems = 0;
};

// Unbiased pass@k of one problem, computed as 1 - prod_{i=n-c+1..n} (1 - k/i), stable for large n.
// Throws std::invalid_argument unless 0 <= c <= n and 1 <= k <= n.
double pass_at_k(int64_t n, int64_t c, int64_t k);

// Per-problem values, in the order given (feed them to estimate_mean).
std::vector<double> pass_at_k_per_problem(std::span<const ProblemCounts> problems, int64_t k);
std::vector<double> avg_at_n_per_problem(std::span<const ProblemCounts> problems);

// Majority vote among `votes` (already cut to the first k). Groups are formed in order: a vote joins the
// first existing group whose first member is equivalent to it.
MajorityResult majority_vote(std::span<const Vote> votes, const AnswerEquivalence& equivalent);
// The same with precomputed group ids (equal ids: equivalent answers; a negative id abstains).
MajorityResult majority_vote_by_group(std::span<const int64_t> group_ids, std::span<const bool> correct);
// maj@k of one problem: 1 when the vote among its first k votes is correct, else 0. Throws unless
// 1 <= k <= votes.size().
double maj_at_k(std::span<const Vote> votes, int64_t k, const AnswerEquivalence& equivalent);

// Exact string equality, the default equivalence when the caller has no grader at hand.
bool identical_answers(const std::string& a, const std::string& b);

// Mean, standard error and bootstrap interval of per-problem values. Deterministic for a given seed on every
// platform (own index draw from std::mt19937_64, not the implementation-defined std distributions).
Estimate estimate_mean(std::span<const double> per_problem, const BootstrapOptions& options = {});

}  // namespace rbench::results
