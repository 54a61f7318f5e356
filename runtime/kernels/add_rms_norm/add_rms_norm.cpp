// Argument checks of the fused residual add + RMSNorm and the device dispatch (CUDA kernel or LibTorch reference);
// see add_rms_norm.h.
#include "runtime/kernels/add_rms_norm/add_rms_norm.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& expected, const at::Tensor& got) {
  throw std::invalid_argument(std::string("add_rms_norm: tensor '") + name + "': expected " + expected + ", got " +
                              describe_tensor(got));
}

bool is_float_type(at::ScalarType t) { return t == at::kFloat || t == at::kBFloat16 || t == at::kHalf; }

}  // namespace

void check_add_rms_norm_args(const at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight) {
  if (!residual.defined() || residual.dim() != 2 || !is_float_type(residual.scalar_type()) ||
      !residual.is_contiguous()) {
    fail("residual", "a contiguous float32/bfloat16/float16 [R, D]", residual);
  }
  const int64_t rows = residual.size(0), cols = residual.size(1);
  const std::string dtype_place =
      std::string(" ") + at::toString(residual.scalar_type()) + " on " + residual.device().str();
  const auto fits = [&](const at::Tensor& t) {
    return t.scalar_type() == residual.scalar_type() && t.device() == residual.device();
  };
  if (delta.defined() && (delta.sizes() != residual.sizes() || !fits(delta)))
    fail("delta", "[" + std::to_string(rows) + ", " + std::to_string(cols) + "]" + dtype_place, delta);
  if (!weight.defined() || weight.sizes() != at::IntArrayRef{cols} || !fits(weight))
    fail("weight", "[" + std::to_string(cols) + "]" + dtype_place, weight);
}

at::Tensor add_rms_norm(at::Tensor& residual, const at::Tensor& delta, const at::Tensor& weight, double eps) {
#ifdef RBENCH_HAVE_CUDA
  if (residual.is_cuda() && residual.size(-1) <= kAddRmsNormMaxCols)
    return add_rms_norm_cuda(residual, delta, weight, eps);
#endif
  return add_rms_norm_ref(residual, delta, weight, eps);
}

}  // namespace rbench::runtime::kernels
