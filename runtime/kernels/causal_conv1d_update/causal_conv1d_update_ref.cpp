// Plain LibTorch causal conv decode step, the oracle of the CUDA kernel; see causal_conv1d_update.h.
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

namespace {

// Slots on the CPU can be checked cheaply (distinct, in range); on a device that would be a host read.
void check_slot_values(const at::Tensor& slots, int64_t n_rows) {
  if (!slots.defined() || !slots.device().is_cpu()) return;
  const at::Tensor sorted = std::get<0>(slots.sort());
  const auto* v = sorted.data_ptr<int64_t>();
  for (int64_t i = 0; i < sorted.numel(); ++i) {
    if (v[i] < 0 || v[i] >= n_rows || (i > 0 && v[i] == v[i - 1])) {
      throw std::invalid_argument("causal_conv1d_update: tensor 'slots': expected distinct values in [0, " +
                                  std::to_string(n_rows) + "), got " + std::to_string(v[i]) +
                                  (i > 0 && v[i] == v[i - 1] ? " twice" : ""));
    }
  }
}

}  // namespace

at::Tensor causal_conv1d_update_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, bool silu, const at::Tensor& slots) {
  check_causal_conv1d_update_args(conv_state, x, weight, bias, slots);
  check_slot_values(slots, conv_state.size(0));
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
  return out;
}

}  // namespace rbench::runtime::kernels
