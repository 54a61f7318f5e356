// The decode-step references against the math the runtime used before them: selective_state_update_ref for B
// sequences equals B single-sequence steps of the selective scan (one token each, then the gate and the dt bias
// and softplus applied by hand), and causal_conv1d_update_ref equals the layer's depthwise conv1d over the padded
// window; argument errors name the tensor. Their fusions (issue 8: fewer launches in the batch-1 decode step) against
// the compositions they replace, bit for bit, on fresh random inputs with and without slots: the conv's out_dtype
// equals .to(dtype) of its float32 output; the state update's y_dtype equals .to(dtype) of its float32 y, and its
// fused dt projection equals the separate linear (float32 sums rounded to the dtype) followed by the plain update.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"

namespace rbench::runtime::kernels {
namespace {

TEST(KernelsReference, SelectiveStateUpdateEqualsScanStepPerSequence) {
  at::manual_seed(3);
  const int64_t n_seq = 3, d = 37, n = 16;
  at::Tensor state = at::randn({n_seq, d, n});
  const at::Tensor x = at::randn({n_seq, d}), dt_raw = at::randn({n_seq, d}), z = at::randn({n_seq, d});
  const at::Tensor A = -at::rand({d, n}) * 4, Bm = at::randn({n_seq, n}), Cm = at::randn({n_seq, n});
  const at::Tensor D = at::randn({d}), bias = at::randn({d});
  at::Tensor expected_state = state.clone();
  std::vector<at::Tensor> rows;
  for (int64_t b = 0; b < n_seq; ++b) {
    at::Tensor h = expected_state[b];  // view: the scan updates it in place
    const at::Tensor dt = at::softplus(dt_raw[b] + bias).unsqueeze(0);                        // [1, d]
    at::Tensor y = selective_scan_ref(x[b].unsqueeze(0), dt, A, Bm[b].unsqueeze(0), Cm[b].unsqueeze(0), D, h);
    rows.push_back(y[0] * at::silu(z[b]));
  }
  const at::Tensor expected = at::stack(rows);
  const at::Tensor got = selective_state_update_ref(state, x, dt_raw, A, Bm, Cm, D, z, bias, true);
  EXPECT_TRUE(at::allclose(got, expected, 1e-5, 1e-5)) << (got - expected).abs().max();
  EXPECT_TRUE(at::allclose(state, expected_state, 1e-5, 1e-5)) << (state - expected_state).abs().max();
  // The dispatching op takes the reference on CPU.
  at::Tensor state2 = expected_state.clone();
  at::Tensor state3 = expected_state.clone();
  EXPECT_TRUE(at::equal(selective_state_update(state2, x, dt_raw, A, Bm, Cm, D, at::Tensor(), at::Tensor(), false),
                        selective_state_update_ref(state3, x, dt_raw, A, Bm, Cm, D, at::Tensor(), at::Tensor(), false)));
  EXPECT_TRUE(at::equal(state2, state3));
}

TEST(KernelsReference, SelectiveStateUpdateNamesTheBadTensor) {
  at::Tensor state = at::zeros({2, 8, 4});
  const at::Tensor x = at::zeros({2, 8}), A = at::zeros({8, 4}), D = at::zeros({8});
  try {
    selective_state_update(state, x, x, A, at::zeros({2, 5}), at::zeros({2, 4}), D, at::Tensor(), at::Tensor(), true);
    FAIL() << "accepted B of the wrong shape";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'B'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2, 4]"), std::string::npos) << e.what();
  }
  // bfloat16 inputs with a float32 state are accepted.
  const at::Tensor xb = x.to(at::kBFloat16), nb = at::zeros({2, 4}, at::kBFloat16);
  EXPECT_EQ(selective_state_update(state, xb, xb, A, nb, nb, D, xb, at::Tensor(), true).sizes(),
            (at::IntArrayRef{2, 8}));
  EXPECT_THROW(selective_state_update(state, x.to(at::kBFloat16), x, A, at::zeros({2, 4}), at::zeros({2, 4}), D,
                                      at::Tensor(), at::Tensor(), true),
               std::invalid_argument);  // dt's dtype differs from x's
}

TEST(KernelsReference, CausalConvUpdateEqualsLayerConv) {
  at::manual_seed(4);
  const int64_t n_seq = 3, d = 45, width = 4;
  at::Tensor state = at::randn({n_seq, width - 1, d});
  const at::Tensor x = at::randn({n_seq, d}), weight = at::randn({d, width}), bias = at::randn({d});
  std::vector<at::Tensor> rows, states;
  for (int64_t b = 0; b < n_seq; ++b) {
    // The layer's prefill form: conv1d over [kept inputs, x] with groups = d.
    at::Tensor padded = at::cat({state[b], x[b].unsqueeze(0)}, 0);                 // [W, d]
    at::Tensor conv = at::conv1d(padded.t().unsqueeze(0), weight.unsqueeze(1), bias, at::IntArrayRef{1},
                                 at::IntArrayRef{0}, at::IntArrayRef{1}, d);  // [1, d, 1]
    rows.push_back(at::silu(conv.squeeze(0).t()[0]));
    states.push_back(padded.narrow(0, 1, width - 1));
  }
  const at::Tensor expected = at::stack(rows), expected_state = at::stack(states);
  const at::Tensor got = causal_conv1d_update(state, x, weight, bias, true);
  EXPECT_TRUE(at::allclose(got, expected, 1e-5, 1e-5)) << (got - expected).abs().max();
  EXPECT_TRUE(at::equal(state, expected_state));
  EXPECT_THROW(causal_conv1d_update(state, x, at::zeros({d, width + 1}), bias, true), std::invalid_argument);
}

// Fresh inputs each run; a failure message carries the seed.
uint64_t fresh_seed() { return std::random_device{}(); }

// B distinct rows of a pool of n_pool, in random order.
at::Tensor random_slots(int64_t n_pool, int64_t n_seq) { return at::randperm(n_pool, at::kLong).narrow(0, 0, n_seq); }

template <typename F>
void expect_message_names(F&& call, const std::string& name, const std::string& what) {
  try {
    call();
    FAIL() << "accepted " << what;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << what << ": " << e.what();
  }
}

TEST(KernelsReference, CausalConvUpdateOutDtypeIsTheRoundedFloat32Output) {
  const uint64_t seed = fresh_seed();
  at::manual_seed(seed);
  const int64_t n_pool = 6, n_seq = 3, d = 45, width = 4;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
    for (bool with_slots : {false, true}) {
      const std::string what = "seed " + std::to_string(seed) + " " + at::toString(dtype) +
                               (with_slots ? " slots" : " no slots");
      const at::Tensor slots = with_slots ? random_slots(n_pool, n_seq) : at::Tensor();
      const at::Tensor state0 = at::randn({with_slots ? n_pool : n_seq, width - 1, d}).to(dtype);
      // x as the decode step passes it: a column slice of in_proj's output (strided rows).
      const at::Tensor x = at::randn({n_seq, 2 * d}).to(dtype).narrow(1, 0, d);
      const at::Tensor weight = at::randn({d, width}), bias = at::randn({d});
      at::Tensor plain_state = state0.clone(), fused_state = state0.clone(), dispatched_state = state0.clone();
      const at::Tensor plain = causal_conv1d_update_ref(plain_state, x, weight, bias, true, slots);
      ASSERT_EQ(plain.scalar_type(), at::kFloat) << what << ": the default output is float32";
      const at::Tensor fused = causal_conv1d_update_ref(fused_state, x, weight, bias, true, slots, dtype);
      EXPECT_EQ(fused.scalar_type(), dtype) << what;
      EXPECT_TRUE(at::equal(fused, plain.to(dtype))) << what;
      EXPECT_TRUE(at::equal(fused_state, plain_state)) << what;
      EXPECT_TRUE(at::equal(causal_conv1d_update(dispatched_state, x, weight, bias, true, slots, dtype), fused))
          << what << ": the dispatcher takes the reference on CPU";
    }
  }
  at::Tensor state = at::zeros({2, 3, 8}, at::kBFloat16);
  expect_message_names(
      [&] {
        causal_conv1d_update(state, at::zeros({2, 8}, at::kBFloat16), at::zeros({8, 4}), {}, true, {}, at::kHalf);
      },
      "out_dtype", "a Half output for bfloat16 inputs");
}

