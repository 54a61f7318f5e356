// Prefill at once == prefix prefill + stepwise decode == chunked prefill, for every layout and both attention
// kinds, on sequences several times longer than the sliding window (float32, max abs logit difference < 1e-4).
#include <gtest/gtest.h>

#include "runtime/models/registry.h"
#include "test_support.h"

namespace rbench::runtime {
namespace {

struct LayoutCase {
  std::string name, layout;
  bool differential;
  int64_t heads, kv_heads;
};

void PrintTo(const LayoutCase& c, std::ostream* out) { *out << c.name; }

class RuntimeConsistency : public ::testing::TestWithParam<LayoutCase> {};

std::vector<int32_t> sequence(int n, int vocab) {
  std::vector<int32_t> ids;
  for (int i = 0; i < n; ++i) ids.push_back((i * 131 + 17) % vocab);
  return ids;
}

double max_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }

TEST_P(RuntimeConsistency, PrefillEqualsPrefixPlusStepwiseAndChunked) {
  const auto& c = GetParam();
  TinyCheckpointOptions o;
  o.layout = c.layout;
  o.differential = c.differential;
  o.n_heads = c.heads;
  o.n_kv_heads = c.kv_heads;
  o.window = 8;
  o.seed = 11;
  o.write_tokenizer = false;
  auto model = load_model(test::tiny_checkpoint("consistency-" + c.name, o), "cpu");
  const auto ids = sequence(48, static_cast<int>(model->vocab_size()));  // 6x the window

  SequenceState whole = model->new_sequence();
  at::Tensor reference = prefill_chunked(*model, whole, ids, 0, LogitsWanted::all);  // [48, vocab]
  ASSERT_EQ(reference.size(0), 48);
  ASSERT_GT(reference.std().item<double>(), 0.5);  // logits carry signal, so a tolerance means something

  const int prefix = 13;
  SequenceState stepped = model->new_sequence();
  std::vector<int32_t> head(ids.begin(), ids.begin() + prefix);
  at::Tensor first = prefill_chunked(*model, stepped, head, 0, LogitsWanted::last);
  EXPECT_LT(max_diff(first[0], reference[prefix - 1]), 1e-4);
  for (int t = prefix; t < 48; ++t) {
    at::Tensor row = prefill_chunked(*model, stepped, {ids[t]}, 0, LogitsWanted::last);
    ASSERT_LT(max_diff(row[0], reference[t]), 1e-4) << "position " << t;
  }

  SequenceState chunked = model->new_sequence();
  EXPECT_LT(max_diff(prefill_chunked(*model, chunked, ids, 7, LogitsWanted::all), reference), 1e-4);
  SequenceState chunked_last = model->new_sequence();
  EXPECT_LT(max_diff(prefill_chunked(*model, chunked_last, ids, 5, LogitsWanted::last)[0], reference[47]), 1e-4);
}

TEST_P(RuntimeConsistency, SnapshotRestoresState) {
  const auto& c = GetParam();
  TinyCheckpointOptions o;
  o.layout = c.layout;
  o.differential = c.differential;
  o.window = 4;
  o.write_tokenizer = false;
  auto model = load_model(test::tiny_checkpoint("snapshot-" + c.name, o), "cpu");
  const auto ids = sequence(20, static_cast<int>(model->vocab_size()));
  SequenceState state = model->new_sequence();
  prefill_chunked(*model, state, ids, 0, LogitsWanted::none);
  SequenceState snapshot = state.clone();
  at::Tensor a = prefill_chunked(*model, state, {5}, 0, LogitsWanted::last);
  prefill_chunked(*model, state, {9, 3}, 0, LogitsWanted::none);  // diverge
  state = snapshot.clone();
  at::Tensor b = prefill_chunked(*model, state, {5}, 0, LogitsWanted::last);
  EXPECT_EQ(max_diff(a, b), 0.0);
  EXPECT_EQ(state.n_tokens(), 21);
}

INSTANTIATE_TEST_SUITE_P(Layouts, RuntimeConsistency,
                         ::testing::Values(LayoutCase{"sambay_diff_r2", "sambay", true, 4, 2},
                                           LayoutCase{"sambay_diff_r1", "sambay", true, 4, 4},
                                           LayoutCase{"sambay_plain_r4", "sambay", false, 8, 2},
                                           LayoutCase{"samba_diff", "samba", true, 4, 2},
                                           LayoutCase{"sambayoco_diff", "sambayoco", true, 4, 2},
                                           LayoutCase{"sambayoco_plain", "sambayoco", false, 4, 2}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rbench::runtime
