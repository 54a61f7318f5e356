// The decode-step references with slots (a state pool of S rows, B <= S sequences at shuffled rows) against the same
// references run sequence by sequence without slots: y rows agree, the pool rows of the batch move exactly as a
// per-sequence state would, and the other rows stay bit-identical. Bad slots (wrong dtype, out of range, repeated,
// more than the pool) are refused with the tensor's name.
#include <gtest/gtest.h>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"

namespace rbench::runtime::kernels {
namespace {

const int64_t kSlots[] = {5, 0, 3};  // B = 3 sequences in a pool of S = 7 rows, out of order

at::Tensor slot_tensor() { return at::tensor(at::ArrayRef<int64_t>(kSlots), at::kLong); }

template <typename F>
void expect_names_slots(F&& call, const std::string& what) {
  try {
    call();
    FAIL() << "accepted " << what;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'slots'"), std::string::npos) << what << ": " << e.what();
  }
}

TEST(KernelsSlots, SelectiveStateUpdateWithSlotsEqualsPerSequence) {
  at::manual_seed(11);
  const int64_t n_pool = 7, n_seq = 3, d = 37, n = 16;
  const at::Tensor pool0 = at::randn({n_pool, d, n});
  const at::Tensor x = at::randn({n_seq, d}), dt = at::randn({n_seq, d}), z = at::randn({n_seq, d});
  const at::Tensor A = -at::rand({d, n}) * 4, Bm = at::randn({n_seq, n}), Cm = at::randn({n_seq, n});
  const at::Tensor D = at::randn({d}), bias = at::randn({d});
  for (bool gated : {false, true}) {
    const at::Tensor zz = gated ? z : at::Tensor(), bb = gated ? bias : at::Tensor();
    at::Tensor pool = pool0.clone();
    const at::Tensor got = selective_state_update_ref(pool, x, dt, A, Bm, Cm, D, zz, bb, gated, slot_tensor());
    at::Tensor expected_pool = pool0.clone();
    for (int64_t b = 0; b < n_seq; ++b) {
      at::Tensor one = pool0[kSlots[b]].unsqueeze(0).clone();  // [1, d, N]
      const at::Tensor y = selective_state_update_ref(one, x.narrow(0, b, 1), dt.narrow(0, b, 1), A,
                                                      Bm.narrow(0, b, 1), Cm.narrow(0, b, 1), D,
                                                      gated ? z.narrow(0, b, 1) : at::Tensor(), bb, gated);
      // Batched and single sums may be vectorised differently: equal up to float32 rounding.
      EXPECT_TRUE(at::allclose(got[b], y[0], 1e-5, 1e-5)) << "gated " << gated << " b " << b;
      expected_pool[kSlots[b]].copy_(one[0]);
    }
    EXPECT_TRUE(at::allclose(pool, expected_pool, 1e-6, 1e-6)) << "gated " << gated;
    for (int64_t row : {1, 2, 4, 6}) EXPECT_TRUE(at::equal(pool[row], pool0[row])) << "untouched row " << row;
    // The dispatcher takes the reference on CPU.
    at::Tensor pool2 = pool0.clone();
    EXPECT_TRUE(at::equal(selective_state_update(pool2, x, dt, A, Bm, Cm, D, zz, bb, gated, slot_tensor()), got));
    EXPECT_TRUE(at::equal(pool2, pool));
  }
}

TEST(KernelsSlots, SelectiveStateUpdateRefusesBadSlots) {
  at::Tensor pool = at::zeros({4, 8, 4});
  const at::Tensor x = at::zeros({2, 8}), A = at::zeros({8, 4}), D = at::zeros({8}), nb = at::zeros({2, 4});
  const auto call = [&](const at::Tensor& slots) {
    return selective_state_update(pool, x, x, A, nb, nb, D, at::Tensor(), at::Tensor(), false, slots);
  };
  expect_names_slots([&] { call(at::tensor({0, 1}, at::kInt)); }, "int32 slots");
  expect_names_slots([&] { call(at::tensor({0, 4}, at::kLong)); }, "a slot past the pool");
  expect_names_slots([&] { call(at::tensor({-1, 2}, at::kLong)); }, "a negative slot");
  expect_names_slots([&] { call(at::tensor({2, 2}, at::kLong)); }, "a repeated slot");
  expect_names_slots([&] { call(at::zeros({5}, at::kLong)); }, "more sequences than pool rows");
  // Slots sized for 3 sequences while x holds 2: x is the tensor named.
  try {
    call(at::tensor({0, 1, 2}, at::kLong));
    FAIL() << "accepted x of 2 rows with 3 slots";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(call(at::tensor({3, 1}, at::kLong)).sizes(), (at::IntArrayRef{2, 8}));
}

TEST(KernelsSlots, CausalConvUpdateWithSlotsEqualsPerSequence) {
  at::manual_seed(12);
  const int64_t n_pool = 7, n_seq = 3, d = 45, width = 4;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    const at::Tensor pool0 = at::randn({n_pool, width - 1, d}).to(dtype);
    const at::Tensor x = at::randn({n_seq, d}).to(dtype), weight = at::randn({d, width}), bias = at::randn({d});
    at::Tensor pool = pool0.clone();
    const at::Tensor got = causal_conv1d_update_ref(pool, x, weight, bias, true, slot_tensor());
    at::Tensor expected_pool = pool0.clone();
    for (int64_t b = 0; b < n_seq; ++b) {
      at::Tensor one = pool0[kSlots[b]].unsqueeze(0).clone();  // [1, W-1, d]
      const at::Tensor y = causal_conv1d_update_ref(one, x.narrow(0, b, 1), weight, bias, true);
      EXPECT_TRUE(at::allclose(got[b], y[0], 1e-5, 1e-5)) << at::toString(dtype) << " b " << b;
      expected_pool[kSlots[b]].copy_(one[0]);
    }
    EXPECT_TRUE(at::equal(pool, expected_pool)) << at::toString(dtype);
    for (int64_t row : {1, 2, 4, 6}) EXPECT_TRUE(at::equal(pool[row], pool0[row])) << "untouched row " << row;
    at::Tensor pool2 = pool0.clone();
    EXPECT_TRUE(at::equal(causal_conv1d_update(pool2, x, weight, bias, true, slot_tensor()), got));
    EXPECT_TRUE(at::equal(pool2, pool));
  }
}

TEST(KernelsSlots, CausalConvUpdateRefusesBadSlots) {
  at::Tensor pool = at::zeros({4, 3, 8});
  const at::Tensor x = at::zeros({2, 8}), weight = at::zeros({8, 4});
  const auto call = [&](const at::Tensor& slots) {
    return causal_conv1d_update(pool, x, weight, at::Tensor(), true, slots);
  };
  expect_names_slots([&] { call(at::tensor({0.f, 1.f})); }, "float slots");
  expect_names_slots([&] { call(at::tensor({0, 4}, at::kLong)); }, "a slot past the pool");
  expect_names_slots([&] { call(at::tensor({1, 1}, at::kLong)); }, "a repeated slot");
  expect_names_slots([&] { call(at::zeros({2, 1}, at::kLong)); }, "2-D slots");
  EXPECT_EQ(call(at::tensor({3, 0}, at::kLong)).sizes(), (at::IntArrayRef{2, 8}));
}

}  // namespace
}  // namespace rbench::runtime::kernels
