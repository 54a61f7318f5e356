// Argument checks and device dispatch of the K/V cache append; see kv_cache_append.h.
#include "runtime/kernels/kv_cache_append/kv_cache_append.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& want, const at::Tensor& got) {
  throw std::invalid_argument(std::string("kv_cache_append: tensor '") + name + "': expected " + want + ", got " +
                              describe_tensor(got));
}

}  // namespace

void check_kv_cache_append_args(const at::Tensor& k_cache, const at::Tensor& v_cache, const at::Tensor& k,
                                const at::Tensor& v, const at::Tensor& slots, const at::Tensor& rows) {
  if (!k_cache.defined() || k_cache.dim() != 4 || !k_cache.is_contiguous())
    fail("k_cache", "a contiguous [S, Hkv, C, dh] cache", k_cache);
  if (!v_cache.defined() || v_cache.sizes() != k_cache.sizes() || v_cache.scalar_type() != k_cache.scalar_type() ||
      v_cache.device() != k_cache.device() || !v_cache.is_contiguous())
    fail("v_cache", "the shape, dtype and device of k_cache, contiguous", v_cache);
  const int64_t B = k.defined() && k.dim() == 3 ? k.size(0) : -1;
  const std::vector<int64_t> row_shape = {B, k_cache.size(1), k_cache.size(3)};
  for (const auto& [t, name] : {std::pair{&k, "k"}, std::pair{&v, "v"}}) {
    if (!t->defined() || t->sizes() != at::IntArrayRef(row_shape) || t->scalar_type() != k_cache.scalar_type() ||
        t->device() != k_cache.device() || t->stride(2) != 1)
      fail(name, "[B, Hkv, dh] rows in the cache's dtype and device with a unit innermost stride", *t);
  }
  for (const auto& [t, name] : {std::pair{&slots, "slots"}, std::pair{&rows, "rows"}}) {
    if (!t->defined() || t->dim() != 1 || t->size(0) != B || t->scalar_type() != at::kLong ||
        t->device() != k_cache.device())
      fail(name, "int64 [B] on the cache's device", *t);
  }
}

void kv_cache_append(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                     const at::Tensor& slots, const at::Tensor& rows) {
#ifdef RBENCH_HAVE_CUDA
  if (k_cache.is_cuda()) return kv_cache_append_cuda(k_cache, v_cache, k, v, slots, rows);
#endif
  kv_cache_append_ref(k_cache, v_cache, k, v, slots, rows);
}

}  // namespace rbench::runtime::kernels
