// Generation loop with a scripted model: eos stops (unless ignored), stop strings cut the text and are never
// streamed, max_new_tokens gives finish reason length, streamed pieces add up to the text.
#include <gtest/gtest.h>

#include "runtime/scheduler/generation.h"

namespace rbench::runtime {
namespace {

// Always predicts (last token + 1) mod 26 with a clear margin.
class CountingModel final : public Model {
 public:
  SequenceState new_sequence() const override { return SequenceState(spec_); }
  const StateSpec& state_spec() const override { return spec_; }
  at::Tensor forward(SequenceState& state, const at::Tensor& ids, LogitsWanted wanted) override {
    state.advance(ids.size(0));
    if (wanted == LogitsWanted::none) return {};
    at::Tensor logits = at::zeros({1, 26});
    logits[0][(ids[ids.size(0) - 1].item<int64_t>() + 1) % 26] = 5.0;
    return logits;
  }
  int64_t vocab_size() const override { return 26; }
  at::Device device() const override { return at::kCPU; }
  int64_t n_params() const override { return 0; }
  std::string dtype_name() const override { return "float32"; }

 private:
  StateSpec spec_;
};

std::string letter(int32_t id) { return std::string(1, static_cast<char>('a' + id)); }

struct Run {
  GenerationOutcome outcome;
  std::string streamed;
};

Run generate(const SamplingParams& p, std::vector<int32_t> eos = {}) {
  CountingModel model;
  Run run;
  run.outcome = run_generation(model, {0, 1, 2}, p, GenerationLimits{eos, 0, 0}, letter, [&](std::string_view s) { run.streamed += s; });
  return run;
}

TEST(RuntimeGeneration, MaxNewTokensGivesLength) {
  SamplingParams p;
  p.max_new_tokens = 5;
  auto run = generate(p);
  EXPECT_EQ(run.outcome.tokens, (std::vector<int32_t>{3, 4, 5, 6, 7}));
  EXPECT_EQ(run.outcome.text, "defgh");
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::length);
  EXPECT_EQ(run.streamed, "defgh");
}

TEST(RuntimeGeneration, EosStopsUnlessIgnored) {
  SamplingParams p;
  p.max_new_tokens = 20;
  auto run = generate(p, {6});
  EXPECT_EQ(run.outcome.tokens, (std::vector<int32_t>{3, 4, 5, 6}));
  EXPECT_EQ(run.outcome.text, "def");
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::stop);
  p.ignore_eos = true;
  p.max_new_tokens = 6;
  run = generate(p, {6});
  EXPECT_EQ(run.outcome.tokens.size(), 6u);
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::length);
}

TEST(RuntimeGeneration, StopStringCutsTextAndIsNeverStreamed) {
  SamplingParams p;
  p.max_new_tokens = 20;
  p.stop = {"xyz", "ghi"};
  auto run = generate(p);
  EXPECT_EQ(run.outcome.text, "def");
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::stop);
  EXPECT_EQ(run.streamed, "def");
  EXPECT_EQ(run.outcome.tokens.back(), 8);  // the token that completed "ghi"
}

TEST(RuntimeGeneration, UnmatchedStopPrefixIsStreamedAtTheEnd) {
  SamplingParams p;
  p.max_new_tokens = 4;
  p.stop = {"fgz"};
  auto run = generate(p);
  EXPECT_EQ(run.outcome.text, "defg");
  EXPECT_EQ(run.streamed, "defg");
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::length);
}

TEST(RuntimeGeneration, OnlySampleableIdsAreDrawn) {
  CountingModel model;
  SamplingParams p;
  p.max_new_tokens = 6;
  auto out = run_generation(model, {0}, p, GenerationLimits{{}, 0, 4}, letter);
  // The model wants 1, 2, 3, 4, ...; 4 and above are padding rows, so greedy falls back among 0..3.
  EXPECT_EQ(out.tokens[0], 1);
  EXPECT_EQ(out.tokens[2], 3);
  for (int32_t t : out.tokens) EXPECT_LT(t, 4);
}

TEST(RuntimeGeneration, ZeroMaxNewTokensGeneratesNothing) {
  SamplingParams p;
  p.max_new_tokens = 0;
  auto run = generate(p);
  EXPECT_TRUE(run.outcome.tokens.empty());
  EXPECT_EQ(run.outcome.finish_reason, FinishReason::length);
}

}  // namespace
}  // namespace rbench::runtime
