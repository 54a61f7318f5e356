// CUDA K/V cache append: one thread per 16 bytes of a new key or value row (both caches in one launch); the math
// and shapes are in kv_cache_append.h, the oracle is kv_cache_append_ref.cpp.
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 128;

struct AppendArgs {
  const int64_t* slots;
  const int64_t* rows;
  int64_t n_seq, n_heads, n_rows, n_slots;
  int64_t chunks_per_head;  // dh / elements per chunk
  int64_t k_stride0, k_stride1, v_stride0, v_stride1;
};

// Chunk = the widest unit of a row each thread moves: 16 bytes when dh * sizeof(T) is a multiple of 16 and the
// source rows are 16-byte aligned, else one element (the host picks).
template <typename T, typename Chunk>
__global__ void kv_cache_append_kernel(AppendArgs a, T* k_cache, T* v_cache, const T* k, const T* v) {
  allow_next_kernels();
  wait_for_previous_kernels();  // k and v come from the projection just before
  const int64_t per_tensor = a.n_seq * a.n_heads * a.chunks_per_head;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= 2 * per_tensor) return;
  const bool is_v = i >= per_tensor;
  const int64_t j = is_v ? i - per_tensor : i;
  const int64_t c = j % a.chunks_per_head, h = (j / a.chunks_per_head) % a.n_heads;
  const int64_t b = j / (a.chunks_per_head * a.n_heads);
  const int64_t slot = a.slots[b], row = a.rows[b];
  if (slot < 0 || slot >= a.n_slots || row < 0 || row >= a.n_rows) return;
  constexpr int64_t kPer = sizeof(Chunk) / sizeof(T);
  const int64_t dh = a.chunks_per_head * kPer;
  const T* src = is_v ? v + b * a.v_stride0 + h * a.v_stride1 : k + b * a.k_stride0 + h * a.k_stride1;
  T* dst = (is_v ? v_cache : k_cache) + ((slot * a.n_heads + h) * a.n_rows + row) * dh;
  reinterpret_cast<Chunk*>(dst)[c] = reinterpret_cast<const Chunk*>(src)[c];
}

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

}  // namespace

void kv_cache_append_cuda(at::Tensor& k_cache, at::Tensor& v_cache, const at::Tensor& k, const at::Tensor& v,
                          const at::Tensor& slots, const at::Tensor& rows) {
  check_kv_cache_append_args(k_cache, v_cache, k, v, slots, rows);
  const int64_t n_seq = k.size(0);
  if (n_seq == 0) return;
  const c10::cuda::CUDAGuard guard(k_cache.device());
  const at::Tensor slotsc = slots.contiguous(), rowsc = rows.contiguous();
  const int64_t dh = k_cache.size(3);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, k_cache.scalar_type(), "kv_cache_append_cuda", [&] {
    const int64_t elem = sizeof(scalar_t);
    // 16-byte chunks need dh * elem and every row start (strides in bytes) to be multiples of 16.
    const bool wide = (dh * elem) % 16 == 0 && aligned16(k.data_ptr()) && aligned16(v.data_ptr()) &&
                      (k.stride(0) * elem) % 16 == 0 && (k.stride(1) * elem) % 16 == 0 &&
                      (v.stride(0) * elem) % 16 == 0 && (v.stride(1) * elem) % 16 == 0;
    const int64_t per = wide ? 16 / elem : 1;
    AppendArgs a{slotsc.data_ptr<int64_t>(), rowsc.data_ptr<int64_t>(), n_seq, k_cache.size(1), k_cache.size(2),
                 k_cache.size(0), dh / per, k.stride(0), k.stride(1), v.stride(0), v.stride(1)};
    const int64_t threads = 2 * n_seq * a.n_heads * a.chunks_per_head;
    const auto blocks = static_cast<unsigned>((threads + kThreads - 1) / kThreads);
    if (wide) {
      launch_dependent(kv_cache_append_kernel<scalar_t, int4>, dim3(blocks), dim3(kThreads), 0, stream,
          a, k_cache.data_ptr<scalar_t>(), v_cache.data_ptr<scalar_t>(), k.data_ptr<scalar_t>(), v.data_ptr<scalar_t>());
    } else {
      launch_dependent(kv_cache_append_kernel<scalar_t, scalar_t>, dim3(blocks), dim3(kThreads), 0, stream,
          a, k_cache.data_ptr<scalar_t>(), v_cache.data_ptr<scalar_t>(), k.data_ptr<scalar_t>(), v.data_ptr<scalar_t>());
    }
  });
}

}  // namespace rbench::runtime::kernels
