// Argument checks of the prefill selective scan and the device dispatch (CUDA kernel or LibTorch reference);
// see selective_scan.h.
#include "runtime/kernels/selective_scan/selective_scan.h"

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/kernels/tensor_checks.h"

namespace rbench::runtime::kernels {

namespace {

void expect(const at::Tensor& t, const char* name, const std::vector<int64_t>& shape, at::ScalarType dtype,
            const at::Device& device) {
  if (t.defined() && t.sizes() == at::IntArrayRef(shape) && t.scalar_type() == dtype && t.device() == device) return;
  std::ostringstream want;
  want << at::IntArrayRef(shape) << " " << at::toString(dtype) << " on " << device;
  throw std::invalid_argument(std::string("selective_scan: tensor '") + name + "': expected " + want.str() +
                              ", got " + describe_tensor(t));
}

}  // namespace

void check_selective_scan_args(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                               const at::Tensor& C, const at::Tensor& D, const at::Tensor& state, const at::Tensor& z,
                               const at::Tensor& dt_bias) {
  if (!state.defined() || state.dim() != 2 || state.scalar_type() != at::kFloat || !state.is_contiguous()) {
    throw std::invalid_argument("selective_scan: tensor 'state': expected a contiguous float32 [d_inner, N], got " +
                                describe_tensor(state));
  }
  if (!x.defined() || x.dim() != 2) {
    throw std::invalid_argument("selective_scan: tensor 'x': expected [L, d_inner], got " + describe_tensor(x));
  }
  const at::ScalarType io = x.scalar_type();  // x sets the dtype of dt, z, B, C
  if (io != at::kFloat && io != at::kBFloat16 && io != at::kHalf) {
    throw std::invalid_argument("selective_scan: tensor 'x': expected float32, bfloat16 or float16, got " +
                                describe_tensor(x));
  }
  const int64_t L = x.size(0), d_inner = state.size(0), n_state = state.size(1);
  const at::Device device = state.device();
  expect(x, "x", {L, d_inner}, io, device);
  expect(dt, "dt", {L, d_inner}, io, device);
  expect(B, "B", {L, n_state}, io, device);
  expect(C, "C", {L, n_state}, io, device);
  if (z.defined()) expect(z, "z", {L, d_inner}, io, device);
  expect(A, "A", {d_inner, n_state}, at::kFloat, device);
  expect(D, "D", {d_inner}, at::kFloat, device);
  if (dt_bias.defined()) expect(dt_bias, "dt_bias", {d_inner}, at::kFloat, device);
}

at::Tensor selective_scan(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                          const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z,
                          const at::Tensor& dt_bias, bool dt_softplus) {
#ifdef RBENCH_HAVE_CUDA
  if (state.is_cuda() && state.dim() == 2 && state.size(1) <= kSelectiveScanMaxStateSize) {
    return selective_scan_cuda(x, dt, A, B, C, D, state, z, dt_bias, dt_softplus);
  }
#endif
  return selective_scan_ref(x, dt, A, B, C, D, state, z, dt_bias, dt_softplus);
}

}  // namespace rbench::runtime::kernels
