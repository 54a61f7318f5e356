// decode_attention_ref against the layers it replaces in the decode step: for one sequence, decode_attention over
// the layer's own cache followed by out_proj equals full_attention, cross_attention and sliding_attention (ring
// before and after it fills) for the same new token, differential and plain, several head ratios and lengths. A
// batch with distinct slots and lengths equals each sequence alone; entries past a length and unused slots hold NaN
// and must not leak. Bad arguments name the tensor or value.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "runtime/kernels/decode_attention/decode_attention.h"
#include "runtime/layers/attention.h"

namespace rbench::runtime::kernels {
namespace {

constexpr int64_t kModelDim = 32;
constexpr double kTol = 1e-5;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct HeadShape {
  int64_t n_heads, n_kv_heads, head_dim;
  bool differential;
};
// Differential with r = 2 (SambaY's ratio) and r = 1; plain GQA with r = 3 (Phi3's ratio) and r = 1.
const HeadShape kShapes[] = {{8, 4, 16, true}, {4, 4, 8, true}, {6, 2, 16, false}, {4, 4, 8, false}};

std::string describe(const HeadShape& s) {
  return std::to_string(s.n_heads) + "/" + std::to_string(s.n_kv_heads) + "/" + std::to_string(s.head_dim) +
         (s.differential ? " differential" : " plain");
}

layers::AttentionWeights random_weights(const HeadShape& s, bool query_only, int64_t layer_index) {
  layers::AttentionWeights w;
  const int64_t rows = (query_only ? s.n_heads : s.n_heads + 2 * s.n_kv_heads) * s.head_dim;
  w.wqkv = at::randn({rows, kModelDim}) * 0.3;
  w.bqkv = at::randn({rows}) * 0.1;
  w.out_w = at::randn({kModelDim, s.n_heads * s.head_dim}) * 0.2;
  w.out_b = at::randn({kModelDim}) * 0.1;
  w.n_heads = s.n_heads;
  w.n_kv_heads = s.n_kv_heads;
  w.head_dim = s.head_dim;
  w.differential = s.differential;
  w.lambda_init = layers::differential_lambda_init(layer_index);
  w.lambda = w.lambda_init + 0.15;
  w.subln = 1.0 + 0.1 * at::randn({2 * s.head_dim});
  return w;
}

DecodeAttentionParams params_of(const layers::AttentionWeights& w) {
  DecodeAttentionParams p;
  p.n_heads = w.n_heads;
  p.n_kv_heads = w.n_kv_heads;
  p.head_dim = w.head_dim;
  p.differential = w.differential;
  p.lambda = w.lambda;
  p.lambda_init = w.lambda_init;
  p.subln = w.differential ? w.subln : at::Tensor();
  p.scale = 1.0 / std::sqrt(static_cast<double>(w.head_dim));
  return p;
}

// The query heads of the rows of x, as the layers project them: [L, Hq, dh].
at::Tensor queries(const at::Tensor& x, const layers::AttentionWeights& w) {
  return at::linear(x, w.wqkv, w.bqkv).narrow(1, 0, w.n_heads * w.head_dim).view({x.size(0), w.n_heads, w.head_dim});
}

// A copy of a [Hkv, C, dh] cache with NaN in every entry at or past `length`.
at::Tensor poisoned_copy(const at::Tensor& cache, int64_t length) {
  at::Tensor copy = cache.clone();
  if (copy.size(1) > length) copy.narrow(1, length, copy.size(1) - length).fill_(kNaN);
  return copy;
}

// The layer output for the one token x1 [1, D] from decode_attention over a single sequence's cache, then out_proj.
at::Tensor op_output(const at::Tensor& x1, const layers::AttentionWeights& w, const at::Tensor& k,
                     const at::Tensor& v, int64_t length) {
  const at::Tensor slots = at::zeros({1}, at::kLong), lengths = at::full({1}, length, at::kLong);
  const at::Tensor heads = decode_attention(queries(x1, w), poisoned_copy(k, length).unsqueeze(0),
                                            poisoned_copy(v, length).unsqueeze(0), slots, lengths, params_of(w));
  EXPECT_EQ(heads.sizes(), (at::IntArrayRef{1, w.n_heads * w.head_dim}));
  return at::linear(heads, w.out_w, w.out_b);  // [1, D]
}

void expect_close(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  ASSERT_EQ(got.sizes(), want.sizes()) << what;
  EXPECT_TRUE(at::allclose(got, want, kTol, kTol)) << what << ": max |diff| " << (got - want).abs().max().item<double>();
}

TEST(KernelsDecodeAttention, RefEqualsFullAndCrossAttentionDecodeStep) {
  at::manual_seed(11);
  for (const HeadShape& s : kShapes) {
    for (int64_t prompt : {1, 6, 37}) {
      const std::string what = describe(s) + " prompt " + std::to_string(prompt);
      const layers::AttentionWeights w = random_weights(s, false, 17), wc = random_weights(s, true, 19);
      SharedKv cache;
      cache.k = at::zeros({s.n_kv_heads, 0, s.head_dim});
      cache.v = at::zeros({s.n_kv_heads, 0, s.head_dim});
      layers::full_attention(at::randn({prompt, kModelDim}), w, cache, 0);
      const at::Tensor x1 = at::randn({1, kModelDim});
      const at::Tensor want_full = layers::full_attention(x1, w, cache, prompt);  // appends the new token
      ASSERT_EQ(cache.length, prompt + 1);
      ASSERT_GT(cache.k.size(1), cache.length) << "the grown cache should have unused capacity to poison";
      expect_close(op_output(x1, w, cache.k, cache.v, cache.length), want_full, what + " full");
      const at::Tensor want_cross = layers::cross_attention(x1, wc, cache, at::full({1}, prompt, at::kLong));
      expect_close(op_output(x1, wc, cache.k, cache.v, cache.length), want_cross, what + " cross");
    }
  }
}

TEST(KernelsDecodeAttention, RefEqualsSlidingAttentionOverTheRing) {
  at::manual_seed(12);
  const int64_t window = 8, prompt = 5, last = 20;  // the ring fills at position 7 and wraps twice
  for (const HeadShape& s : kShapes) {
    const layers::AttentionWeights w = random_weights(s, false, 3);
    WindowKv ring{window, at::zeros({s.n_kv_heads, window, s.head_dim}), at::zeros({s.n_kv_heads, window, s.head_dim}),
                  at::full({window}, -1, at::kLong)};
    layers::sliding_attention(at::randn({prompt, kModelDim}), w, ring, 0);
    for (int64_t pos = prompt; pos <= last; ++pos) {
      const at::Tensor x1 = at::randn({1, kModelDim});
      const at::Tensor want = layers::sliding_attention(x1, w, ring, pos);  // writes the new token into the ring
      const int64_t length = std::min(pos + 1, window);
      expect_close(op_output(x1, w, ring.k, ring.v, length), want, describe(s) + " position " + std::to_string(pos));
    }
  }
}

TEST(KernelsDecodeAttention, BatchEqualsEachSequenceAlone) {
  at::manual_seed(13);
  const int64_t n_slots = 7, capacity = 40;
  const std::vector<int64_t> slot_ids = {5, 0, 3, 6}, lengths_of = {1, capacity, 17, 23};
  for (const HeadShape& s : kShapes) {
    const layers::AttentionWeights w = random_weights(s, false, 9);
    const DecodeAttentionParams p = params_of(w);
    at::Tensor k_cache = at::full({n_slots, s.n_kv_heads, capacity, s.head_dim}, kNaN);
    at::Tensor v_cache = at::full({n_slots, s.n_kv_heads, capacity, s.head_dim}, kNaN);
    for (std::size_t b = 0; b < slot_ids.size(); ++b) {
      k_cache[slot_ids[b]].narrow(1, 0, lengths_of[b]).normal_();
      v_cache[slot_ids[b]].narrow(1, 0, lengths_of[b]).normal_();
    }
    const int64_t B = static_cast<int64_t>(slot_ids.size());
    const at::Tensor q = at::randn({B, s.n_heads, s.head_dim}) * 2.0;
    const at::Tensor batch = decode_attention(q, k_cache, v_cache, at::tensor(slot_ids), at::tensor(lengths_of), p);
    ASSERT_EQ(batch.sizes(), (at::IntArrayRef{B, s.n_heads * s.head_dim}));
    EXPECT_FALSE(batch.isnan().any().item<bool>()) << describe(s) << ": NaN leaked from past a length or a slot";
    for (int64_t b = 0; b < B; ++b) {
      // Alone, from a one-slot cache cut exactly to the length: no gather, no mask.
      const at::Tensor k_alone = k_cache[slot_ids[b]].narrow(1, 0, lengths_of[b]).unsqueeze(0).contiguous();
      const at::Tensor v_alone = v_cache[slot_ids[b]].narrow(1, 0, lengths_of[b]).unsqueeze(0).contiguous();
      const at::Tensor alone = decode_attention(q.narrow(0, b, 1), k_alone, v_alone, at::zeros({1}, at::kLong),
                                                at::full({1}, lengths_of[b], at::kLong), p);
      expect_close(batch.narrow(0, b, 1), alone, describe(s) + " sequence " + std::to_string(b));
    }
    // decode_attention on CPU is the reference.
    EXPECT_TRUE(at::equal(batch, decode_attention_ref(q, k_cache, v_cache, at::tensor(slot_ids),
                                                      at::tensor(lengths_of), p)));
  }
}

// Runs decode_attention and expects std::invalid_argument whose message contains every one of `needles`.
template <typename... Needles>
void expect_rejected(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& slots,
                     const at::Tensor& lengths, const DecodeAttentionParams& p, Needles... needles) {
  try {
    decode_attention(q, k, v, slots, lengths, p);
    ADD_FAILURE() << "accepted bad arguments; expected a message with '" << (std::string(needles) + ... + "") << "'";
  } catch (const std::invalid_argument& e) {
    for (const std::string& needle : {std::string(needles)...}) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "'" << needle << "' not in: " << e.what();
    }
  }
}

TEST(KernelsDecodeAttention, NamesTheBadTensorOrValue) {
  const HeadShape s{8, 4, 16, true};
  const DecodeAttentionParams p = params_of(random_weights(s, false, 1));
  const at::Tensor q = at::randn({2, 8, 16}), k = at::randn({3, 4, 10, 16}), v = at::randn({3, 4, 10, 16});
  const at::Tensor slots = at::tensor(std::vector<int64_t>{2, 0}), lengths = at::tensor(std::vector<int64_t>{4, 10});
  EXPECT_EQ(decode_attention(q, k, v, slots, lengths, p).sizes(), (at::IntArrayRef{2, 128}));
  expect_rejected(at::randn({2, 6, 16}), k, v, slots, lengths, p, "'q'", "[2, 8, 16]", "[2, 6, 16]");
  expect_rejected(q, k.to(at::kBFloat16), v, slots, lengths, p, "'k_cache'", "BFloat16");
  expect_rejected(q, k, at::randn({3, 4, 9, 16}), slots, lengths, p, "'v_cache'", "[3, 4, 10, 16]");
  expect_rejected(q, k.transpose(2, 3).contiguous().transpose(2, 3), v, slots, lengths, p, "'k_cache'", "contiguous");
  expect_rejected(q, k, v, slots.to(at::kInt), lengths, p, "'slots'", "Long");
  expect_rejected(q, k, v, slots, at::tensor(std::vector<int64_t>{4}), p, "'lengths'", "[2]");
  expect_rejected(q, k, v, slots, at::tensor(std::vector<int64_t>{0, 10}), p, "'lengths'", "[1, 10]");
  expect_rejected(q, k, v, slots, at::tensor(std::vector<int64_t>{4, 11}), p, "'lengths'", "[1, 10]");
  expect_rejected(q, k, v, at::tensor(std::vector<int64_t>{3, 0}), lengths, p, "'slots'", "[0, 3)");
  DecodeAttentionParams no_subln = p;
  no_subln.subln = at::Tensor();
  expect_rejected(q, k, v, slots, lengths, no_subln, "'subln'", "missing");
  DecodeAttentionParams odd = p;
  odd.n_heads = 6;
  odd.n_kv_heads = 3;
  expect_rejected(at::randn({2, 6, 16}), at::randn({3, 3, 10, 16}), at::randn({3, 3, 10, 16}), slots, lengths, odd,
                  "even");
  DecodeAttentionParams ratio = p;
  ratio.n_heads = 6;
  expect_rejected(at::randn({2, 6, 16}), k, v, slots, lengths, ratio, "n_heads 6", "n_kv_heads 4");
}

}  // namespace
}  // namespace rbench::runtime::kernels
