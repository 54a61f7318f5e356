// The prefill and dense-block references against the runtime's layer math: the selective scan with its fused
// options equals the unfused scan followed by the gate, and equals L decode steps of selective_state_update_ref; the
// causal conv equals mamba_mixer's at::conv1d over the padded window (chunked or not, L shorter than the kept taps,
// strided x) and L decode steps of causal_conv1d_update_ref; add_layer_norm equals sambay.cpp's residual add and
// layers::layer_norm with its rounding; silu_gate equals layers::gated_mlp and layers::gated_memory_unit before the
// output projection. On CPU the dispatchers take the references; argument errors name the tensor.
#include <gtest/gtest.h>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"
#include "runtime/kernels/causal_conv1d/causal_conv1d.h"
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/silu_gate/silu_gate.h"
#include "runtime/layers/dense.h"

namespace rbench::runtime::kernels {
namespace {

template <typename F>
void expect_names(F&& call, const std::string& tensor_name) {
  try {
    call();
    FAIL() << "accepted a bad '" << tensor_name << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'" + tensor_name + "'"), std::string::npos) << e.what();
  }
}

TEST(KernelsPrefillReference, SelectiveScanFusedOptionsEqualUnfusedAndDecodeSteps) {
  at::manual_seed(21);
  const int64_t L = 70, d = 19, n = 16;  // L crosses the reference's 64-step block
  const at::Tensor x = at::randn({L, d}), dt_raw = at::randn({L, d}), z = at::randn({L, d});
  const at::Tensor A = -at::exp(at::randn({d, n})), Bm = at::randn({L, n}), Cm = at::randn({L, n});
  const at::Tensor D = at::randn({d}), bias = at::randn({d}), state0 = at::randn({d, n});

  at::Tensor fused_state = state0.clone();
  const at::Tensor fused = selective_scan_ref(x, dt_raw, A, Bm, Cm, D, fused_state, z, bias, true);
  at::Tensor plain_state = state0.clone();
  const at::Tensor dt = at::softplus(dt_raw + bias);
  const at::Tensor plain = selective_scan_ref(x, dt, A, Bm, Cm, D, plain_state) * at::silu(z);
  EXPECT_TRUE(at::allclose(fused, plain, 1e-6, 1e-6)) << (fused - plain).abs().max();
  EXPECT_TRUE(at::equal(fused_state, plain_state));

  // L decode steps (batch of one) give the same outputs and final state.
  at::Tensor step_state = state0.clone().unsqueeze(0);  // [1, d, N]
  std::vector<at::Tensor> rows;
  for (int64_t t = 0; t < L; ++t) {
    const auto row = [&](const at::Tensor& m) { return m.narrow(0, t, 1); };
    rows.push_back(selective_state_update_ref(step_state, row(x), row(dt_raw), A, row(Bm), row(Cm), D, row(z), bias,
                                              true));
  }
  const at::Tensor stepped = at::cat(rows, 0);
  EXPECT_TRUE(at::allclose(fused, stepped, 1e-4, 1e-5)) << (fused - stepped).abs().max();
  EXPECT_TRUE(at::allclose(fused_state, step_state[0], 1e-4, 1e-5)) << (fused_state - step_state[0]).abs().max();

  // Two chunks carry the state across: the same as one.
  at::Tensor chunk_state = state0.clone();
  const auto part = [&](const at::Tensor& m, int64_t s, int64_t len) { return m.narrow(0, s, len); };
  const at::Tensor first = selective_scan(part(x, 0, 30), part(dt_raw, 0, 30), A, part(Bm, 0, 30),
                                          part(Cm, 0, 30), D, chunk_state, part(z, 0, 30), bias, true);
  const at::Tensor second = selective_scan(part(x, 30, L - 30), part(dt_raw, 30, L - 30), A, part(Bm, 30, L - 30),
                                           part(Cm, 30, L - 30), D, chunk_state, part(z, 30, L - 30), bias, true);
  EXPECT_TRUE(at::allclose(at::cat({first, second}, 0), fused, 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(chunk_state, fused_state, 1e-5, 1e-6));

  // bfloat16 inputs equal their float32 values and y comes back in bfloat16, rounded once; strided rows (column
  // slices) are read as they are.
  at::Tensor bf_state = state0.clone(), f_state = state0.clone();
  const at::Tensor xz = at::randn({L, 2 * d}).to(at::kBFloat16);
  const at::Tensor xb = xz.narrow(1, 0, d), zb = xz.narrow(1, d, d);
  const at::Tensor dtb = dt_raw.to(at::kBFloat16), Bb = Bm.to(at::kBFloat16), Cb = Cm.to(at::kBFloat16);
  const at::Tensor yb = selective_scan(xb, dtb, A, Bb, Cb, D, bf_state, zb, bias, true);
  const at::Tensor yf = selective_scan(xb.to(at::kFloat), dtb.to(at::kFloat), A, Bb.to(at::kFloat),
                                       Cb.to(at::kFloat), D, f_state, zb.to(at::kFloat), bias, true);
  EXPECT_EQ(yb.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(at::equal(yb, yf.to(at::kBFloat16)));
  EXPECT_TRUE(at::equal(bf_state, f_state));

  // An empty chunk leaves the state alone.
  at::Tensor empty_state = state0.clone();
  EXPECT_EQ(selective_scan(x.narrow(0, 0, 0), dt.narrow(0, 0, 0), A, Bm.narrow(0, 0, 0), Cm.narrow(0, 0, 0), D,
                           empty_state)
                .sizes(),
            (at::IntArrayRef{0, d}));
  EXPECT_TRUE(at::equal(empty_state, state0));
}

TEST(KernelsPrefillReference, SelectiveScanNamesTheBadTensor) {
  at::Tensor state = at::zeros({8, 4});
  const at::Tensor x = at::zeros({5, 8}), A = at::zeros({8, 4}), D = at::zeros({8}), nb = at::zeros({5, 4});
  expect_names([&] { selective_scan(x, x, A, at::zeros({5, 3}), nb, D, state); }, "B");
  expect_names([&] { selective_scan(x, x.to(at::kBFloat16), A, nb, nb, D, state); }, "dt");
  expect_names([&] { selective_scan(x, x, A, nb, nb, D, state, at::zeros({4, 8})); }, "z");
  expect_names([&] { selective_scan(x, x, A, nb, nb, D, state, at::Tensor(), at::zeros({8}, at::kDouble)); },
               "dt_bias");
  at::Tensor strided_state = at::zeros({4, 8}).t();
  expect_names([&] { selective_scan(x, x, A, nb, nb, D, strided_state); }, "state");
}

// mamba_mixer's prefill conv, as it was written before the kernel (the oracle of causal_conv1d_ref).
at::Tensor mixer_conv(at::Tensor& conv_state, const at::Tensor& xs, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t L = xs.size(0), d_conv = weight.size(1), d_inner = weight.size(0);
  at::Tensor padded = at::cat({conv_state, xs}, 0);           // [d_conv-1+L, d_inner]
  conv_state.copy_(padded.narrow(0, L, d_conv - 1));
  at::Tensor conv = at::conv1d(padded.to(at::kFloat).t().unsqueeze(0), weight.unsqueeze(1), bias, at::IntArrayRef{1},
                               at::IntArrayRef{0}, at::IntArrayRef{1}, d_inner);  // [1, d_inner, L]
  return at::silu(conv.squeeze(0).t());                                            // [L, d_inner]
}

TEST(KernelsPrefillReference, CausalConvEqualsMixerConvAndDecodeSteps) {
  at::manual_seed(22);
  const int64_t d = 29, width = 4;
  const at::Tensor weight = at::randn({d, width}), bias = at::randn({d});
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    for (int64_t L : {1, 2, 3, 17}) {  // 1 and 2 are shorter than the W-1 = 3 kept inputs
      const std::string what = std::string(at::toString(dtype)) + " L=" + std::to_string(L);
      const at::Tensor state0 = at::randn({width - 1, d}).to(dtype);
      const at::Tensor xz = at::randn({L, 2 * d}).to(dtype);
      const at::Tensor xs = xz.narrow(1, 0, d);  // a strided column slice, as the mixer passes it
      at::Tensor mixer_state = state0.clone(), state = state0.clone();
      const at::Tensor want = mixer_conv(mixer_state, xs, weight, bias);
      const at::Tensor got = causal_conv1d(state, xs, weight, bias, true);
      // The output comes back in x's dtype, the float32 result rounded once.
      EXPECT_EQ(got.scalar_type(), dtype) << what;
      EXPECT_TRUE(at::equal(got, want.to(dtype))) << what << ": " << (got.to(at::kFloat) - want).abs().max();
      EXPECT_TRUE(at::equal(state, mixer_state)) << what;

      // L decode steps of the update op move the state the same way and give the same outputs.
      at::Tensor step_state = state0.clone().unsqueeze(0);  // [1, W-1, d]
      std::vector<at::Tensor> rows;
      for (int64_t t = 0; t < L; ++t) {
        rows.push_back(causal_conv1d_update_ref(step_state, xs.narrow(0, t, 1).contiguous(), weight, bias, true));
      }
      const double tol = dtype == at::kFloat ? 1e-5 : 1e-2;  // bfloat16: one rounding of the output (2^-8 relative)
      EXPECT_TRUE(at::allclose(at::cat(rows, 0), got.to(at::kFloat), tol, tol)) << what;
      EXPECT_TRUE(at::equal(step_state[0], state)) << what;
    }
  }
  // Two chunks equal one; without bias and SiLU the plain convolution comes back.
  at::Tensor one = at::randn({width - 1, d}), two = one.clone();
  const at::Tensor x = at::randn({20, d});
  const at::Tensor whole = causal_conv1d(one, x, weight, at::Tensor(), false);
  const at::Tensor parts = at::cat({causal_conv1d(two, x.narrow(0, 0, 7), weight, at::Tensor(), false),
                                    causal_conv1d(two, x.narrow(0, 7, 13), weight, at::Tensor(), false)},
                                   0);
  EXPECT_TRUE(at::allclose(whole, parts, 1e-6, 1e-6));
  EXPECT_TRUE(at::equal(one, two));
  expect_names([&] { causal_conv1d(one, x.to(at::kBFloat16), weight, bias, true); }, "x");
  expect_names([&] { causal_conv1d(one, x, at::zeros({d, width + 1}), bias, true); }, "weight");
  expect_names([&] { causal_conv1d(one, x, weight, at::zeros({d + 1}), true); }, "bias");
}

TEST(KernelsPrefillReference, AddLayerNormEqualsSambayResidualStep) {
  at::manual_seed(23);
  const int64_t rows = 5, cols = 40;
  for (at::ScalarType compute : {at::kFloat, at::kBFloat16}) {
    const layers::LayerNormWeights norm{at::randn({cols}).to(compute), at::randn({cols}).to(compute)};
    const at::Tensor residual0 = at::randn({rows, cols}) * 3;
    const at::Tensor mixed = at::randn({rows, cols}).to(compute);
    // sambay.cpp: residual = residual + mixed.to(kFloat); layer_norm(residual.to(compute_), norm, eps)
    const at::Tensor want_residual = residual0 + mixed.to(at::kFloat);
    const at::Tensor want = layers::layer_norm(want_residual.to(compute), norm, 1e-5);
    at::Tensor residual = residual0.clone();
    const at::Tensor got = add_layer_norm(residual, mixed, norm.weight, norm.bias, 1e-5, compute);
    EXPECT_TRUE(at::equal(residual, want_residual)) << at::toString(compute);
    EXPECT_TRUE(at::equal(got, want)) << at::toString(compute) << ": " << (got.to(at::kFloat) - want).abs().max();
    EXPECT_EQ(got.scalar_type(), compute);
    // Without delta: the norm of the residual as it is, residual untouched.
    at::Tensor kept = residual0.clone();
    EXPECT_TRUE(at::equal(add_layer_norm(kept, at::Tensor(), norm.weight, norm.bias, 1e-5, compute),
                          layers::layer_norm(residual0.to(compute), norm, 1e-5)));
    EXPECT_TRUE(at::equal(kept, residual0));
  }
  at::Tensor residual = at::zeros({2, 8});
  const at::Tensor w = at::ones({8}, at::kBFloat16);
  expect_names([&] { add_layer_norm(residual, at::zeros({2, 7}), w, w, 1e-5, at::kBFloat16); }, "delta");
  expect_names([&] { add_layer_norm(residual, at::Tensor(), w.to(at::kFloat), w, 1e-5, at::kBFloat16); }, "weight");
  expect_names([&] { add_layer_norm(residual, at::Tensor(), w, at::ones({9}, at::kBFloat16), 1e-5, at::kBFloat16); },
               "bias");
  at::Tensor half_residual = at::zeros({2, 8}, at::kBFloat16);
  expect_names([&] { add_layer_norm(half_residual, at::Tensor(), w, w, 1e-5, at::kBFloat16); }, "residual");
}

TEST(KernelsPrefillReference, SiluGateEqualsGatedMlpAndGmu) {
  at::manual_seed(24);
  const int64_t rows = 6, dim = 24, inner = 40;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    const at::Tensor x = at::randn({rows, dim}).to(dtype);
    // Gated MLP: fc1's output halves are the gate and the value.
    const layers::GatedMlpWeights mlp{(at::randn({2 * inner, dim}) * 0.3).to(dtype),
                                      (at::randn({dim, inner}) * 0.3).to(dtype)};
    const at::Tensor gate_up = at::linear(x, mlp.fc1);  // [R, 2I]
    const at::Tensor gated = silu_gate(gate_up.narrow(1, 0, inner), gate_up.narrow(1, inner, inner));
    EXPECT_TRUE(at::equal(at::linear(gated, mlp.fc2), layers::gated_mlp(x, mlp))) << at::toString(dtype);
    EXPECT_EQ(gated.scalar_type(), dtype);
    EXPECT_TRUE(gated.is_contiguous());
    // GMU: gate = in_proj(x), value = the memory.
    const layers::GmuWeights gmu{(at::randn({inner, dim}) * 0.3).to(dtype), (at::randn({dim, inner}) * 0.3).to(dtype)};
    const at::Tensor memory = at::randn({rows, inner}).to(dtype);
    const at::Tensor gmu_gated = silu_gate(at::linear(x, gmu.in_proj), memory);
    EXPECT_TRUE(at::equal(at::linear(gmu_gated, gmu.out_proj), layers::gated_memory_unit(x, memory, gmu)))
        << at::toString(dtype);
  }
  const at::Tensor g = at::zeros({3, 4});
  expect_names([&] { silu_gate(g, at::zeros({3, 5})); }, "value");
  expect_names([&] { silu_gate(g, g.to(at::kBFloat16)); }, "value");
  expect_names([&] { silu_gate(at::zeros({12}), at::zeros({12})); }, "gate");
}

}  // namespace
}  // namespace rbench::runtime::kernels
