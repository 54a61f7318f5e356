// Sampler: greedy = argmax; top-k, top-p and min-p keep the right tokens on hand-made distributions; the same
// seed gives the same tokens and different seeds differ.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/sampler/sampler.h"

namespace rbench::runtime {
namespace {

// Logits whose softmax (temperature 1) is exactly `probs`.
std::vector<float> logits_of(const std::vector<double>& probs) {
  std::vector<float> out;
  for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
  return out;
}

std::vector<int32_t> kept_ids(const std::vector<double>& probs, SamplingParams p) {
  p.temperature = 1.0;
  std::vector<int32_t> ids;
  for (const auto& [id, prob] : filtered_distribution(logits_of(probs), p)) ids.push_back(id);
  return ids;
}

const std::vector<double> kProbs = {0.05, 0.4, 0.1, 0.3, 0.15};  // order by probability: 1, 3, 4, 2, 0

TEST(RuntimeSampler, GreedyIsArgmax) {
  Sampler s(SamplingParams{});
  EXPECT_EQ(s.sample(logits_of(kProbs)), 1);
  std::vector<float> logits = {0.f, -2.f, 7.5f, 7.4f};
  EXPECT_EQ(s.sample(logits), 2);
}

TEST(RuntimeSampler, TopKKeepsTheKMostLikely) {
  SamplingParams p;
  p.top_k = 2;
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1, 3}));
  p.top_k = 1;
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1}));
}

TEST(RuntimeSampler, TopPKeepsTheSmallestPrefixReachingP) {
  SamplingParams p;
  p.top_p = 0.7;  // 0.4 + 0.3 = 0.7 reaches it
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1, 3}));
  p.top_p = 0.71;
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1, 3, 4}));
  p.top_p = 0.1;  // never empty
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1}));
}

TEST(RuntimeSampler, MinPDropsTokensBelowAFractionOfTheTop) {
  SamplingParams p;
  p.min_p = 0.3;  // floor 0.12: keeps 0.4, 0.3, 0.15
  EXPECT_EQ(kept_ids(kProbs, p), (std::vector<int32_t>{1, 3, 4}));
}

TEST(RuntimeSampler, FiltersCombineAndRenormalise) {
  SamplingParams p;
  p.temperature = 1.0;
  p.top_k = 3;
  p.top_p = 0.75;
  const auto dist = filtered_distribution(logits_of(kProbs), p);
  ASSERT_EQ(dist.size(), 3u);  // top-k keeps {1,3,4}; 0.4+0.3 < 0.75 so top-p keeps all three
  EXPECT_NEAR(dist[0].second, 0.4 / 0.85, 1e-6);
  EXPECT_NEAR(dist[2].second, 0.15 / 0.85, 1e-6);
}

TEST(RuntimeSampler, TemperatureSharpens) {
  SamplingParams p;
  p.temperature = 0.5;
  const auto dist = filtered_distribution(logits_of(kProbs), p);
  EXPECT_NEAR(dist[0].second, 0.16 / (0.0025 + 0.16 + 0.01 + 0.09 + 0.0225), 1e-6);
}

TEST(RuntimeSampler, SameSeedSameTokensDifferentSeedsDiffer) {
  std::vector<float> logits(1000);
  for (int i = 0; i < 1000; ++i) logits[i] = static_cast<float>(std::sin(i * 0.37));
  auto draw = [&](uint64_t seed) {
    SamplingParams p;
    p.temperature = 1.0;
    p.seed = seed;
    Sampler s(p);
    std::vector<int32_t> out;
    for (int i = 0; i < 50; ++i) out.push_back(s.sample(logits));
    return out;
  };
  EXPECT_EQ(draw(42), draw(42));
  EXPECT_NE(draw(42), draw(43));
}

TEST(RuntimeSampler, SamplingFollowsTheDistribution) {
  SamplingParams p;
  p.temperature = 1.0;
  p.top_k = 2;  // tokens 1 (0.4/0.7) and 3 (0.3/0.7)
  Sampler s(p);
  int ones = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const int32_t t = s.sample(logits_of(kProbs));
    ASSERT_TRUE(t == 1 || t == 3);
    ones += t == 1;
  }
  EXPECT_NEAR(static_cast<double>(ones) / n, 4.0 / 7.0, 0.02);
}

TEST(RuntimeSampler, BadParametersAreErrors) {
  SamplingParams p;
  p.temperature = 1.0;
  p.top_p = 0.0;
  EXPECT_THROW(filtered_distribution(logits_of(kProbs), p), std::runtime_error);
}

}  // namespace
}  // namespace rbench::runtime