// The decode step's Mamba inputs around the state update, in the compute dtype: x_proj's output dbc [B, R + 2N] with
// dt's low-rank input, B and C as column slices of it, and the weights.
struct SsuCase {
  at::Tensor x, z, dbc, dt_low, Bm, Cm, dt_proj, A, D, dt_bias;
};

SsuCase random_ssu_case(int64_t n_seq, int64_t d, int64_t n, int64_t rank, at::ScalarType dtype) {
  SsuCase c;
  c.x = at::randn({n_seq, d}).to(dtype);
  c.z = at::randn({n_seq, d}).to(dtype);
  c.dbc = at::randn({n_seq, rank + 2 * n}).to(dtype);
  c.dt_low = c.dbc.narrow(1, 0, rank);
  c.Bm = c.dbc.narrow(1, rank, n);
  c.Cm = c.dbc.narrow(1, rank + n, n);
  c.dt_proj = (at::randn({d, rank}) / std::sqrt(static_cast<double>(rank))).to(dtype);
  c.A = -at::exp(at::randn({d, n}));
  c.D = at::randn({d});
  c.dt_bias = at::randn({d});
  return c;
}

TEST(KernelsReference, SelectiveStateUpdateFusionsEqualTheOpsTheyReplace) {
  const uint64_t seed = fresh_seed();
  at::manual_seed(seed);
  const int64_t n_pool = 7, d = 37, n = 16, rank = 11;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (int64_t n_seq : {1, 3}) {
      for (bool with_slots : {false, true}) {
        for (bool gated : {true, false}) {  // the plain Mamba layer, or the memory layer (no gate, y exported)
          const std::string what = "seed " + std::to_string(seed) + " " + at::toString(dtype) + " B=" +
                                   std::to_string(n_seq) + (with_slots ? " slots" : " no slots") +
                                   (gated ? " gated" : " memory");
          const SsuCase c = random_ssu_case(n_seq, d, n, rank, dtype);
          const at::Tensor slots = with_slots ? random_slots(n_pool, n_seq) : at::Tensor();
          const at::Tensor z = gated ? c.z : at::Tensor();
          const at::Tensor state0 = at::randn({with_slots ? n_pool : n_seq, d, n});
          // The composition it replaces: the dt_proj linear (float32 sums, stored in the dtype), the plain update,
          // then .to(dtype) of its float32 y.
          const at::Tensor dt = at::linear(c.dt_low.to(at::kFloat), c.dt_proj.to(at::kFloat)).to(dtype);  // [B, d]
          at::Tensor old_state = state0.clone();
          const at::Tensor old_y =
              selective_state_update_ref(old_state, c.x, dt, c.A, c.Bm, c.Cm, c.D, z, c.dt_bias, true, slots);
          ASSERT_EQ(old_y.scalar_type(), at::kFloat) << what << ": the default y is float32";
          SelectiveStateUpdateFusion fusion;
          fusion.dt_proj_weight = c.dt_proj;
          fusion.y_dtype = dtype;
          at::Tensor new_state = state0.clone();
          const at::Tensor new_y = selective_state_update_ref(new_state, c.x, c.dt_low, c.A, c.Bm, c.Cm, c.D, z,
                                                              c.dt_bias, true, slots, fusion);
          EXPECT_EQ(new_y.scalar_type(), dtype) << what;
          EXPECT_TRUE(at::equal(new_y, old_y.to(dtype))) << what << ": y";
          EXPECT_TRUE(at::equal(new_state, old_state)) << what << ": state";
          // Each fusion alone.
          at::Tensor dt_only_state = state0.clone(), y_only_state = state0.clone();
          SelectiveStateUpdateFusion dt_only;
          dt_only.dt_proj_weight = c.dt_proj;
          EXPECT_TRUE(at::equal(selective_state_update_ref(dt_only_state, c.x, c.dt_low, c.A, c.Bm, c.Cm, c.D, z,
                                                           c.dt_bias, true, slots, dt_only),
                                old_y))
              << what << ": fused dt, float32 y";
          SelectiveStateUpdateFusion y_only;
          y_only.y_dtype = dtype;
          EXPECT_TRUE(at::equal(selective_state_update_ref(y_only_state, c.x, dt, c.A, c.Bm, c.Cm, c.D, z, c.dt_bias,
                                                           true, slots, y_only),
                                old_y.to(dtype)))
              << what << ": separate dt, rounded y";
          // The dispatcher takes the reference on CPU.
          at::Tensor dispatched_state = state0.clone();
          EXPECT_TRUE(at::equal(selective_state_update(dispatched_state, c.x, c.dt_low, c.A, c.Bm, c.Cm, c.D, z,
                                                       c.dt_bias, true, slots, fusion),
                                new_y))
              << what << ": dispatcher";
          if (dtype == at::kFloat) {
            // In float32 the fused projection is the decode step's CPU linear itself (at::linear on the slice).
            at::Tensor stream_state = state0.clone();
            const at::Tensor stream_y = selective_state_update_ref(stream_state, c.x, at::linear(c.dt_low, c.dt_proj),
                                                                   c.A, c.Bm, c.Cm, c.D, z, c.dt_bias, true, slots);
            EXPECT_TRUE(at::equal(new_y, stream_y)) << what << ": against at::linear";
          }
        }
      }
    }
  }
}

