// The LibTorch oracle of the K/V cache append: two index_put_ calls; see kv_cache_append.h.
#include <stdexcept>
#include <string>

#include "runtime/kernels/kv_cache_append/kv_cache_append.h"

namespace rbench::runtime::kernels {

void kv_cache_append_ref(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                         const at::Tensor& slots, const at::Tensor& rows) {
  check_kv_cache_append_args(k_cache, v_cache, k, v, slots, rows);
  if (slots.is_cpu() && slots.numel() > 0) {
    const int64_t bad_slot = ((slots < 0) | (slots >= k_cache.size(0))).sum().item<int64_t>();
    const int64_t bad_row = ((rows < 0) | (rows >= k_cache.size(2))).sum().item<int64_t>();
    if (bad_slot + bad_row > 0)
      throw std::out_of_range("kv_cache_append: a slot or row is outside the cache [" +
                              std::to_string(k_cache.size(0)) + " slots, " + std::to_string(k_cache.size(2)) + " rows]");
  }
  using at::indexing::Slice;
  k_cache.index_put_({slots, Slice(), rows}, k);
  v_cache.index_put_({slots, Slice(), rows}, v);
}

}  // namespace rbench::runtime::kernels
