// The paired tests against values worked out by hand from the binomial distribution.
#include <gtest/gtest.h>

#include <vector>

#include "evaluator/significance.h"

namespace rbench::evaluator {
namespace {

TEST(EvaluatorSignificance, McNemarExactMatchesBinomialTail) {
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
  EXPECT_NEAR(mcnemar_exact_p(0, 5), 2.0 / 32.0, 1e-12);            // 2 * C(5,0) / 2^5
  EXPECT_NEAR(mcnemar_exact_p(9, 1), 2.0 * 11.0 / 1024.0, 1e-12);   // 2 * (C(10,0) + C(10,1)) / 2^10
  EXPECT_NEAR(mcnemar_exact_p(3, 3), 1.0, 1e-12);                    // capped at 1
  EXPECT_GE(mcnemar_exact_p(0, 2000), 0.0);                          // large counts: no NaN or overflow
  EXPECT_LT(mcnemar_exact_p(0, 2000), 1e-12);
  EXPECT_THROW(mcnemar_exact_p(-1, 2), std::invalid_argument);
}

TEST(EvaluatorSignificance, PicksMcNemarForBinaryOutcomes) {
  std::vector<double> a{1, 1, 0, 0, 1, 0, 1, 1}, b{1, 0, 0, 1, 1, 1, 1, 1};
  auto t = paired_test(a, b);
  EXPECT_EQ(t.method, "mcnemar-exact");
  EXPECT_EQ(t.n_pairs, 8);
  EXPECT_EQ(t.n_a_only, 1);
  EXPECT_EQ(t.n_b_only, 2);
  EXPECT_NEAR(t.p_value, 1.0, 1e-12);  // 2 * (1 + 3) / 8 capped
}

TEST(EvaluatorSignificance, PairedBootstrapForFractions) {
  std::vector<double> a(40, 0.25), b(40, 0.25);
  auto same = paired_test(a, b);
  EXPECT_EQ(same.method, "paired-bootstrap");
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);  // every resample of zero differences is as extreme as zero
  for (size_t i = 0; i < b.size(); ++i) b[i] = i % 4 == 0 ? 0.25 : 0.75;  // b better on 3 of 4 problems
  auto better = paired_test(a, b, 2000, 1);
  EXPECT_LT(better.p_value, 0.01);
  EXPECT_EQ(paired_test(a, b, 2000, 1).p_value, better.p_value);  // seeded: reproducible
  EXPECT_THROW(paired_test(a, std::vector<double>(3, 0.0)), std::invalid_argument);
  EXPECT_EQ(paired_test(std::vector<double>{}, std::vector<double>{}).method, "none");
}

}  // namespace
}  // namespace rbench::evaluator
