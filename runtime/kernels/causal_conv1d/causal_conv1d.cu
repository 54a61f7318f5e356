// CUDA prefill causal conv; the math and shapes are in causal_conv1d.h, the oracle is causal_conv1d_ref.cpp.
// One thread per (channel, run of kSteps time steps): it loads the W-1 inputs before its run (from conv_state or x),
// then slides a register window down the run, one new input per output. Neighbouring threads take neighbouring
// channels, so every load and store is coalesced; x is read (1 + (W-1)/kSteps) times, the output (computed in
// float32, rounded to x's dtype) written once. The state update is race-free in place: only the first run of a
// channel reads conv_state (kSteps >= W-1), and that same thread writes the new state after its reads.
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "runtime/kernels/causal_conv1d/causal_conv1d.h"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 128;   // channels per block
constexpr int kSteps = 32;      // time steps per thread
constexpr int kMaxWidth = static_cast<int>(kCausalConv1dMaxWidth);  // taps held in registers; Mamba uses 4
static_assert(kSteps >= kMaxWidth - 1, "only the first run of a channel may read conv_state");

struct ConvArgs {
  const float* weight;          // [d, W]
  const float* bias;            // [d] or null
  int64_t L, d, x_stride;
  int width;
  bool silu;
};

// Input p of the padded sequence [conv_state ; x] for channel c.
template <typename T>
__device__ __forceinline__ float padded_input(const T* state, const T* x, const ConvArgs& a, int64_t p, int64_t c) {
  const int kept = a.width - 1;
  return static_cast<float>(p < kept ? state[p * a.d + c] : x[(p - kept) * a.x_stride + c]);
}

template <typename T>
__global__ void __launch_bounds__(kThreads) causal_conv1d_kernel(ConvArgs a, T* state, const T* x, T* out) {
  const int64_t c = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  const int64_t t0 = static_cast<int64_t>(blockIdx.y) * kSteps;
  if (c >= a.d) return;
  // The window is right-aligned in kMaxWidth registers (index kMaxWidth-1 = the newest input), so every index is a
  // compile-time constant after unrolling; the unused leading taps carry weight 0.
  const int lead = kMaxWidth - a.width;
  float w[kMaxWidth], win[kMaxWidth];
#pragma unroll
  for (int j = 0; j < kMaxWidth; ++j) {
    w[j] = j >= lead ? a.weight[c * a.width + (j - lead)] : 0.f;
    win[j] = 0.f;
  }
  // The W-1 inputs before t0: padded positions t0 .. t0+W-2.
#pragma unroll
  for (int j = 0; j < kMaxWidth - 1; ++j) {
    if (j >= lead) win[j] = padded_input(state, x, a, t0 + (j - lead), c);
  }
  const float b = a.bias ? a.bias[c] : 0.f;
  const int64_t end = t0 + kSteps < a.L ? t0 + kSteps : a.L;
  for (int64_t t = t0; t < end; ++t) {
    win[kMaxWidth - 1] = static_cast<float>(x[t * a.x_stride + c]);
    float acc = b;
#pragma unroll
    for (int j = 0; j < kMaxWidth; ++j) acc += win[j] * w[j];
    if (a.silu) acc = acc / (1.f + expf(-acc));
    out[t * a.d + c] = T(acc);
#pragma unroll
    for (int j = 0; j < kMaxWidth - 1; ++j) {
      if (j >= lead) win[j] = win[j + 1];  // the unused taps stay 0 (0 * inf would be NaN)
    }
  }
  if (blockIdx.y != 0) return;
  // New state: padded positions L .. L+W-2. Ascending order is safe in place: slot k reads position L+k >= k.
  const int kept = a.width - 1;
  for (int k = 0; k < kept; ++k) {
    const int64_t p = a.L + k;
    state[k * a.d + c] = p < kept ? state[p * a.d + c] : x[(p - kept) * a.x_stride + c];
  }
}

}  // namespace

at::Tensor causal_conv1d_cuda(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                              const at::Tensor& bias, bool silu) {
  check_causal_conv1d_args(conv_state, x, weight, bias);
  const int64_t L = x.size(0), d = conv_state.size(1);
  const int width = static_cast<int>(conv_state.size(0)) + 1;
  TORCH_CHECK(width <= kMaxWidth, "causal_conv1d_cuda: conv width ", width, " exceeds ", kMaxWidth);
  TORCH_CHECK((L + kSteps - 1) / kSteps <= 65535, "causal_conv1d_cuda: chunk of ", L, " tokens exceeds ",
              65535 * kSteps);
  const c10::cuda::CUDAGuard guard(conv_state.device());
  const at::Tensor xc = (x.size(1) <= 1 || x.stride(1) == 1) ? x : x.contiguous();  // rows contiguous
  const at::Tensor wc = weight.contiguous();
  const at::Tensor bc = bias.defined() ? bias.contiguous() : bias;
  at::Tensor out = at::empty({L, d}, x.options());  // [L, d] in x's dtype
  if (L == 0 || d == 0) return out;
  const ConvArgs a{wc.data_ptr<float>(), bc.defined() ? bc.data_ptr<float>() : nullptr, L, d, xc.stride(0), width,
                   silu};
  const dim3 grid(static_cast<unsigned>((d + kThreads - 1) / kThreads),
                  static_cast<unsigned>((L + kSteps - 1) / kSteps));  // (channel blocks, runs of kSteps)
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "causal_conv1d_cuda", [&] {
    causal_conv1d_kernel<scalar_t><<<grid, kThreads, 0, stream>>>(a, conv_state.data_ptr<scalar_t>(),
                                                                   xc.data_ptr<scalar_t>(), out.data_ptr<scalar_t>());
    C10_CUDA_KERNEL_LAUNCH_CHECK();
  });
  return out;
}

}  // namespace rbench::runtime::kernels
