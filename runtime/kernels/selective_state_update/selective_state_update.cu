// CUDA selective state update (Mamba-1 decode step for B sequences); the math and shapes are in
// selective_state_update.h, the oracle is selective_state_update_ref.cpp.
// Layout: a group of kLanes consecutive threads owns one (sequence, channel) row of the state; lane i handles the
// state entries n = i, i + kLanes, ... so a warp reads 32 consecutive float32 of the [B, d_inner, N] state
// (coalesced for N = 16), and the C . h dot product is a shuffle reduction inside the group. Memory traffic per
// step is the state read and written once: 8 * B * d_inner * N bytes, which bounds the kernel. With slots, sequence b
// uses state row slots[b] (read from device memory: no host sync, so the launch can be captured in a CUDA graph).
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "runtime/kernels/selective_state_update/selective_state_update.h"

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
  float* y;                          // [B, d_inner]
  int64_t n_seq, d_inner, n_state;
  bool dt_softplus;
};

template <typename T>
__global__ void selective_state_update_kernel(SsuArgs a, const T* x, const T* dt, const T* B, const T* C,
                                              const T* z) {
  const int64_t row = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kLanes;  // b * d_inner + d
  const int lane = threadIdx.x % kLanes;
  // Threads past the end stay to the shuffle (a full-mask shuffle needs the whole warp) but touch no memory.
  const bool active = row < a.n_seq * a.d_inner;
  const int64_t b = active ? row / a.d_inner : 0, d = active ? row % a.d_inner : 0;

  // The state row of this sequence; an out-of-range slot leaves the state alone and yields NaN (see the header).
  const int64_t slot = (active && a.slots) ? a.slots[b] : b;
  const bool slot_ok = slot >= 0 && slot < a.n_state_rows;
  float delta = 0.f, xv = 0.f, dot = slot_ok ? 0.f : __int_as_float(0x7fc00000);
  if (active && slot_ok) {
    delta = static_cast<float>(dt[row]);
    if (a.dt_bias) delta += a.dt_bias[d];
    if (a.dt_softplus) delta = delta > 20.f ? delta : log1pf(expf(delta));
    xv = static_cast<float>(x[row]);
    const float dx = delta * xv;
    float* h = a.state + (slot * a.d_inner + d) * a.n_state;
    const float* A_row = a.A + d * a.n_state;
    const T* B_row = B + b * a.n_state;
    const T* C_row = C + b * a.n_state;
    for (int64_t n = lane; n < a.n_state; n += kLanes) {
      const float hn = expf(delta * A_row[n]) * h[n] + dx * static_cast<float>(B_row[n]);
      h[n] = hn;
      dot += hn * static_cast<float>(C_row[n]);
    }
  }
#pragma unroll
  for (int offset = kLanes / 2; offset > 0; offset /= 2) dot += __shfl_xor_sync(0xffffffffu, dot, offset, kLanes);
  if (active && lane == 0) {
    float out = dot + a.D[d] * xv;
    if (z) {
      const float zv = static_cast<float>(z[row]);
      out *= zv / (1.f + expf(-zv));
    }
    a.y[row] = out;
  }
}

}  // namespace

at::Tensor selective_state_update_cuda(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       bool dt_softplus, const at::Tensor& slots) {
  check_selective_state_update_args(state, x, dt, A, B, C, D, z, dt_bias, slots);
  const c10::cuda::CUDAGuard guard(state.device());
  const at::Tensor xc = x.contiguous(), dtc = dt.contiguous(), Bc = B.contiguous(), Cc = C.contiguous();
  const at::Tensor Ac = A.contiguous(), Dc = D.contiguous();
  const at::Tensor zc = z.defined() ? z.contiguous() : z;
  const at::Tensor biasc = dt_bias.defined() ? dt_bias.contiguous() : dt_bias;
  const at::Tensor slotsc = slots.defined() ? slots.contiguous() : slots;
  const int64_t n_seq = x.size(0);
  at::Tensor y = at::empty({n_seq, state.size(1)}, state.options());  // [B, d_inner] float32
  SsuArgs a{state.data_ptr<float>(), slotsc.defined() ? slotsc.data_ptr<int64_t>() : nullptr, state.size(0),
            Ac.data_ptr<float>(), Dc.data_ptr<float>(), biasc.defined() ? biasc.data_ptr<float>() : nullptr,
            y.data_ptr<float>(), n_seq, state.size(1), state.size(2), dt_softplus};
  const int64_t n_rows = a.n_seq * a.d_inner;
  if (n_rows == 0) return y;
  const int64_t n_blocks = (n_rows * kLanes + kThreads - 1) / kThreads;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "selective_state_update_cuda", [&] {
    selective_state_update_kernel<scalar_t><<<static_cast<unsigned>(n_blocks), kThreads, 0, stream>>>(
        a, xc.data_ptr<scalar_t>(), dtc.data_ptr<scalar_t>(), Bc.data_ptr<scalar_t>(), Cc.data_ptr<scalar_t>(),
        zc.defined() ? zc.data_ptr<scalar_t>() : nullptr);
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return y;
}

}  // namespace rbench::runtime::kernels
