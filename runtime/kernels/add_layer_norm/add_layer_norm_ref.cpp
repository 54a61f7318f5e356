// Plain LibTorch residual add + LayerNorm, the oracle of the CUDA kernel; see add_layer_norm.h.
#include "runtime/kernels/add_layer_norm/add_layer_norm.h"

namespace rbench::runtime::kernels {

at::Tensor add_layer_norm_ref(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                              const at::Tensor& bias, double eps, at::ScalarType out_dtype) {
  check_add_layer_norm_args(residual, delta, weight, bias, out_dtype);
  if (delta.defined()) residual.add_(delta.to(at::kFloat));
  return at::layer_norm(residual.to(out_dtype), {residual.size(1)}, weight, bias, eps);  // [R, D]
}

}  // namespace rbench::runtime::kernels
