// Writes one new key/value row per sequence into slot-indexed K/V caches (the decode step's cache update):
//   k_cache[slots[b], h, rows[b], :] = k[b, h, :],  v_cache[slots[b], h, rows[b], :] = v[b, h, :]
// Shapes: k_cache, v_cache [S, Hkv, C, dh] contiguous, one dtype; k, v [B, Hkv, dh] in that dtype, any strides with
// a unit innermost stride (views into the fused qkv projection are fine); slots, rows int64 [B] on the cache's
// device. One launch for both caches, where two LibTorch index_put_ calls take several each. kv_cache_append
// dispatches CUDA tensors to the kernel (when built with CUDA) and the rest to kv_cache_append_ref (index_put_).
// The kernel reads slots and rows on the device and skips a sequence whose slot or row is out of range (no host
// read, so it can be captured in a CUDA graph); the reference throws for one.
#pragma once

#include <ATen/ATen.h>

namespace rbench::runtime::kernels {

void kv_cache_append(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                     const at::Tensor& slots, const at::Tensor& rows);

void kv_cache_append_ref(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                         const at::Tensor& slots, const at::Tensor& rows);

// The CUDA kernel (defined only when built with CUDA); launched on the current stream.
void kv_cache_append_cuda(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                          const at::Tensor& slots, const at::Tensor& rows);

// Throws with the tensor's name, expected and actual shape/dtype/device when the arguments do not fit.
void check_kv_cache_append_args(const at::Tensor& k_cache, const at::Tensor& v_cache, const at::Tensor& k,
                                const at::Tensor& v, const at::Tensor& slots, const at::Tensor& rows);

}  // namespace rbench::runtime::kernels
