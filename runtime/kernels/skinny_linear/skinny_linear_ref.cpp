// Plain LibTorch form of the fused skinny linear, the oracle of the CUDA kernel and the path for everything it does
// not take (CPU, more rows); see skinny_linear.h.
#include "runtime/kernels/skinny_linear/skinny_linear.h"

#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/silu_gate/silu_gate.h"

namespace rbench::runtime::kernels {

std::pair<at::Tensor, at::Tensor> kv_columns(const SkinnyKvAppend& kv, const at::Tensor& y) {
  const int64_t M = y.size(0), cols = kv.k_cache.size(1) * kv.k_cache.size(3);
  const auto heads = [&](int64_t first) {
    return y.narrow(1, first, cols).view({M, kv.k_cache.size(1), kv.k_cache.size(3)});
  };
  return {heads(kv.q_cols), heads(kv.q_cols + cols)};
}

at::Tensor skinny_linear_ref(const SkinnyLinearArgs& a) {
  check_skinny_linear_args(a);
  const at::ScalarType T = a.weight.scalar_type();
  const int64_t K = a.weight.size(1), N = a.weight.size(0);
  const at::Tensor in = a.norm.weight.defined()
                            ? at::layer_norm(a.x.to(T), {K}, a.norm.weight, a.norm.bias, a.norm.eps)
                            : a.x;
  const at::Tensor y = at::linear(in, a.weight, a.bias);  // [M, N] in T
  switch (a.epilogue) {
    case SkinnyEpilogue::store: {
      const SkinnyKvAppend& kv = a.kv_append;
      if (kv.k_cache.defined()) {
        const auto [k, v] = kv_columns(kv, y);
        at::Tensor k_cache = kv.k_cache, v_cache = kv.v_cache;
        kv_cache_append_ref(k_cache, v_cache, k, v, kv.slots, kv.rows);
      }
      return y;
    }
    case SkinnyEpilogue::store_float: return y.to(at::kFloat);
    case SkinnyEpilogue::add_to_residual: {
      at::Tensor residual = a.residual;
      residual.add_(y.to(at::kFloat));
      return {};
    }
    case SkinnyEpilogue::silu_gate_halves: return silu_gate_ref(y.narrow(1, 0, N / 2), y.narrow(1, N / 2, N / 2));
    case SkinnyEpilogue::silu_gate_value: return silu_gate_ref(y, a.value);
  }
  return y;
}

}  // namespace rbench::runtime::kernels
