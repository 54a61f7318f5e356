// Plain LibTorch causal conv decode step, the oracle of the CUDA kernel; see causal_conv1d_update.h.
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/slot_checks.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

at::Tensor causal_conv1d_update_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, bool silu, const at::Tensor& slots,
                                    at::ScalarType out_dtype) {
  check_causal_conv1d_update_args(conv_state, x, weight, bias, slots, out_dtype);
  check_slot_values("causal_conv1d_update", slots, conv_state.size(0));
  const int64_t taps_kept = conv_state.size(1);                            // W-1
  const at::Tensor kept = slots.defined() ? conv_state.index_select(0, slots) : conv_state;  // [B, W-1, d]
  at::Tensor window = at::cat({kept, x.unsqueeze(1)}, 1);                 // [B, W, d]
  // out[b, d] = sum_k window[b, k, d] * weight[d, k]
  at::Tensor out = (window.to(at::kFloat) * weight.t().unsqueeze(0)).sum(1);  // [B, d]
  if (bias.defined()) out = out + bias;
  if (silu) out = at::silu(out);
  if (slots.defined()) {
    conv_state.index_copy_(0, slots, window.narrow(1, 1, taps_kept));
  } else {
    conv_state.copy_(window.narrow(1, 1, taps_kept));
  }
  return out.to(out_dtype);  // round to nearest even from float32, as the kernel stores it
}

}  // namespace rbench::runtime::kernels
