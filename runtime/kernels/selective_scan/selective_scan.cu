// CUDA selective scan (Mamba-1 prefill of one sequence); the math and shapes are in selective_scan.h, the oracle is
// selective_scan_ref.cpp.
// Parallel over channels and state entries, sequential over time: a group of kLanes consecutive threads owns one
// channel, lane i holds the state entries [i * kPerLane, (i + 1) * kPerLane) in registers for the whole scan. A block
// of kChannels channels walks the sequence in tiles of kTile time steps, in three phases per tile:
//   stage:  the tile's dt' = softplus(dt + bias) and dt' x go to shared memory as one float2 per (step, channel), and
//           B, C as each lane's entries side by side (one vector load per step in the scan); the inputs arrive in the
//           compute dtype and are widened here, so no float32 copies exist outside the kernel;
//   scan:   the sequential loop reads a group of steps from shared memory into registers, advances h through them
//           (the one loop-carried dependency is an FMA per state entry; the exp does not depend on h) and leaves each
//           lane's partial C_t . h_t in shared memory;
//   finish: one thread per (step, channel) sums the kLanes partials, adds D x, gates by silu(z) and writes y once,
//           in the compute dtype.
// The global loads of the next tile are issued into registers before the scan of the current one, so their latency
// hides behind the sequential loop. Steps past L and channels past d_inner are staged as dt' = 0, B = C = 0, which
// leaves h exactly as it is (exp(0) h + 0), so the loops carry no bounds checks.
// Traffic: the inputs and y once, the state twice; the work is one exp and three FMAs per (step, channel, entry),
// which on the H100 (16 exp per cycle and SM) bounds a 2048 x 5120 x 16 scan at about 45 us.
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <type_traits>

#include "runtime/kernels/selective_scan/selective_scan.h"

