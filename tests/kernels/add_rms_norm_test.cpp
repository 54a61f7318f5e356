// The fused residual add + RMSNorm reference against the per-sequence Phi3 forward's own steps
// (`h = h + delta; phi3_rms_norm(h, weight, eps)`), bit for bit in float32, bfloat16 and float16, with and without
// a delta; the dispatching op takes the reference on CPU; argument errors name the tensor and what was expected.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "runtime/kernels/add_rms_norm/add_rms_norm.h"
#include "runtime/models/phi3_model.h"

namespace rbench::runtime::kernels {
namespace {

TEST(KernelsAddRmsNorm, ReferenceEqualsPhi3ForwardBitForBit) {
  at::manual_seed(11);
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
    for (bool with_delta : {true, false}) {
      const std::string what = std::string(at::toString(dtype)) + (with_delta ? " with delta" : " without delta");
      const at::Tensor h0 = (at::randn({5, 96}) * 3 + 0.5).to(dtype);
      const at::Tensor delta = with_delta ? at::randn({5, 96}).to(dtype) : at::Tensor();
      const at::Tensor weight = (at::randn({96}) * 0.3 + 1).to(dtype);
      const at::Tensor h = with_delta ? h0 + delta : h0;  // the forward's residual add in the compute dtype
      const at::Tensor want = phi3_rms_norm(h, weight, 1e-5);
      at::Tensor residual = h0.clone();
      const at::Tensor got = add_rms_norm_ref(residual, delta, weight, 1e-5);
      ASSERT_EQ(got.scalar_type(), dtype) << what;
      EXPECT_TRUE(at::equal(residual, h)) << what << ": the residual is updated in place to h + delta";
      EXPECT_TRUE(at::equal(got, want)) << what << ": max |diff| " << (got - want).abs().max().item<double>();
      // The roundings matter: without the one before the weight, bfloat16 outputs differ.
      if (dtype == at::kBFloat16) {
        const at::Tensor hf = h.to(at::kFloat);
        const at::Tensor rstd = at::rsqrt(hf.pow(2).mean(-1, true) + 1e-5);
        const at::Tensor unrounded = (weight.to(at::kFloat) * hf * rstd).to(dtype);
        EXPECT_FALSE(at::equal(unrounded, want)) << what << ": the test data does not exercise the rounding";
      }
    }
  }
}

TEST(KernelsAddRmsNorm, DispatchTakesReferenceOnCpu) {
  at::manual_seed(12);
  const at::Tensor h0 = at::randn({3, 40}).to(at::kBFloat16), delta = at::randn({3, 40}).to(at::kBFloat16);
  const at::Tensor weight = at::randn({40}).to(at::kBFloat16);
  at::Tensor a = h0.clone(), b = h0.clone();
  EXPECT_TRUE(at::equal(add_rms_norm(a, delta, weight, 1e-6), add_rms_norm_ref(b, delta, weight, 1e-6)));
  EXPECT_TRUE(at::equal(a, b));
}

void expect_error(const std::function<void()>& call, const std::string& needle) {
  try {
    call();
    ADD_FAILURE() << "expected an error containing '" << needle << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(KernelsAddRmsNorm, ArgumentErrorsNameTheTensor) {
  const at::Tensor weight = at::ones({8});
  expect_error([&] {
    at::Tensor r = at::zeros({8, 4}).t();
    add_rms_norm(r, at::Tensor(), at::ones({4}), 1e-5);
  }, "tensor 'residual': expected a contiguous");
  expect_error([&] {
    at::Tensor r = at::zeros({2, 8});
    add_rms_norm(r, at::zeros({2, 8}, at::kBFloat16), weight, 1e-5);
  }, "tensor 'delta': expected [2, 8] Float on cpu, got [2, 8] BFloat16 on cpu");
  expect_error([&] {
    at::Tensor r = at::zeros({2, 8});
    add_rms_norm(r, at::Tensor(), at::ones({7}), 1e-5);
  }, "tensor 'weight': expected [8] Float on cpu, got [7] Float on cpu");
  expect_error([&] {
    at::Tensor r = at::zeros({2, 8}, at::kLong);
    add_rms_norm(r, at::Tensor(), weight, 1e-5);
  }, "tensor 'residual'");
}

}  // namespace
}  // namespace rbench::runtime::kernels
