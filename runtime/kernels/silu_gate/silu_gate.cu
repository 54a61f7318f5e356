// CUDA SiLU gate; the math and shapes are in silu_gate.h, the oracle is silu_gate_ref.cpp.
// Elementwise over [R, n] with a grid-stride loop; each thread moves 16-byte vectors (4 float32 or 8 bfloat16/float16)
// when n, both row strides and the pointers allow it, else single elements. Strided rows (column slices of one wider
// tensor) are read in place: no copy. Bound by memory traffic: 3 * R * n elements.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <c10/util/BFloat16.h>
#include <c10/util/Half.h>

#include <algorithm>
#include <cstdint>

#include "runtime/kernels/silu_gate/silu_gate.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocks = 65535;

template <typename T, int V>
struct alignas(sizeof(T) * V) Pack {
  T v[V];
};

template <typename T, int V>
__global__ void __launch_bounds__(kThreads) silu_gate_kernel(const T* gate, const T* value, T* out, int64_t rows,
                                                             int64_t cols, int64_t gate_stride, int64_t value_stride) {
  allow_next_kernels();
  wait_for_previous_kernels();  // both inputs come from earlier kernels
  const int64_t vecs_per_row = cols / V;
  const int64_t n_vecs = rows * vecs_per_row;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x; i < n_vecs;
       i += static_cast<int64_t>(gridDim.x) * kThreads) {
    const int64_t r = i / vecs_per_row, col = (i % vecs_per_row) * V;
    const Pack<T, V> g = *reinterpret_cast<const Pack<T, V>*>(gate + r * gate_stride + col);
    const Pack<T, V> v = *reinterpret_cast<const Pack<T, V>*>(value + r * value_stride + col);
    Pack<T, V> o;
#pragma unroll
    for (int j = 0; j < V; ++j) {
      const float gf = static_cast<float>(g.v[j]);
      o.v[j] = static_cast<T>(gf / (1.f + expf(-gf)) * static_cast<float>(v.v[j]));
    }
    *reinterpret_cast<Pack<T, V>*>(out + r * cols + col) = o;
  }
}

template <typename F>
void with_float_type(at::ScalarType t, F&& f) {
  switch (t) {
    case at::kFloat: f(float{}); break;
    case at::kBFloat16: f(c10::BFloat16{}); break;
    case at::kHalf: f(c10::Half{}); break;
    default: TORCH_CHECK(false, "silu_gate_cuda: unsupported dtype ", t);
  }
}

template <typename T, int V>
void launch(const T* gate, const T* value, T* out, int64_t rows, int64_t cols, int64_t gate_stride,
            int64_t value_stride, cudaStream_t stream) {
  const int64_t n_vecs = rows * (cols / V);
  const auto n_blocks = static_cast<unsigned>(std::min(kMaxBlocks, (n_vecs + kThreads - 1) / kThreads));
  launch_dependent(silu_gate_kernel<T, V>, dim3(n_blocks), dim3(kThreads), 0, stream, gate, value, out, rows, cols,
                   gate_stride, value_stride);
}

}  // namespace

at::Tensor silu_gate_cuda(const at::Tensor& gate, const at::Tensor& value) {
  check_silu_gate_args(gate, value);
  const int64_t rows = gate.size(0), cols = gate.size(1);
  const c10::cuda::CUDAGuard guard(gate.device());
  const auto rows_contiguous = [](const at::Tensor& t) {
    return (t.size(1) <= 1 || t.stride(1) == 1) ? t : t.contiguous();
  };
  const at::Tensor gc = rows_contiguous(gate), vc = rows_contiguous(value);
  at::Tensor out = at::empty({rows, cols}, gate.options());  // [R, n]
  if (rows == 0 || cols == 0) return out;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  with_float_type(gate.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    constexpr int V = static_cast<int>(16 / sizeof(T));
    const auto* gp = static_cast<const T*>(gc.data_ptr());
    const auto* vp = static_cast<const T*>(vc.data_ptr());
    auto* op = static_cast<T*>(out.data_ptr());
    const int64_t gs = gc.stride(0), vs = vc.stride(0);
    const auto aligned = [](const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; };
    // A one-row view's row stride is never used, so only multi-row strides must keep vectors aligned.
    const bool vectorised = cols % V == 0 && (rows == 1 || (gs % V == 0 && vs % V == 0)) && aligned(gp) &&
                            aligned(vp) && aligned(op);
    if (vectorised) {
      launch<T, V>(gp, vp, op, rows, cols, gs, vs, stream);
    } else {
      launch<T, 1>(gp, vp, op, rows, cols, gs, vs, stream);
    }
  });
  return out;
}

}  // namespace rbench::runtime::kernels
