// Plain LibTorch causal conv decode step, the oracle of the CUDA kernel; see causal_conv1d_update.h.
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"

namespace rbench::runtime::kernels {

at::Tensor causal_conv1d_update_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, bool silu) {
  check_causal_conv1d_update_args(conv_state, x, weight, bias);
  const int64_t taps_kept = conv_state.size(1);                            // W-1
  at::Tensor window = at::cat({conv_state, x.unsqueeze(1)}, 1);           // [B, W, d]
  // out[b, d] = sum_k window[b, k, d] * weight[d, k]
  at::Tensor out = (window.to(at::kFloat) * weight.t().unsqueeze(0)).sum(1);  // [B, d]
  if (bias.defined()) out = out + bias;
  if (silu) out = at::silu(out);
  conv_state.copy_(window.narrow(1, 1, taps_kept));
  return out;
}

}  // namespace rbench::runtime::kernels
