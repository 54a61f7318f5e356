// CUDA selective state update (Mamba-1 decode step for B sequences); the math and shapes are in
// selective_state_update.h, the oracle is selective_state_update_ref.cpp.
// Layout: a group of kLanes consecutive threads owns one (sequence, channel) row of the state; lane i handles the
// state entries n = i, i + kLanes, ... so a warp reads 32 consecutive float32 of the [B, d_inner, N] state
// (coalesced for N = 16), and the C . h dot product is a shuffle reduction inside the group. Memory traffic per
// step is the state read and written once: 8 * B * d_inner * N bytes, which bounds the kernel. With slots, sequence b
// uses state row slots[b] (read from device memory: no host sync, so the launch can be captured in a CUDA graph).
// The fused dt projection splits the R terms of row d's dot product over the same lanes (lane i takes r = i,
// i + kLanes, ...) and reduces them by shuffles like C . h; every lane ends with the same float32 sum (the butterfly
// adds the same pairs on every lane), which is rounded to the input dtype as the separate linear stores it. The
// weight row is read once per sequence (from L2 after the first), so the fusion pays off at small batch, where the
// separate linear is a whole launch for a few microseconds of work. y is stored as float32 or rounded to the input
// dtype by the store itself. The [B, *] inputs are read through their row strides (slices of x_proj's output).
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <type_traits>

#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kLanes = 16;           // threads per state row (a power of two dividing 32)
constexpr int kThreads = 256;        // 16 rows per block

struct SsuArgs {
  float* state;                      // [B, d_inner, N], or [S, d_inner, N] with slots
  const int64_t* slots;              // [B] or null
  int64_t n_state_rows;              // S (= B without slots)
  const float* A;                    // [d_inner, N]
  const float* D;                    // [d_inner]
  const float* dt_bias;              // [d_inner] or null
  int64_t n_seq, d_inner, n_state;
  int64_t dt_rank;                   // R of the fused dt projection; 0 without it
  bool dt_softplus;
};

// The [B, *] inputs in the input dtype T, each row at `row_stride` elements from the previous one.
template <typename T>
struct SsuInputs {
  const T *x, *dt, *B, *C, *z;       // z may be null
  const T* dt_proj;                  // [d_inner, R] contiguous, or null
  int64_t x_stride, dt_stride, B_stride, C_stride, z_stride;
};

// Sum of v over the kLanes lanes of a group; every lane of the group gets the same value. All 32 lanes of the warp
// must call it (full-mask shuffles).
__device__ float group_sum(float v) {
#pragma unroll
  for (int offset = kLanes / 2; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset, kLanes);
  return v;
}

// T: the inputs' dtype; Out: y's dtype (float or T), converted once at the store (round to nearest even).
template <typename T, typename Out>
__global__ void selective_state_update_kernel(SsuArgs a, SsuInputs<T> in, Out* y) {
  allow_next_kernels();
  wait_for_previous_kernels();  // every input and the state come from earlier kernels of the step
  const int64_t row = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanes;  // b * d_inner + d
  const int lane = threadIdx.x % kLanes;
  // Threads past the end stay to the shuffles (a full-mask shuffle needs the whole warp) but touch no memory.
  const bool active = row < a.n_seq * a.d_inner;
  const int64_t b = active ? row / a.d_inner : 0, d = active ? row % a.d_inner : 0;

  // The state row of this sequence; an out-of-range slot leaves the state alone and yields NaN (see the header).
  const int64_t slot = (active && a.slots) ? a.slots[b] : b;
  const bool slot_ok = slot >= 0 && slot < a.n_state_rows;
  const bool works = active && slot_ok;

  float delta = 0.f;
  if (in.dt_proj) {
    float part = 0.f;
    if (works) {
      const T* w_row = in.dt_proj + d * a.dt_rank;
      const T* low = in.dt + b * in.dt_stride;
#pragma unroll 4
      for (int64_t r = lane; r < a.dt_rank; r += kLanes) {
        part += static_cast<float>(w_row[r]) * static_cast<float>(low[r]);
      }
    }
    delta = static_cast<float>(static_cast<T>(group_sum(part)));  // rounded as the separate linear's output
  } else if (works) {
    delta = static_cast<float>(in.dt[b * in.dt_stride + d]);
  }

  float xv = 0.f, dot = slot_ok ? 0.f : __int_as_float(0x7fc00000);
  if (works) {
    if (a.dt_bias) delta += a.dt_bias[d];
    if (a.dt_softplus) delta = delta > 20.f ? delta : log1pf(expf(delta));
    xv = static_cast<float>(in.x[b * in.x_stride + d]);
    const float dx = delta * xv;
    float* h = a.state + (slot * a.d_inner + d) * a.n_state;
    const float* A_row = a.A + d * a.n_state;
    const T* B_row = in.B + b * in.B_stride;
    const T* C_row = in.C + b * in.C_stride;
    for (int64_t n = lane; n < a.n_state; n += kLanes) {
      const float hn = expf(delta * A_row[n]) * h[n] + dx * static_cast<float>(B_row[n]);
      h[n] = hn;
      dot += hn * static_cast<float>(C_row[n]);
    }
  }
  dot = group_sum(dot);
  if (active && lane == 0) {
    float out = dot + a.D[d] * xv;
    if (in.z) {
      const float zv = static_cast<float>(in.z[b * in.z_stride + d]);
      out *= zv / (1.f + expf(-zv));
    }
    y[row] = static_cast<Out>(out);
  }
}

