// The skinny linear's reference against the layer math it replaces in the decode step: the LayerNorm prologue is
// add_layer_norm without a delta, the gate epilogues are gated_mlp's and gated_memory_unit's gates, the residual
// epilogue adds the rounded product to the float32 stream; and argument errors name the tensor. On CPU
// skinny_linear dispatches to the reference, so these also pin what the decode step computes there.
#include <gtest/gtest.h>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"
#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/skinny_linear/skinny_linear.h"
#include "runtime/layers/dense.h"

namespace rbench::runtime::kernels {
namespace {

struct Inputs {
  at::Tensor residual, norm_w, norm_b, fc1, fc2, gmu_in, memory;
};

Inputs make_inputs(at::ScalarType T) {
  at::manual_seed(11);
  const int64_t M = 3, D = 64, I = 48;
  Inputs in;
  in.residual = at::randn({M, D}) * 2 + 0.3;
  in.norm_w = (at::randn({D}) * 0.2 + 1).to(T), in.norm_b = (at::randn({D}) * 0.1).to(T);
  in.fc1 = (at::randn({2 * I, D}) * 0.2).to(T), in.fc2 = (at::randn({D, I}) * 0.2).to(T);
  in.gmu_in = (at::randn({I, D}) * 0.2).to(T), in.memory = at::randn({M, I}).to(T);
  return in;
}

TEST(KernelsSkinnyLinear, ReferenceIsTheDecodeLayerMath) {
  for (at::ScalarType T : {at::kFloat, at::kBFloat16}) {
    const Inputs in = make_inputs(T);
    at::Tensor residual_copy = in.residual.clone();
    const at::Tensor h = add_layer_norm_ref(residual_copy, at::Tensor(), in.norm_w, in.norm_b, 1e-5, T);
    SkinnyLinearArgs a;
    a.x = in.residual, a.norm = {in.norm_w, in.norm_b, 1e-5};

    // fc1 with the gate, then fc2 into the stream: the gated MLP added to the residual.
    a.weight = in.fc1, a.epilogue = SkinnyEpilogue::silu_gate_halves;
    const at::Tensor gated = skinny_linear(a);
    SkinnyLinearArgs out;
    out.x = gated, out.weight = in.fc2, out.epilogue = SkinnyEpilogue::add_to_residual;
    out.residual = in.residual.clone();
    EXPECT_FALSE(skinny_linear(out).defined());
    const layers::GatedMlpWeights mlp{in.fc1, in.fc2};
    const at::Tensor expected_stream = in.residual + layers::gated_mlp(h, mlp).to(at::kFloat);
    EXPECT_TRUE(at::allclose(out.residual, expected_stream, 1e-5, 1e-5)) << at::toString(T);

    // The GMU's gate: silu(in_proj(h)) * memory, rounded, before out_proj.
    a.weight = in.gmu_in, a.epilogue = SkinnyEpilogue::silu_gate_value, a.value = in.memory;
    const layers::GmuWeights gmu{in.gmu_in, in.fc2};
    const at::Tensor gmu_out = at::linear(skinny_linear(a), in.fc2);
    EXPECT_TRUE(at::allclose(gmu_out, layers::gated_memory_unit(h, in.memory, gmu), 1e-5, 1e-5)) << at::toString(T);

    // store and store_float: the rounded product, widened for logits.
    a.weight = in.fc1, a.epilogue = SkinnyEpilogue::store, a.value = at::Tensor();
    const at::Tensor y = skinny_linear(a);
    EXPECT_EQ(y.scalar_type(), T);
    EXPECT_TRUE(at::equal(y, at::linear(h, in.fc1)));
    a.epilogue = SkinnyEpilogue::store_float;
    EXPECT_TRUE(at::equal(skinny_linear(a), y.to(at::kFloat)));
  }
}

// The QKV projection with the K/V append: the same output as the plain store, and the caches written as
// kv_cache_append writes them (other rows untouched).
TEST(KernelsSkinnyLinear, KvAppendWritesTheProjectionsKeysAndValues) {
  at::manual_seed(12);
  const int64_t M = 2, D = 64, Hq = 4, Hkv = 2, dh = 8, S = 3, C = 5;
  SkinnyLinearArgs a;
  a.x = at::randn({M, D}).to(at::kBFloat16);
  a.weight = (at::randn({(Hq + 2 * Hkv) * dh, D}) * 0.2).to(at::kBFloat16);
  const at::Tensor k0 = at::randn({S, Hkv, C, dh}).to(at::kBFloat16), v0 = at::randn({S, Hkv, C, dh}).to(at::kBFloat16);
  a.kv_append = {k0.clone(), v0.clone(), at::tensor({2, 0}, at::kLong), at::tensor({4, 1}, at::kLong), Hq * dh};
  const at::Tensor y = skinny_linear(a);
  EXPECT_TRUE(at::equal(y, at::linear(a.x, a.weight)));
  at::Tensor k_want = k0.clone(), v_want = v0.clone();
  kv_cache_append_ref(k_want, v_want, y.narrow(1, Hq * dh, Hkv * dh).view({M, Hkv, dh}),
                      y.narrow(1, (Hq + Hkv) * dh, Hkv * dh).view({M, Hkv, dh}), a.kv_append.slots, a.kv_append.rows);
  EXPECT_TRUE(at::equal(a.kv_append.k_cache, k_want));
  EXPECT_TRUE(at::equal(a.kv_append.v_cache, v_want));
  EXPECT_FALSE(at::equal(a.kv_append.k_cache, k0));  // something was written
}

TEST(KernelsSkinnyLinear, ArgumentErrorsNameTheTensor) {
  const Inputs in = make_inputs(at::kFloat);
  const auto message = [](const SkinnyLinearArgs& a) -> std::string {
    try {
      skinny_linear(a);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(accepted)";
  };
  SkinnyLinearArgs a;
  a.x = in.residual, a.weight = in.fc1;  // x is float32 without a norm: must be the weight's dtype
  a.weight = in.fc1.to(at::kBFloat16);
  EXPECT_NE(message(a).find("tensor 'x'"), std::string::npos) << message(a);
  a.x = in.residual.to(at::kBFloat16), a.epilogue = SkinnyEpilogue::add_to_residual;
  EXPECT_NE(message(a).find("tensor 'residual'"), std::string::npos) << message(a);
  a.epilogue = SkinnyEpilogue::silu_gate_value, a.value = in.memory.to(at::kBFloat16);  // [3, 48], not [3, 96]
  EXPECT_NE(message(a).find("tensor 'value'"), std::string::npos) << message(a);
  a.epilogue = SkinnyEpilogue::store, a.bias = at::zeros({5}, at::kBFloat16);
  EXPECT_NE(message(a).find("tensor 'bias'"), std::string::npos) << message(a);
  a.bias = at::Tensor(), a.weight = in.fc1.to(at::kInt);
  EXPECT_NE(message(a).find("tensor 'weight'"), std::string::npos) << message(a);

  // The K/V append: caches, indices and the column count are checked by name.
  a.weight = in.fc1.to(at::kBFloat16);  // N = 96 = 32 query columns + 2 x (Hkv 2 x dh 16)
  const at::Tensor cache = at::zeros({3, 2, 5, 16}, at::kBFloat16);
  a.kv_append = {cache, cache.clone(), at::zeros({3}, at::kLong), at::zeros({3}, at::kLong), 32};
  EXPECT_EQ(message(a), "(accepted)");
  a.kv_append.q_cols = 40;
  EXPECT_NE(message(a).find("kv_append.q_cols"), std::string::npos) << message(a);
  a.kv_append.q_cols = 32, a.kv_append.v_cache = at::zeros({3, 2, 5, 16}, at::kFloat);
  EXPECT_NE(message(a).find("tensor 'kv_append.v_cache'"), std::string::npos) << message(a);
  a.kv_append.v_cache = cache.clone(), a.kv_append.rows = at::zeros({2}, at::kLong);
  EXPECT_NE(message(a).find("tensor 'kv_append.rows'"), std::string::npos) << message(a);
  a.kv_append.rows = at::zeros({3}, at::kLong), a.epilogue = SkinnyEpilogue::store_float;
  EXPECT_NE(message(a).find("store epilogue only"), std::string::npos) << message(a);
}

}  // namespace
}  // namespace rbench::runtime::kernels
