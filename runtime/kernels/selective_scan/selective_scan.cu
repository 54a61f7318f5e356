// CUDA selective scan (Mamba-1 prefill of one sequence); the math and shapes are in selective_scan.h, the oracle is
// selective_scan_ref.cpp.
// Parallel over channels and state entries, sequential over time: a group of kLanes consecutive threads owns one
// channel, lane i holds the state entries [i * kPerLane, (i + 1) * kPerLane) in registers for the whole scan. A block
// of kChannels channels walks the sequence in tiles of kTile time steps: the tile's dt' (bias and softplus applied
// once per element), x, B and C are staged through shared memory with coalesced loads; the sequential loop then only
// advances h and leaves each lane's partial C_t . h_t in shared memory, so the one loop-carried dependency is an FMA
// per state entry (no shuffle or reduction on that path, and the exp does not depend on h). A second pass over the
// tile sums the kLanes partials of each (step, channel), adds D x, gates by silu(z) and writes y coalesced.
// Traffic: the inputs and y once, the state twice; the work is one exp and three FMAs per (step, channel, entry).
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <type_traits>

#include "runtime/kernels/selective_scan/selective_scan.h"

namespace rbench::runtime::kernels {

namespace {

constexpr int kLanes = 8;                       // threads per channel (a power of two dividing 32)
constexpr int kChannels = 16;                   // channels per block
constexpr int kThreads = kLanes * kChannels;    // 128
constexpr int kTile = 32;                       // time steps staged per pass through shared memory
constexpr int kMaxPerLane = 8;                  // state entries per lane: N <= kLanes * kMaxPerLane
static_assert(kLanes * kMaxPerLane == kSelectiveScanMaxStateSize, "the header's limit is this kernel's");
constexpr int kPartStride = kLanes + 1;         // partials of one channel; the pad keeps the summing pass free of
                                                // bank conflicts
constexpr float kLog2e = 1.4426950408889634f;

struct ScanArgs {
  float* state;                                 // [d_inner, N]
  const float* A;                               // [d_inner, N]
  const float* D;                               // [d_inner]
  const float* dt_bias;                         // [d_inner] or null
  float* y;                                     // [L, d_inner]
  int64_t L, d_inner;
  int n_state;
  int64_t x_stride, dt_stride, z_stride, B_stride, C_stride;  // row strides (elements); rows are contiguous
  bool dt_softplus;
};

__device__ __forceinline__ float softplus(float v) { return v > 20.f ? v : log1pf(expf(v)); }

template <typename T, int kPerLane>
__global__ void __launch_bounds__(kThreads) selective_scan_kernel(ScanArgs a, const T* x, const T* dt, const T* B,
                                                                  const T* C, const T* z) {
  extern __shared__ float smem[];
  float* s_delta = smem;                        // [kTile, kChannels]
  float* s_x = s_delta + kTile * kChannels;     // [kTile, kChannels]
  float* s_part = s_x + kTile * kChannels;      // [kTile, kChannels, kPartStride]: per-lane partial C . h
  float* s_B = s_part + kTile * kChannels * kPartStride;  // [kTile, N]
  float* s_C = s_B + kTile * a.n_state;         // [kTile, N]

  const int local = threadIdx.x / kLanes, lane = threadIdx.x % kLanes;
  const int64_t c0 = static_cast<int64_t>(blockIdx.x) * kChannels;
  const int64_t c = c0 + local;
  const bool active = c < a.d_inner;
  const int n0 = lane * kPerLane;

  // This lane's state entries and A (pre-scaled for exp2) stay in registers for the whole scan.
  float h[kPerLane], A2[kPerLane];
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const bool mine = active && n0 + i < a.n_state;
    h[i] = mine ? a.state[c * a.n_state + n0 + i] : 0.f;
    A2[i] = mine ? a.A[c * a.n_state + n0 + i] * kLog2e : 0.f;
  }

