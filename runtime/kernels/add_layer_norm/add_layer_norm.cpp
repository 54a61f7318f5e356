// Argument checks of the fused residual add + LayerNorm and the device dispatch (CUDA kernel or LibTorch reference);
// see add_layer_norm.h.
#include "runtime/kernels/add_layer_norm/add_layer_norm.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& expected, const at::Tensor& got) {
  throw std::invalid_argument(std::string("add_layer_norm: tensor '") + name + "': expected " + expected + ", got " +
                              describe_tensor(got));
}

bool is_float_type(at::ScalarType t) { return t == at::kFloat || t == at::kBFloat16 || t == at::kHalf; }

}  // namespace

void check_add_layer_norm_args(const at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                               const at::Tensor& bias, at::ScalarType out_dtype) {
  if (!residual.defined() || residual.dim() != 2 || residual.scalar_type() != at::kFloat ||
      !residual.is_contiguous()) {
    fail("residual", "a contiguous float32 [R, D]", residual);
  }
  if (!is_float_type(out_dtype)) {
    throw std::invalid_argument(std::string("add_layer_norm: out_dtype: expected float32, bfloat16 or float16, got ") +
                                at::toString(out_dtype));
  }
  const int64_t rows = residual.size(0), cols = residual.size(1);
  const std::string where = std::string(" on ") + residual.device().str();
  const auto same_place = [&](const at::Tensor& t) { return t.device() == residual.device(); };
  if (delta.defined() &&
      (delta.sizes() != residual.sizes() || !is_float_type(delta.scalar_type()) || !same_place(delta))) {
    fail("delta",
         std::string("[") + std::to_string(rows) + ", " + std::to_string(cols) + "] float32/bfloat16/float16" + where,
         delta);
  }
  const std::string vec = std::string("[") + std::to_string(cols) + "] " + at::toString(out_dtype) + where;
  if (!weight.defined() || weight.sizes() != at::IntArrayRef{cols} || weight.scalar_type() != out_dtype ||
      !same_place(weight)) {
    fail("weight", vec, weight);
  }
  if (bias.defined() &&
      (bias.sizes() != at::IntArrayRef{cols} || bias.scalar_type() != out_dtype || !same_place(bias))) {
    fail("bias", vec, bias);
  }
}

at::Tensor add_layer_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight,
                          const at::Tensor& bias, double eps, at::ScalarType out_dtype) {
#ifdef RBENCH_HAVE_CUDA
  if (residual.is_cuda() && residual.size(-1) <= kAddLayerNormMaxCols) {
    return add_layer_norm_cuda(residual, delta, weight, bias, eps, out_dtype);
  }
#endif
  return add_layer_norm_ref(residual, delta, weight, bias, eps, out_dtype);
}

}  // namespace rbench::runtime::kernels
