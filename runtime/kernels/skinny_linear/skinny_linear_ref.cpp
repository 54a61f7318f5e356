// Plain LibTorch form of the fused skinny linear, the oracle of the CUDA kernel and the path for everything it does
// not take (CPU, more rows); see skinny_linear.h.
#include "runtime/kernels/skinny_linear/skinny_linear.h"

#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/silu_gate/silu_gate.h"

namespace rbench::runtime::kernels {

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
        const int64_t M = y.size(0), Hkv = kv.k_cache.size(1), dh = kv.k_cache.size(3);
        at::Tensor k_cache = kv.k_cache, v_cache = kv.v_cache;
        kv_cache_append_ref(k_cache, v_cache, y.narrow(1, kv.q_cols, Hkv * dh).view({M, Hkv, dh}),
                            y.narrow(1, kv.q_cols + Hkv * dh, Hkv * dh).view({M, Hkv, dh}), kv.slots, kv.rows);
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
