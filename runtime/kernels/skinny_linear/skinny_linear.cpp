// Argument checks of the fused skinny linear and the dispatch (CUDA kernel or LibTorch reference); see
// skinny_linear.h.
#include "runtime/kernels/skinny_linear/skinny_linear.h"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& expected, const at::Tensor& got) {
  throw std::invalid_argument("skinny_linear: tensor '" + name + "': expected " + expected + ", got " +
                              describe_tensor(got));
}

bool aligned16(const at::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 16 == 0; }

}  // namespace

void check_skinny_linear_args(const SkinnyLinearArgs& a) {
  const at::Tensor& w = a.weight;
  if (!w.defined() || w.dim() != 2 ||
      (w.scalar_type() != at::kBFloat16 && w.scalar_type() != at::kHalf && w.scalar_type() != at::kFloat))
    fail("weight", "[N, K] bfloat16, float16 or float32", w);
  const int64_t N = w.size(0), K = w.size(1);
  const auto T = w.scalar_type();
  const auto like = [&](const at::Tensor& t, at::ScalarType dtype) {
    return t.scalar_type() == dtype && t.device() == w.device();
  };
  const bool normed = a.norm.weight.defined();
  const at::ScalarType x_dtype = normed ? at::kFloat : T;
  if (!a.x.defined() || a.x.dim() != 2 || a.x.size(1) != K || !like(a.x, x_dtype) ||
      (a.x.size(0) > 0 && a.x.stride(1) != 1))
    fail("x", "[M, " + std::to_string(K) + "] " + std::string(at::toString(x_dtype)) + " with contiguous rows on " +
                  w.device().str() + (normed ? " (the float32 residual stream, normalised first)" : ""),
         a.x);
  const int64_t M = a.x.size(0);
  if (a.bias.defined() && (a.bias.dim() != 1 || a.bias.size(0) != N || !like(a.bias, T)))
    fail("bias", "[" + std::to_string(N) + "] like weight", a.bias);
  if (normed) {
    if (a.norm.weight.dim() != 1 || a.norm.weight.size(0) != K || !like(a.norm.weight, T))
      fail("norm.weight", "[" + std::to_string(K) + "] like weight", a.norm.weight);
    if (a.norm.bias.defined() && (a.norm.bias.dim() != 1 || a.norm.bias.size(0) != K || !like(a.norm.bias, T)))
      fail("norm.bias", "[" + std::to_string(K) + "] like weight", a.norm.bias);
  }
  const std::string rows_n = "[" + std::to_string(M) + ", " + std::to_string(N) + "] ";
  switch (a.epilogue) {
    case SkinnyEpilogue::add_to_residual:
      if (!a.residual.defined() || a.residual.dim() != 2 || a.residual.size(0) != M || a.residual.size(1) != N ||
          !like(a.residual, at::kFloat) || !a.residual.is_contiguous())
        fail("residual", rows_n + "float32 contiguous", a.residual);
      break;
    case SkinnyEpilogue::silu_gate_value:
      if (!a.value.defined() || a.value.dim() != 2 || a.value.size(0) != M || a.value.size(1) != N ||
          !like(a.value, T))
        fail("value", rows_n + "like weight", a.value);
      break;
    case SkinnyEpilogue::silu_gate_halves:
      if (N % 2 != 0) fail("weight", "an even number of rows (gate | up halves)", w);
      break;
    case SkinnyEpilogue::store:
    case SkinnyEpilogue::store_float: break;
  }
  const SkinnyKvAppend& kv = a.kv_append;
  if (!kv.k_cache.defined()) return;
  if (a.epilogue != SkinnyEpilogue::store)
    throw std::invalid_argument("skinny_linear: the K/V append takes the store epilogue only");
  const auto cache_like = [&](const at::Tensor& c, const char* name) {
    if (!c.defined() || c.dim() != 4 || !like(c, T) || !c.is_contiguous())
      fail(name, "[S, Hkv, C, dh] contiguous like weight", c);
  };
  cache_like(kv.k_cache, "kv_append.k_cache");
  cache_like(kv.v_cache, "kv_append.v_cache");
  if (kv.v_cache.sizes() != kv.k_cache.sizes())
    fail("kv_append.v_cache", "the sizes of kv_append.k_cache", kv.v_cache);
  const int64_t kv_cols = kv.k_cache.size(1) * kv.k_cache.size(3);
  if (kv.q_cols < 0 || kv.q_cols + 2 * kv_cols != N)
    fail("weight", std::to_string(kv.q_cols) + " query rows + 2 x " + std::to_string(kv_cols) +
                       " key/value rows (kv_append.q_cols and the caches' Hkv dh)",
         w);
  const auto index_like = [&](const at::Tensor& t, const char* name) {
    if (!t.defined() || t.dim() != 1 || t.size(0) != M || !like(t, at::kLong))
      fail(name, "[" + std::to_string(M) + "] int64 on " + w.device().str(), t);
  };
  index_like(kv.slots, "kv_append.slots");
  index_like(kv.rows, "kv_append.rows");
}

bool skinny_linear_kernel_fits(const SkinnyLinearArgs& a) {
  const int64_t M = a.x.size(0), N = a.weight.size(0), K = a.weight.size(1);
  if (!a.weight.is_cuda() || a.weight.scalar_type() != at::kBFloat16 || M < 1 || M > kSkinnyMaxRows || N < 1 || K % 8 != 0) return false;
  if (!a.weight.is_contiguous() || !aligned16(a.weight)) return false;
  // The normalised rows live in shared memory.
  if (a.norm.weight.defined()) return K <= kSkinnyMaxNormCols && a.x.is_contiguous() && aligned16(a.x);
  const int64_t row_bytes = a.x.stride(0) * static_cast<int64_t>(a.x.element_size());
  return aligned16(a.x) && (M == 1 || row_bytes % 16 == 0);
}

at::Tensor skinny_linear(const SkinnyLinearArgs& args) {
  check_skinny_linear_args(args);
#ifdef RBENCH_HAVE_CUDA
  if (skinny_linear_kernel_fits(args)) return skinny_linear_cuda(args);
#endif
  return skinny_linear_ref(args);
}

}  // namespace rbench::runtime::kernels
