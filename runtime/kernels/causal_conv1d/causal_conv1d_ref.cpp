// Plain LibTorch prefill causal conv (at::conv1d over the padded window), the oracle of the CUDA kernel;
// see causal_conv1d.h.
#include "runtime/kernels/causal_conv1d/causal_conv1d.h"

namespace rbench::runtime::kernels {

at::Tensor causal_conv1d_ref(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                             const at::Tensor& bias, bool silu) {
  check_causal_conv1d_args(conv_state, x, weight, bias);
  const int64_t L = x.size(0), kept = conv_state.size(0), d = conv_state.size(1);
  if (L == 0) return at::empty({0, d}, x.options());                        // nothing new: the state stays
  const at::Tensor padded = at::cat({conv_state, x}, 0);                   // [W-1+L, d]
  conv_state.copy_(padded.narrow(0, L, kept));
  const at::Tensor conv = at::conv1d(padded.to(at::kFloat).t().unsqueeze(0),  // [1, d, W-1+L]
                                     weight.unsqueeze(1), bias, at::IntArrayRef{1}, at::IntArrayRef{0},
                                     at::IntArrayRef{1}, d);                  // [1, d, L]
  at::Tensor out = conv.squeeze(0).t();                                      // [L, d]
  if (silu) out = at::silu(out);
  return out.to(x.scalar_type()).contiguous();                               // rounded once to x's dtype
}

}  // namespace rbench::runtime::kernels
