// Plain LibTorch residual add + RMSNorm, the oracle of the CUDA kernel; see add_rms_norm.h.
#include "runtime/kernels/add_rms_norm/add_rms_norm.h"

namespace rbench::runtime::kernels {

at::Tensor add_rms_norm_ref(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps) {
  check_add_rms_norm_args(residual, delta, weight);
  if (delta.defined()) residual.add_(delta);  // float32 sum rounded once to the dtype, as `h + delta`
  const at::Tensor h = residual.to(at::kFloat);                                        // [R, D]
  const at::Tensor normed = h * at::rsqrt(h.pow(2).mean(-1, true) + eps);              // [R, D] float32
  return weight * normed.to(residual.scalar_type());                                   // [R, D]
}

}  // namespace rbench::runtime::kernels
