// The decode-step references against the math the runtime used before them: selective_state_update_ref for B
// sequences equals B single-sequence steps of the selective scan (one token each, then the gate and the dt bias
// and softplus applied by hand), and causal_conv1d_update_ref equals the layer's depthwise conv1d over the padded
// window; argument errors name the tensor.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rbench::runtime::kernels
