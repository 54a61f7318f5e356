// Argument checks of the causal conv decode step and the device dispatch (CUDA kernel or LibTorch reference);
// see causal_conv1d_update.h.
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"

#include <stdexcept>
#include <string>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

[[noreturn]] void fail(const char* name, const std::string& expected, const at::Tensor& got) {
  throw std::invalid_argument(std::string("causal_conv1d_update: tensor '") + name + "': expected " + expected +
                              ", got " + describe_tensor(got));
}

}  // namespace

void check_causal_conv1d_update_args(const at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                     const at::Tensor& bias, const at::Tensor& slots, at::ScalarType out_dtype) {
  if (!conv_state.defined() || conv_state.dim() != 3 || !conv_state.is_contiguous()) {
    fail("conv_state", "a contiguous [B, W-1, d]", conv_state);
  }
  const int64_t n_rows = conv_state.size(0), kept = conv_state.size(1), d = conv_state.size(2);
  const auto same_place = [&](const at::Tensor& t) { return t.device() == conv_state.device(); };
  int64_t n_seq = n_rows;  // without slots, state row b belongs to sequence b
  if (slots.defined()) {
    if (slots.dim() != 1 || slots.scalar_type() != at::kLong || !same_place(slots) || slots.size(0) > n_rows) {
      fail("slots", "int64 [B] with B <= " + std::to_string(n_rows) + " (state rows) on " + conv_state.device().str(),
           slots);
    }
    n_seq = slots.size(0);
  }
  if (!x.defined() || x.sizes() != at::IntArrayRef{n_seq, d} || x.scalar_type() != conv_state.scalar_type() ||
      !same_place(x)) {
    fail("x", "[B, d] like conv_state (" + describe_tensor(conv_state) + ")", x);
  }
  if (!weight.defined() || weight.sizes() != at::IntArrayRef{d, kept + 1} || weight.scalar_type() != at::kFloat ||
      !same_place(weight)) {
    fail("weight", "[d, W] = [" + std::to_string(d) + ", " + std::to_string(kept + 1) + "] float32", weight);
  }
  if (bias.defined() && (bias.sizes() != at::IntArrayRef{d} || bias.scalar_type() != at::kFloat || !same_place(bias))) {
    fail("bias", "[" + std::to_string(d) + "] float32", bias);
  }
  if (out_dtype != at::kFloat && out_dtype != x.scalar_type()) {
    throw std::invalid_argument(std::string("causal_conv1d_update: out_dtype: expected Float or x's dtype (") +
                                at::toString(x.scalar_type()) + "), got " + at::toString(out_dtype));
  }
}

at::Tensor causal_conv1d_update(at::Tensor& conv_state, const at::Tensor& x, const at::Tensor& weight,
                                const at::Tensor& bias, bool silu, const at::Tensor& slots, at::ScalarType out_dtype) {
#ifdef RBENCH_HAVE_CUDA
  if (conv_state.is_cuda() && conv_state.dim() == 3 && conv_state.size(1) + 1 <= kCausalConv1dUpdateMaxWidth) {
    return causal_conv1d_update_cuda(conv_state, x, weight, bias, silu, slots, out_dtype);
  }
#endif
  return causal_conv1d_update_ref(conv_state, x, weight, bias, silu, slots, out_dtype);
}

}  // namespace rbench::runtime::kernels