// t itself when the elements of each row are adjacent (its rows may be strided), else a contiguous copy.
at::Tensor with_contiguous_rows(const at::Tensor& t) {
  return (!t.defined() || t.size(1) <= 1 || t.stride(1) == 1) ? t : t.contiguous();
}

}  // namespace

at::Tensor selective_state_update_cuda(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       bool dt_softplus, const at::Tensor& slots,
                                       const SelectiveStateUpdateFusion& fusion) {
  check_selective_state_update_args(state, x, dt, A, B, C, D, z, dt_bias, slots, fusion);
  const c10::cuda::CUDAGuard guard(state.device());
  const at::Tensor xr = with_contiguous_rows(x), dtr = with_contiguous_rows(dt), zr = with_contiguous_rows(z);
  const at::Tensor Br = with_contiguous_rows(B), Cr = with_contiguous_rows(C);
  const at::Tensor Ac = A.contiguous(), Dc = D.contiguous();
  const at::Tensor biasc = dt_bias.defined() ? dt_bias.contiguous() : dt_bias;
  const at::Tensor slotsc = slots.defined() ? slots.contiguous() : slots;
  const at::Tensor dt_proj = fusion.dt_proj_weight.defined() ? fusion.dt_proj_weight.contiguous() : at::Tensor();
  const int64_t n_seq = x.size(0);
  at::Tensor y = at::empty({n_seq, state.size(1)}, state.options().dtype(fusion.y_dtype));  // [B, d_inner]
  SsuArgs a{state.data_ptr<float>(), slotsc.defined() ? slotsc.data_ptr<int64_t>() : nullptr, state.size(0),
            Ac.data_ptr<float>(), Dc.data_ptr<float>(), biasc.defined() ? biasc.data_ptr<float>() : nullptr,
            n_seq, state.size(1), state.size(2), dt_proj.defined() ? dt_proj.size(1) : 0, dt_softplus};
  const int64_t n_rows = a.n_seq * a.d_inner;
  if (n_rows == 0) return y;
  const int64_t n_blocks = (n_rows * kLanes + kThreads - 1) / kThreads;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "selective_state_update_cuda", [&] {
    const SsuInputs<scalar_t> in{xr.data_ptr<scalar_t>(),
                                 dtr.data_ptr<scalar_t>(),
                                 Br.data_ptr<scalar_t>(),
                                 Cr.data_ptr<scalar_t>(),
                                 zr.defined() ? zr.data_ptr<scalar_t>() : nullptr,
                                 dt_proj.defined() ? dt_proj.data_ptr<scalar_t>() : nullptr,
                                 xr.stride(0),
                                 dtr.stride(0),
                                 Br.stride(0),
                                 Cr.stride(0),
                                 zr.defined() ? zr.stride(0) : 0};
    const auto launch = [&](auto* y_ptr) {
      launch_dependent(selective_state_update_kernel<scalar_t, std::remove_pointer_t<decltype(y_ptr)>>,
                       dim3(static_cast<unsigned>(n_blocks)), dim3(kThreads), 0, stream, a, in, y_ptr);
    };
    if (fusion.y_dtype == at::kFloat) {
      launch(y.data_ptr<float>());
    } else {
      launch(y.data_ptr<scalar_t>());  // y_dtype is x's dtype (checked above)
    }
  });
  return y;
}

}  // namespace rbench::runtime::kernels