namespace rbench::runtime::kernels {

namespace {

constexpr int kLanes = 8;                       // threads per channel (a power of two dividing 32)
constexpr int kChannels = 8;                    // channels per block: d_inner 5120 gives 640 small blocks, which
                                                // spread evenly over 132 SMs
constexpr int kThreads = kLanes * kChannels;    // 64
constexpr int kTile = 32;                       // time steps staged per pass through shared memory
constexpr int kRowsPerPass = kThreads / kChannels;   // steps covered by one pass of the threads over a tile
constexpr int kIoPerThread = kTile / kRowsPerPass;   // (step, channel) elements a thread stages and finishes: 4
constexpr int kMaxPerLane = 8;                  // state entries per lane: N <= kLanes * kMaxPerLane
static_assert(kLanes * kMaxPerLane == kSelectiveScanMaxStateSize, "the header's limit is this kernel's");
static_assert(kThreads % kChannels == 0 && kTile % kRowsPerPass == 0, "staging covers the tile exactly");
constexpr int kPartStride = kLanes + 1;         // partials of one (step, channel); the pad keeps the finishing pass
                                                // free of bank conflicts
constexpr float kLog2e = 1.4426950408889634f;

struct ScanArgs {
  float* state;                                 // [d_inner, N]
  const float* A;                               // [d_inner, N]
  const float* D;                               // [d_inner]
  const float* dt_bias;                         // [d_inner] or null
  int64_t L, d_inner;
  int n_state;
  int64_t x_stride, dt_stride, z_stride, B_stride, C_stride;  // row strides (elements); rows are contiguous
  bool dt_softplus;
};

template <typename T>
struct ScanPointers {
  const T *x, *dt, *B, *C, *z;                  // z may be null
  T* y;                                         // [L, d_inner] contiguous
};

__device__ __forceinline__ float softplus(float v) { return v > 20.f ? v : log1pf(__expf(v)); }

// 2^v on the special-function unit (relative error ~2^-22; results below 2^-126 flush to 0, which is what h's decay
// rounds to anyway).
__device__ __forceinline__ float exp2_approx(float v) {
  float r;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(v));
  return r;
}

// kCount consecutive floats of shared memory into registers with the widest aligned vector loads.
template <int kCount>
__device__ __forceinline__ void load_shared(float (&dst)[kCount], const float* src) {
  if constexpr (kCount % 4 == 0) {
#pragma unroll
    for (int i = 0; i < kCount / 4; ++i) {
      const float4 v = reinterpret_cast<const float4*>(src)[i];
      dst[4 * i] = v.x, dst[4 * i + 1] = v.y, dst[4 * i + 2] = v.z, dst[4 * i + 3] = v.w;
    }
  } else {
    static_assert(kCount % 2 == 0, "B and C entries come in pairs");
#pragma unroll
    for (int i = 0; i < kCount / 2; ++i) {
      const float2 v = reinterpret_cast<const float2*>(src)[i];
      dst[2 * i] = v.x, dst[2 * i + 1] = v.y;
    }
  }
}

// One tile's inputs as loaded from global memory, still in the compute dtype: this thread's kIoPerThread (step,
// channel) elements of dt, x, z and its share of the tile's B and C rows.
template <typename T, int kPerLane>
struct TileInputs {
  static constexpr int kEntries = kLanes * kPerLane;                 // padded N
  static constexpr int kBcPerThread = kTile * kEntries / kThreads;   // B (and C) values per thread
  T dt[kIoPerThread], x[kIoPerThread], z[kIoPerThread];
  T B[kBcPerThread], C[kBcPerThread];
};

template <typename T, int kPerLane>
__device__ __forceinline__ void load_tile(TileInputs<T, kPerLane>& in, const ScanArgs& a, const ScanPointers<T>& p,
                                          int64_t t0, int64_t c_io) {
  using Tile = TileInputs<T, kPerLane>;
  const T zero = T(0.f);
#pragma unroll
  for (int k = 0; k < kIoPerThread; ++k) {
    const int64_t t = t0 + threadIdx.x / kChannels + k * kRowsPerPass;
    const bool valid = t < a.L && c_io < a.d_inner;
    in.dt[k] = valid ? p.dt[t * a.dt_stride + c_io] : zero;
    in.x[k] = valid ? p.x[t * a.x_stride + c_io] : zero;
    in.z[k] = valid && p.z ? p.z[t * a.z_stride + c_io] : zero;
  }
#pragma unroll
  for (int k = 0; k < Tile::kBcPerThread; ++k) {
    const int f = threadIdx.x + k * kThreads;                        // over [kTile, kEntries]
    const int64_t t = t0 + f / Tile::kEntries;
    const int n = f % Tile::kEntries;
    const bool valid = t < a.L && n < a.n_state;
    in.B[k] = valid ? p.B[t * a.B_stride + n] : zero;
    in.C[k] = valid ? p.C[t * a.C_stride + n] : zero;
  }
}

template <typename T, int kPerLane>
__global__ void __launch_bounds__(kThreads) selective_scan_kernel(ScanArgs a, ScanPointers<T> p) {
  using Tile = TileInputs<T, kPerLane>;
  constexpr int kBc = 2 * kPerLane;                                   // a lane's B entries, then its C entries
  // Steps read into registers before any of them is advanced: enough to cover shared-memory latency, few enough to
  // keep the B and C values of the group in registers.
  constexpr int kGroup = kPerLane >= 4 ? 16 / kPerLane : 8;
  static_assert(kTile % kGroup == 0, "groups tile the tile");
  __shared__ float2 s_delta[kTile][kChannels];                        // (dt', dt' x)
  __shared__ __align__(16) float s_bc[kTile][kLanes][kBc];
  __shared__ float s_part[kTile * kChannels * kPartStride];           // per-lane partial C . h

  const int local = threadIdx.x / kLanes, lane = threadIdx.x % kLanes;
  const int64_t c0 = static_cast<int64_t>(blockIdx.x) * kChannels;
  const int64_t c = c0 + local;                                       // this thread's channel in the scan
  const int64_t c_io = c0 + threadIdx.x % kChannels;                  // its channel when staging and finishing
  const bool active = c < a.d_inner, active_io = c_io < a.d_inner;
  const int n0 = lane * kPerLane;

  // This lane's state entries and A (pre-scaled for exp2) stay in registers for the whole scan.
  float h[kPerLane], A2[kPerLane];
#pragma unroll
  for (int i = 0; i < kPerLane; ++i) {
    const bool mine = active && n0 + i < a.n_state;
    h[i] = mine ? a.state[c * a.n_state + n0 + i] : 0.f;
    A2[i] = mine ? a.A[c * a.n_state + n0 + i] * kLog2e : 0.f;
  }
  const float bias = active_io && a.dt_bias ? a.dt_bias[c_io] : 0.f;
  const float skip = active_io ? a.D[c_io] : 0.f;

  Tile next;
  load_tile(next, a, p, 0, c_io);
  for (int64_t t0 = 0; t0 < a.L; t0 += kTile) {
    // Stage: widen this tile's inputs into shared memory (the previous tile's scan is done: see the barrier before
    // its finishing pass), keeping x and z of this thread's elements for the finish.
    float x_io[kIoPerThread], z_io[kIoPerThread];
#pragma unroll
    for (int k = 0; k < kIoPerThread; ++k) {
      const int tt = threadIdx.x / kChannels + k * kRowsPerPass;
      const bool valid = t0 + tt < a.L && active_io;
      float delta = static_cast<float>(next.dt[k]) + bias;
      if (a.dt_softplus) delta = softplus(delta);
      if (!valid) delta = 0.f;                                        // padding: h stays as it is
      x_io[k] = static_cast<float>(next.x[k]);
      z_io[k] = static_cast<float>(next.z[k]);
      s_delta[tt][threadIdx.x % kChannels] = make_float2(delta, delta * x_io[k]);
    }
#pragma unroll
    for (int k = 0; k < Tile::kBcPerThread; ++k) {
      const int f = threadIdx.x + k * kThreads;
      const int tt = f / Tile::kEntries, n = f % Tile::kEntries;
      s_bc[tt][n / kPerLane][n % kPerLane] = static_cast<float>(next.B[k]);
      s_bc[tt][n / kPerLane][kPerLane + n % kPerLane] = static_cast<float>(next.C[k]);
    }
    __syncthreads();
    // The next tile's loads are in flight while this one is scanned.
    if (t0 + kTile < a.L) load_tile(next, a, p, t0 + kTile, c_io);

    // Scan: the sequential part. Padded steps (past L) advance h by exactly nothing.
    for (int g = 0; g < kTile; g += kGroup) {
      float2 delta[kGroup];
      float bc[kGroup][kBc];
#pragma unroll
      for (int s = 0; s < kGroup; ++s) {
        delta[s] = s_delta[g + s][local];
        load_shared(bc[s], &s_bc[g + s][lane][0]);
      }
      float part[kGroup];
#pragma unroll
      for (int s = 0; s < kGroup; ++s) {
        float dot = 0.f;
#pragma unroll
        for (int i = 0; i < kPerLane; ++i) {
          h[i] = fmaf(exp2_approx(delta[s].x * A2[i]), h[i], delta[s].y * bc[s][i]);
          dot = fmaf(h[i], bc[s][kPerLane + i], dot);
        }
        part[s] = dot;
      }
#pragma unroll
      for (int s = 0; s < kGroup; ++s) s_part[((g + s) * kChannels + local) * kPartStride + lane] = part[s];
    }
    __syncthreads();

    // Finish: y[t, c] = (sum of the lanes' partials + D x) * silu(z); consecutive threads take consecutive channels.
#pragma unroll
    for (int k = 0; k < kIoPerThread; ++k) {
      const int tt = threadIdx.x / kChannels + k * kRowsPerPass;
      const int64_t t = t0 + tt;
      if (t >= a.L || !active_io) continue;
      const float* part = s_part + (tt * kChannels + threadIdx.x % kChannels) * kPartStride;
      float out = skip * x_io[k];
#pragma unroll
      for (int j = 0; j < kLanes; ++j) out += part[j];
      if (p.z) out *= z_io[k] / (1.f + __expf(-z_io[k]));
      p.y[t * a.d_inner + c_io] = T(out);
    }
    // The next stage overwrites s_delta and s_bc, which every thread finished reading before the barrier above;
    // s_part is rewritten only after the next stage's barrier, when every thread has finished this pass.
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
void launch(const ScanArgs& a, const ScanPointers<T>& p, cudaStream_t stream) {
  const auto n_blocks = static_cast<unsigned>((a.d_inner + kChannels - 1) / kChannels);
  selective_scan_kernel<T, kPerLane><<<n_blocks, kThreads, 0, stream>>>(a, p);
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
  at::Tensor y = at::empty({L, d_inner}, x.options());  // [L, d_inner] in the compute dtype
  if (L == 0 || d_inner == 0) return y;
  const ScanArgs a{state.data_ptr<float>(),
                   Ac.data_ptr<float>(),
                   Dc.data_ptr<float>(),
                   biasc.defined() ? biasc.data_ptr<float>() : nullptr,
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
    const ScanPointers<scalar_t> p{xc.data_ptr<scalar_t>(), dtc.data_ptr<scalar_t>(), Bc.data_ptr<scalar_t>(),
                                   Cc.data_ptr<scalar_t>(), zc.defined() ? zc.data_ptr<scalar_t>() : nullptr,
                                   y.data_ptr<scalar_t>()};
    const auto run = [&](auto per_lane_constant) {
      launch<scalar_t, decltype(per_lane_constant)::value>(a, p, stream);
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
