// The decode step's first and last ops on CPU: decode_step_inputs' reference (embedding rows in float32, the full
// cache's lengths, each ring's rows and lengths) and argmax_rows' reference (ties and NaN as at::argmax), with the
// errors that name the argument.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "runtime/kernels/argmax_rows/argmax_rows.h"
#include "runtime/kernels/decode_step_inputs/decode_step_inputs.h"

namespace rbench::runtime::kernels {
namespace {

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(KernelsStepInputs, ReferenceEmbedsAndComputesEachRingsRowsAndLengths) {
  const at::Tensor embed = at::randn({50, 12}).to(at::kBFloat16);
  const at::Tensor ids = at::tensor({int64_t{7}, int64_t{0}, int64_t{49}}), positions = at::tensor({int64_t{0}, int64_t{511}, int64_t{1030}});
  const DecodeStepInputs in = decode_step_inputs(embed, ids, positions, {512, 1});
  ASSERT_EQ(in.residual.scalar_type(), at::kFloat);
  EXPECT_TRUE(at::equal(in.residual[2], embed[49].to(at::kFloat)));
  EXPECT_TRUE(at::equal(in.lengths, at::tensor({int64_t{1}, int64_t{512}, int64_t{1031}})));
  ASSERT_EQ(in.ring_rows.size(), 2u);
  EXPECT_TRUE(at::equal(in.ring_rows[0], at::tensor({int64_t{0}, int64_t{511}, int64_t{6}})));
  EXPECT_TRUE(at::equal(in.ring_lengths[0], at::tensor({int64_t{1}, int64_t{512}, int64_t{512}})));
  EXPECT_TRUE(at::equal(in.ring_rows[1], at::zeros({3}, at::kLong)));
  EXPECT_TRUE(at::equal(in.ring_lengths[1], at::ones({3}, at::kLong)));
}

TEST(KernelsStepInputs, ErrorsNameTheArgument) {
  const at::Tensor embed = at::randn({50, 12}), ids = at::tensor({int64_t{1}, int64_t{2}});
  EXPECT_NE(error_of([&] { decode_step_inputs(embed, ids.to(at::kInt), ids, {}); }).find("tensor 'ids'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { decode_step_inputs(embed, ids, ids.narrow(0, 0, 1), {}); }).find("tensor 'positions'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { decode_step_inputs(embed, ids, ids, {512, 0}); }).find("window 0"), std::string::npos);
  EXPECT_NE(error_of([&] { decode_step_inputs(embed, ids, ids, {1, 2, 3, 4, 5}); }).find("at most 4"),
            std::string::npos);
  EXPECT_NE(error_of([&] { decode_step_inputs(embed.to(at::kLong), ids, ids, {}); }).find("tensor 'embed'"),
            std::string::npos);
}

TEST(KernelsArgmaxRows, ReferenceTakesTheFirstOfTiesAndNaNAsLargest) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const at::Tensor logits = at::tensor({1.f, 3.f, 3.f, 0.f,      // a tie: the first
                                        1.f, nan, 5.f, nan,      // NaN beats any number: the first NaN
                                        -inf, -inf, -inf, -inf,  // all equal: index 0
                                        0.f, 1.f, 2.f, 9.f})     // the largest is past n = 3
                               .view({4, 4});
  EXPECT_TRUE(at::equal(argmax_rows(logits, 3), at::tensor({int64_t{1}, int64_t{1}, int64_t{0}, int64_t{2}})));
  EXPECT_NE(error_of([&] { argmax_rows(logits, 0); }).find("n = 0"), std::string::npos);
  EXPECT_NE(error_of([&] { argmax_rows(logits, 5); }).find("n = 5"), std::string::npos);
  EXPECT_NE(error_of([&] { argmax_rows(logits.to(at::kHalf), 2); }).find("tensor 'logits'"), std::string::npos);
}

}  // namespace
}  // namespace rbench::runtime::kernels
