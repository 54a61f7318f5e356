// The K/V cache append kernel against its index_put_ reference on the GPU, on fresh random data: SambaY's and
// Phi3's head shapes, bf16 and float32, rows that are views into a fused qkv projection (strided), shuffled slots of a
// larger pool, rows at the cache's first and last position; every cache byte the reference leaves alone stays
// untouched, and an out-of-range slot or row writes nothing. Exact equality: the op only moves bytes.
#include <ATen/Context.h>
#include <gtest/gtest.h>

#include <random>

#include "runtime/kernels/kv_cache_append/kv_cache_append.h"

namespace rbench::runtime::kernels {
namespace {

struct Shape {
  int64_t n_heads, n_kv_heads, head_dim;
};

TEST(KernelsGpuKvAppend, MatchesIndexPutReference) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = std::random_device{}();
  at::manual_seed(seed);
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  for (const Shape s : {Shape{40, 20, 64}, Shape{24, 8, 128}, Shape{4, 2, 16}}) {
    for (const at::ScalarType dtype : {at::kBFloat16, at::kFloat}) {
      const int64_t S = 9, C = 37, B = 5, Hq = s.n_heads, Hkv = s.n_kv_heads, dh = s.head_dim;
      at::Tensor k_cache = at::randn({S, Hkv, C, dh}, cuda.dtype(dtype)), v_cache = at::randn_like(k_cache);
      at::Tensor k_ref = k_cache.clone(), v_ref = v_cache.clone();
      const at::Tensor qkv = at::randn({B, (Hq + 2 * Hkv) * dh}, cuda.dtype(dtype));  // the fused projection
      const at::Tensor k = qkv.narrow(1, Hq * dh, Hkv * dh).view({B, Hkv, dh});
      const at::Tensor v = qkv.narrow(1, (Hq + Hkv) * dh, Hkv * dh).view({B, Hkv, dh});
      const at::Tensor slots = at::tensor(std::vector<int64_t>{7, 0, 3, 8, 5}, cuda.dtype(at::kLong));
      const at::Tensor rows = at::tensor(std::vector<int64_t>{0, C - 1, 17, 5, 36}, cuda.dtype(at::kLong));
      kv_cache_append_cuda(k_cache, v_cache, k, v, slots, rows);
      kv_cache_append_ref(k_ref, v_ref, k, v, slots, rows);
      EXPECT_TRUE(at::equal(k_cache, k_ref)) << "k, heads " << Hq << "/" << Hkv << "/" << dh << " " << dtype
                                             << " seed " << seed;
      EXPECT_TRUE(at::equal(v_cache, v_ref)) << "v, heads " << Hq << "/" << Hkv << "/" << dh << " " << dtype
                                             << " seed " << seed;

      // Out of range: slot S, row -1: nothing moves.
      const at::Tensor before_k = k_cache.clone(), before_v = v_cache.clone();
      const at::Tensor bad_slots = at::tensor(std::vector<int64_t>{S, 1, 2, 3, 4}, cuda.dtype(at::kLong));
      const at::Tensor bad_rows = at::tensor(std::vector<int64_t>{0, -1, C, C + 5, -7}, cuda.dtype(at::kLong));
      kv_cache_append_cuda(k_cache, v_cache, k, v, bad_slots, bad_rows);
      EXPECT_TRUE(at::equal(k_cache, before_k) && at::equal(v_cache, before_v)) << "out-of-range rows wrote";
    }
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
