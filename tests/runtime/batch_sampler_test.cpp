// The on-device batch sampler against the one-row reference filtered_distribution(): the tokens it draws over
// many seeds follow the filtered, renormalised distribution (top-k, top-p, min-p, temperature), it never draws a
// filtered-out token, greedy rows take the argmax, and a row's draw depends only on its own (seed, step), not on
// the rows beside it. The uniform of (seed, step) is checked for spread.
#include <gtest/gtest.h>

#include <map>

#include "runtime/sampler/batch_sampler.h"
#include "runtime/sampler/sampler.h"

namespace rbench::runtime {
namespace {

const std::vector<float> kLogits = {2.0f, 1.5f, 1.4f, 0.3f, -0.2f, 1.5f, -1.0f, 0.9f, -3.0f, 0.0f};

std::map<int64_t, double> frequencies(const SamplingParams& params, int n) {
  const at::Tensor row = at::tensor(kLogits).unsqueeze(0);
  const at::Tensor logits = row.expand({n, row.size(1)}).contiguous();
  std::vector<SamplingParams> ps;
  std::vector<int64_t> steps;
  for (int i = 0; i < n; ++i) {
    SamplingParams p = params;
    p.seed = static_cast<uint64_t>(i) * 7919u + 13u;
    ps.push_back(p);
    steps.push_back(i % 5);
  }
  const at::Tensor tokens = sample_batch(logits, make_sampling_tensors(ps, steps, at::kCPU));
  std::map<int64_t, double> freq;
  for (int i = 0; i < n; ++i) freq[tokens[i].item<int64_t>()] += 1.0 / n;
  return freq;
}

void expect_follows_reference(const SamplingParams& params) {
  const auto want = filtered_distribution(kLogits, params);
  const auto got = frequencies(params, 40000);
  std::map<int64_t, double> expected;
  for (const auto& [id, p] : want) expected[id] = p;
  for (const auto& [id, f] : got) EXPECT_TRUE(expected.count(id)) << "drew filtered-out token " << id;
  for (const auto& [id, p] : expected) {
    const double f = got.count(id) ? got.at(id) : 0.0;
    EXPECT_NEAR(f, p, 0.012) << "token " << id;  // 40000 draws: 3 standard errors is below 0.008
  }
}

TEST(RuntimeBatchSampler, FollowsTheFilteredDistribution) {
  SamplingParams p;
  p.temperature = 1.0;
  expect_follows_reference(p);
  p.temperature = 0.6;
  p.top_p = 0.8;
  expect_follows_reference(p);
  p.top_p = 1.0;
  p.top_k = 3;
  expect_follows_reference(p);
  p.top_k = 0;
  p.min_p = 0.3;
  expect_follows_reference(p);
  p.temperature = 1.3;
  p.top_k = 5;
  p.top_p = 0.9;
  p.min_p = 0.05;
  expect_follows_reference(p);
}

TEST(RuntimeBatchSampler, GreedyRowsTakeTheArgmaxAndRowsAreIndependent) {
  const at::Tensor a = at::tensor(kLogits).unsqueeze(0);
  const at::Tensor b = at::randn({1, 10});
  SamplingParams hot;
  hot.temperature = 1.0;
  hot.seed = 42;
  SamplingParams greedy;
  const at::Tensor alone = sample_batch(a, make_sampling_tensors({hot}, {3}, at::kCPU));
  const at::Tensor mixed = sample_batch(at::cat({b, a, b}), make_sampling_tensors({greedy, hot, hot}, {0, 3, 9}, at::kCPU));
  EXPECT_EQ(mixed[1].item<int64_t>(), alone[0].item<int64_t>());
  EXPECT_EQ(mixed[0].item<int64_t>(), b.argmax().item<int64_t>());
}

TEST(RuntimeBatchSampler, OnlySampleableColumnsAreDrawn) {
  at::Tensor logits = at::zeros({64, 12});
  logits.narrow(1, 10, 2).fill_(50.0);  // padding rows of the vocabulary would win if drawable
  std::vector<SamplingParams> ps(64);
  for (std::size_t i = 0; i < ps.size(); ++i) ps[i].temperature = i % 2 ? 1.0 : 0.0, ps[i].seed = i;
  const at::Tensor tokens = sample_batch(logits, make_sampling_tensors(ps, std::vector<int64_t>(64, 0), at::kCPU), 10);
  EXPECT_LT(tokens.max().item<int64_t>(), 10);
}

TEST(RuntimeBatchSampler, UniformsAreSpreadAndSeedDependent) {
  const at::Tensor seeds = at::arange(20000, at::kLong) * 2654435761LL;
  const at::Tensor u = seeded_uniform(seeds, at::zeros({20000}, at::kLong));
  EXPECT_GE(u.min().item<double>(), 0.0);
  EXPECT_LT(u.max().item<double>(), 1.0);
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 0.01);
  const at::Tensor hist = at::histc(u.to(at::kFloat), 10, 0, 1) / 20000.0;
  EXPECT_LT((hist - 0.1).abs().max().item<double>(), 0.01);
  const at::Tensor next = seeded_uniform(seeds, at::ones({20000}, at::kLong));
  EXPECT_LT(at::corrcoef(at::stack({u, next})).index({0, 1}).abs().item<double>(), 0.03);
}

TEST(RuntimeBatchSampler, BadParametersNameTheRequest) {
  SamplingParams bad;
  bad.top_p = 0.0;
  try {
    make_sampling_tensors({SamplingParams{}, bad}, {0, 0}, at::kCPU);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("request 1: top_p"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rbench::runtime