  for (int64_t t0 = 0; t0 < a.L; t0 += kTile) {
    const int steps = a.L - t0 < kTile ? static_cast<int>(a.L - t0) : kTile;
    __syncthreads();  // the previous tile's shared inputs and partials have been read
    for (int e = threadIdx.x; e < kTile * kChannels; e += kThreads) {
      const int tt = e / kChannels;
      const int64_t cc = c0 + e % kChannels;
      float delta = 0.f, xv = 0.f;
      if (tt < steps && cc < a.d_inner) {
        const int64_t t = t0 + tt;
        delta = static_cast<float>(dt[t * a.dt_stride + cc]);
        if (a.dt_bias) delta += a.dt_bias[cc];
        if (a.dt_softplus) delta = softplus(delta);
        xv = static_cast<float>(x[t * a.x_stride + cc]);
      }
      s_delta[e] = delta;
      s_x[e] = xv;
    }
    for (int e = threadIdx.x; e < kTile * a.n_state; e += kThreads) {
      const int tt = e / a.n_state, n = e % a.n_state;
      const bool in = tt < steps;
      s_B[e] = in ? static_cast<float>(B[(t0 + tt) * a.B_stride + n]) : 0.f;
      s_C[e] = in ? static_cast<float>(C[(t0 + tt) * a.C_stride + n]) : 0.f;
    }
    __syncthreads();

    // The sequential part: h advances one step per iteration; everything else of a step is independent of h.
#pragma unroll 4
    for (int tt = 0; tt < steps; ++tt) {
      const float delta = s_delta[tt * kChannels + local];
      const float dx = delta * s_x[tt * kChannels + local];
      const float* Bt = s_B + tt * a.n_state + n0;
      const float* Ct = s_C + tt * a.n_state + n0;
      float dot = 0.f;
#pragma unroll
      for (int i = 0; i < kPerLane; ++i) {
        if (n0 + i < a.n_state) {
          h[i] = exp2f(delta * A2[i]) * h[i] + dx * Bt[i];
          dot += h[i] * Ct[i];
        }
      }
      s_part[(tt * kChannels + local) * kPartStride + lane] = dot;
    }
    __syncthreads();

    // y[t, c] = sum of the lanes' partials + D x, gated; consecutive threads take consecutive channels.
    for (int e = threadIdx.x; e < kTile * kChannels; e += kThreads) {
      const int tt = e / kChannels;
      const int64_t cc = c0 + e % kChannels;
      if (tt >= steps || cc >= a.d_inner) continue;
      const float* part = s_part + e * kPartStride;
      float out = 0.f;
#pragma unroll
      for (int j = 0; j < kLanes; ++j) out += part[j];
      out += a.D[cc] * s_x[e];
      const int64_t t = t0 + tt;
      if (z) {
        const float zv = static_cast<float>(z[t * a.z_stride + cc]);
        out *= zv / (1.f + expf(-zv));
      }
      a.y[t * a.d_inner + cc] = out;
    }
  }

#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    if (active && n0 + i < a.n_state) a.state[c * a.n_state + n0 + i] = h[i];
  }
}

// The kernel reads rows through their stride; only a row whose elements are not adjacent needs a copy.
at::Tensor rows_contiguous(const at::Tensor& t) {
  if (!t.defined() || t.size(1) <= 1 || t.stride(1) == 1) return t;
  return t.contiguous();
}

template <typename T, int kPerLane>
void launch(const ScanArgs& a, const T* x, const T* dt, const T* B, const T* C, const T* z, cudaStream_t stream) {
  const auto n_blocks = static_cast<unsigned>((a.d_inner + kChannels - 1) / kChannels);
  const size_t smem = sizeof(float) * kTile * (kChannels * (2 + kPartStride) + 2 * static_cast<size_t>(a.n_state));
  selective_scan_kernel<T, kPerLane><<<n_blocks, kThreads, smem, stream>>>(a, x, dt, B, C, z);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

}  // namespace

at::Tensor selective_scan_cuda(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z,
                               const at::Tensor& dt_bias, bool dt_softplus) {
  check_selective_scan_args(x, dt, A, B, C, D, state, z, dt_bias);
  const int64_t L = x.size(0), d_inner = state.size(0), n_state = state.size(1);
  TORCH_CHECK(n_state <= kSelectiveScanMaxStateSize, "selective_scan_cuda: state size N = ", n_state, " exceeds ",
              kSelectiveScanMaxStateSize);
  const c10::cuda::CUDAGuard guard(state.device());
  const at::Tensor xc = rows_contiguous(x), dtc = rows_contiguous(dt), Bc = rows_contiguous(B);
  const at::Tensor Cc = rows_contiguous(C), zc = rows_contiguous(z);
  const at::Tensor Ac = A.contiguous(), Dc = D.contiguous();
  const at::Tensor biasc = dt_bias.defined() ? dt_bias.contiguous() : dt_bias;
  at::Tensor y = at::empty({L, d_inner}, state.options());  // [L, d_inner] float32
  if (L == 0 || d_inner == 0) return y;
  ScanArgs a{state.data_ptr<float>(),
             Ac.data_ptr<float>(),
             Dc.data_ptr<float>(),
             biasc.defined() ? biasc.data_ptr<float>() : nullptr,
             y.data_ptr<float>(),
             L,
             d_inner,
             static_cast<int>(n_state),
             xc.stride(0),
             dtc.stride(0),
             zc.defined() ? zc.stride(0) : 0,
             Bc.stride(0),
             Cc.stride(0),
             dt_softplus};
  const int per_lane = static_cast<int>((n_state + kLanes - 1) / kLanes);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "selective_scan_cuda", [&] {
    const scalar_t* zp = zc.defined() ? zc.data_ptr<scalar_t>() : nullptr;
    const auto run = [&](auto per_lane_constant) {
      launch<scalar_t, decltype(per_lane_constant)::value>(a, xc.data_ptr<scalar_t>(), dtc.data_ptr<scalar_t>(),
                                                           Bc.data_ptr<scalar_t>(), Cc.data_ptr<scalar_t>(), zp,
                                                           stream);
    };
    if (per_lane <= 1) {
      run(std::integral_constant<int, 1>{});
    } else if (per_lane <= 2) {
      run(std::integral_constant<int, 2>{});
    } else if (per_lane <= 4) {
      run(std::integral_constant<int, 4>{});
    } else {
      run(std::integral_constant<int, 8>{});
    }
  });
  return y;
}

}  // namespace rbench::runtime::kernels
