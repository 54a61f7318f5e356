// Argument checks of the prefill causal conv and the device dispatch (CUDA kernel or LibTorch reference);
// see causal_conv1d.h.
#include "runtime/kernels/causal_conv1d/causal_conv1d.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& expected, const at::Tensor& got) {
  throw std::invalid_argument(std::string("causal_conv1d: tensor '") + name + "': expected " + expected + ", got " +
                              describe_tensor(got));
}

}  // namespace

void check_causal_conv1d_args(const at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                              const at::Tensor& bias) {
  if (!conv_state.defined() || conv_state.dim() != 2 || !conv_state.is_contiguous()) {
    fail("conv_state", "a contiguous [W-1, d]", conv_state);
  }
  const at::ScalarType io = conv_state.scalar_type();
  if (io != at::kFloat && io != at::kBFloat16 && io != at::kHalf) {
    fail("conv_state", "float32, bfloat16 or float16", conv_state);
  }
  const int64_t kept = conv_state.size(0), d = conv_state.size(1);
  const auto same_place = [&](const at::Tensor& t) { return t.device() == conv_state.device(); };
  if (!x.defined() || x.dim() != 2 || x.size(1) != d || x.scalar_type() != io || !same_place(x)) {
    fail("x", "[L, " + std::to_string(d) + "] like conv_state (" + describe_tensor(conv_state) + ")", x);
  }
  if (!weight.defined() || weight.sizes() != at::IntArrayRef{d, kept + 1} || weight.scalar_type() != at::kFloat ||
      !same_place(weight)) {
    fail("weight", "[d, W] = [" + std::to_string(d) + ", " + std::to_string(kept + 1) + "] float32", weight);
  }
  if (bias.defined() && (bias.sizes() != at::IntArrayRef{d} || bias.scalar_type() != at::kFloat || !same_place(bias))) {
    fail("bias", "[" + std::to_string(d) + "] float32", bias);
  }
}

at::Tensor causal_conv1d(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                         const at::Tensor& bias, bool silu) {
#ifdef RBENCH_HAVE_CUDA
  if (conv_state.is_cuda() && conv_state.dim() == 2 && conv_state.size(0) + 1 <= kCausalConv1dMaxWidth) {
    return causal_conv1d_cuda(conv_state, x, weight, bias, silu);
  }
#endif
  return causal_conv1d_ref(conv_state, x, weight, bias, silu);
}

}  // namespace rbench::runtime::kernels
