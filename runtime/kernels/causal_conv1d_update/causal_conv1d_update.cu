// CUDA causal conv decode step; the math and shapes are in causal_conv1d_update.h, the oracle is
// causal_conv1d_update_ref.cpp. One thread per (sequence, channel): it reads the W-1 kept inputs and x, writes the
// output and the shifted state. Neighbouring threads take neighbouring channels, so every access is coalesced;
// the step moves 2 * B * (W-1) * d state elements and is bound by that traffic. With slots, sequence b uses state row
// slots[b], read on the device (no host sync: the launch can be captured in a CUDA graph). x is read through its row
// stride (a column slice of in_proj's output needs no copy), and the output is stored as float32 or rounded to x's
// dtype by the store itself (the decode step's separate .to(dtype) launch folded in).
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <type_traits>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;
constexpr int kMaxWidth = static_cast<int>(kCausalConv1dUpdateMaxWidth);  // taps per thread; Mamba uses 4

// T: the state's and x's dtype; Out: float or T (one conversion, round to nearest even, at the store).
template <typename T, typename Out>
__global__ void causal_conv1d_update_kernel(T* state, const int64_t* slots, int64_t n_state_rows, const T* x,
                                            int64_t x_row_stride, const float* weight, const float* bias, Out* out,
                                            int64_t n_seq, int64_t d, int width, bool silu) {
  allow_next_kernels();
  wait_for_previous_kernels();  // x and the state come from earlier kernels of the step
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;  // b * d + channel
  if (i >= n_seq * d) return;
  const int64_t b = i / d, c = i % d;
  const int64_t slot = slots ? slots[b] : b;
  if (slot < 0 || slot >= n_state_rows) {  // a bad slot cannot throw here; see the header
    out[i] = static_cast<Out>(__int_as_float(0x7fc00000));
    return;
  }
  T* s = state + slot * (width - 1) * d + c;  // tap k of this channel at s[k * d]
  T window[kMaxWidth];
  for (int k = 0; k < width - 1; ++k) window[k] = s[k * d];
  window[width - 1] = x[b * x_row_stride + c];
  float acc = bias ? bias[c] : 0.f;
  const float* w = weight + c * width;
  for (int k = 0; k < width; ++k) acc += static_cast<float>(window[k]) * w[k];
  if (silu) acc = acc / (1.f + expf(-acc));
  out[i] = static_cast<Out>(acc);
  for (int k = 0; k < width - 1; ++k) s[k * d] = window[k + 1];
}

}  // namespace

at::Tensor causal_conv1d_update_cuda(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                     const at::Tensor& bias, bool silu, const at::Tensor& slots,
                                     at::ScalarType out_dtype) {
  check_causal_conv1d_update_args(conv_state, x, weight, bias, slots, out_dtype);
  const int64_t n_seq = x.size(0), d = conv_state.size(2);
  const int width = static_cast<int>(conv_state.size(1)) + 1;
  TORCH_CHECK(width <= kMaxWidth, "causal_conv1d_update_cuda: conv width ", width, " exceeds ", kMaxWidth);
  const c10::cuda::CUDAGuard guard(conv_state.device());
  // Rows of x may be strided (a slice of the in_proj output); only the elements of a row must be adjacent.
  const at::Tensor xr = (x.size(1) <= 1 || x.stride(1) == 1) ? x : x.contiguous();
  const at::Tensor wc = weight.contiguous();
  const at::Tensor bc = bias.defined() ? bias.contiguous() : bias;
  const at::Tensor slotsc = slots.defined() ? slots.contiguous() : slots;
  at::Tensor out = at::empty({n_seq, d}, x.options().dtype(out_dtype));  // [B, d]
  if (n_seq * d == 0) return out;
  const auto n_blocks = static_cast<unsigned>((n_seq * d + kThreads - 1) / kThreads);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "causal_conv1d_update_cuda", [&] {
    const auto launch = [&](auto* out_ptr) {
      launch_dependent(
          causal_conv1d_update_kernel<scalar_t, std::remove_pointer_t<decltype(out_ptr)>>, dim3(n_blocks),
          dim3(kThreads), 0, stream, conv_state.data_ptr<scalar_t>(), slotsc.defined() ? slotsc.data_ptr<int64_t>() : nullptr,
          conv_state.size(0), xr.data_ptr<scalar_t>(), xr.stride(0), wc.data_ptr<float>(),
          bc.defined() ? bc.data_ptr<float>() : nullptr, out_ptr, n_seq, d, width, silu);
    };
    if (out_dtype == at::kFloat) {
      launch(out.data_ptr<float>());
    } else {
      launch(out.data_ptr<scalar_t>());  // out_dtype is x's dtype (checked above)
    }
  });
  return out;
}

}  // namespace rbench::runtime::kernels
