// Argument checks of the selective state update and the device dispatch (CUDA kernel or LibTorch reference);
// see selective_state_update.h.
#include "runtime/kernels/selective_state_update/selective_state_update.h"

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rbench::runtime::kernels {

namespace {

std::string shape_text(at::IntArrayRef shape) {
  std::ostringstream s;
  s << shape;
  return s.str();
}

void expect(const at::Tensor& t, const char* name, std::vector<int64_t> shape, const at::Tensor& like,
            bool float32) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(std::string("selective_state_update: tensor '") + name + "': " + what);
  };
  if (!t.defined()) fail("missing");
  if (t.sizes() != at::IntArrayRef(shape)) {
    fail("expected shape " + shape_text(shape) + ", got " + shape_text(t.sizes()));
  }
  const at::ScalarType want = float32 ? at::kFloat : like.scalar_type();
  if (t.scalar_type() != want) {
    fail(std::string("expected dtype ") + at::toString(want) + ", got " + at::toString(t.scalar_type()));
  }
  if (t.device() != like.device()) fail("expected device " + like.device().str() + ", got " + t.device().str());
}

}  // namespace

void check_selective_state_update_args(const at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                       const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                       const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                       const at::Tensor& slots, const SelectiveStateUpdateFusion& fusion) {
  if (!state.defined() || state.dim() != 3) {
    throw std::invalid_argument("selective_state_update: tensor 'state': expected [B, d_inner, N], got " +
                                (state.defined() ? shape_text(state.sizes()) : std::string("undefined")));
  }
  const int64_t n_rows = state.size(0), d_inner = state.size(1), n_state = state.size(2);
  expect(state, "state", {n_rows, d_inner, n_state}, state, true);
  if (!state.is_contiguous()) throw std::invalid_argument("selective_state_update: tensor 'state' must be contiguous");
  int64_t n_seq = n_rows;  // without slots, state row b belongs to sequence b
  if (slots.defined()) {
    if (slots.dim() != 1 || slots.scalar_type() != at::kLong || slots.device() != state.device() ||
        slots.size(0) > n_rows) {
      throw std::invalid_argument("selective_state_update: tensor 'slots': expected int64 [B] with B <= " +
                                  std::to_string(n_rows) + " (state rows) on " + state.device().str() + ", got " +
                                  shape_text(slots.sizes()) + " " + at::toString(slots.scalar_type()) + " on " +
                                  slots.device().str());
    }
    n_seq = slots.size(0);
  }
  expect(x, "x", {n_seq, d_inner}, x, false);  // x may be float32, bfloat16 or float16; it sets the others' dtype
  if (x.device() != state.device()) {
    throw std::invalid_argument("selective_state_update: tensor 'x': expected device " + state.device().str() +
                                ", got " + x.device().str());
  }
  const at::Tensor& io = x;  // x sets the dtype of dt, z, B, C
  const auto same = [&](const at::Tensor& t, const char* name, std::vector<int64_t> shape) {
    expect(t, name, std::move(shape), io, false);
  };
  const at::Tensor& dt_proj = fusion.dt_proj_weight;
  if (dt_proj.defined()) {
    if (dt_proj.dim() != 2 || dt_proj.size(1) < 1 || dt_proj.size(1) > kSelectiveStateUpdateMaxDtRank) {
      throw std::invalid_argument("selective_state_update: tensor 'dt_proj_weight': expected [d_inner, R] = [" +
                                  std::to_string(d_inner) + ", R] with 1 <= R <= " +
                                  std::to_string(kSelectiveStateUpdateMaxDtRank) + ", got " +
                                  shape_text(dt_proj.sizes()));
    }
    const int64_t rank = dt_proj.size(1);
    same(dt_proj, "dt_proj_weight", {d_inner, rank});
    same(dt, "dt", {n_seq, rank});  // the low-rank input of the fused dt projection
  } else {
    same(dt, "dt", {n_seq, d_inner});
  }
  same(B, "B", {n_seq, n_state});
  same(C, "C", {n_seq, n_state});
  if (z.defined()) same(z, "z", {n_seq, d_inner});
  expect(A, "A", {d_inner, n_state}, state, true);
  expect(D, "D", {d_inner}, state, true);
  if (dt_bias.defined()) expect(dt_bias, "dt_bias", {d_inner}, state, true);
  if (fusion.y_dtype != at::kFloat && fusion.y_dtype != x.scalar_type()) {
    throw std::invalid_argument(std::string("selective_state_update: y_dtype: expected Float or x's dtype (") +
                                at::toString(x.scalar_type()) + "), got " + at::toString(fusion.y_dtype));
  }
}

at::Tensor selective_state_update(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A,
                                  const at::Tensor& B, const at::Tensor& C, const at::Tensor& D, const at::Tensor& z,
                                  const at::Tensor& dt_bias, bool dt_softplus, const at::Tensor& slots,
                                  const SelectiveStateUpdateFusion& fusion) {
#ifdef RBENCH_HAVE_CUDA
  if (state.is_cuda()) {
    return selective_state_update_cuda(state, x, dt, A, B, C, D, z, dt_bias, dt_softplus, slots, fusion);
  }
#endif
  return selective_state_update_ref(state, x, dt, A, B, C, D, z, dt_bias, dt_softplus, slots, fusion);
}

}  // namespace rbench::runtime::kernels