TEST(KernelsReference, SelectiveStateUpdateFusionNamesTheBadArgument) {
  const int64_t d = 8, n = 4;
  at::Tensor state = at::zeros({2, d, n});
  const auto bf16 = at::TensorOptions().dtype(at::kBFloat16);
  const at::Tensor x = at::zeros({2, d}, bf16), nb = at::zeros({2, n}, bf16);
  const at::Tensor A = at::zeros({d, n}), D = at::zeros({d});
  const auto call = [&](const at::Tensor& dt, const at::Tensor& dt_proj, at::ScalarType y_dtype) {
    SelectiveStateUpdateFusion fusion;
    fusion.dt_proj_weight = dt_proj;
    fusion.y_dtype = y_dtype;
    return selective_state_update(state, x, dt, A, nb, nb, D, x, D, true, {}, fusion);
  };
  const at::Tensor low = at::zeros({2, 5}, bf16), w = at::zeros({d, 5}, bf16);
  EXPECT_EQ(call(low, w, at::kBFloat16).scalar_type(), at::kBFloat16);
  expect_message_names([&] { call(low, w.to(at::kFloat), at::kFloat); }, "'dt_proj_weight'", "a float32 weight");
  expect_message_names([&] { call(low, at::zeros({d + 1, 5}, bf16), at::kFloat); }, "'dt_proj_weight'",
                       "a weight of d_inner + 1 rows");
  expect_message_names([&] { call(low, at::zeros({d}, bf16), at::kFloat); }, "'dt_proj_weight'", "a 1-D weight");
  expect_message_names([&] { call(at::zeros({2, 6}, bf16), w, at::kFloat); }, "'dt'", "dt of R + 1 columns");
  expect_message_names([&] { call(x, w, at::kFloat); }, "'dt'", "a full dt with the fused projection");
  const int64_t too_wide = kSelectiveStateUpdateMaxDtRank + 1;
  expect_message_names([&] { call(at::zeros({2, too_wide}, bf16), at::zeros({d, too_wide}, bf16), at::kFloat); },
                       std::to_string(kSelectiveStateUpdateMaxDtRank), "a rank past the limit");
  const int64_t widest = kSelectiveStateUpdateMaxDtRank;
  EXPECT_EQ(call(at::zeros({2, widest}, bf16), at::zeros({d, widest}, bf16), at::kFloat).sizes(),
            (at::IntArrayRef{2, d}));
  expect_message_names([&] { call(low, w, at::kHalf); }, "y_dtype", "a Half y for bfloat16 inputs");
}

}  // namespace
}  // namespace rbench::runtime::kernels
