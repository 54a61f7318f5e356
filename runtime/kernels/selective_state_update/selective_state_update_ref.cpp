// Plain LibTorch selective state update, the oracle of the CUDA kernel; see selective_state_update.h.
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/slot_checks.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

at::Tensor selective_state_update_ref(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                      const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                      const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                      bool dt_softplus, const at::Tensor& slots,
                                      const SelectiveStateUpdateFusion& fusion) {
  check_selective_state_update_args(state, x, dt, A, B, C, D, z, dt_bias, slots, fusion);
  check_slot_values("selective_state_update", slots, state.size(0));
  // The fused dt projection: [B, R] x [d, R]^T in float32, rounded to x's dtype as a stored linear output is.
  const at::Tensor dt_full =
      fusion.dt_proj_weight.defined()
          ? at::linear(dt.to(at::kFloat), fusion.dt_proj_weight.to(at::kFloat)).to(x.scalar_type())  // [B, d]
          : dt;
  at::Tensor delta = dt_full.to(at::kFloat);                                   // [B, d]
  if (dt_bias.defined()) delta = delta + dt_bias;
  if (dt_softplus) delta = at::softplus(delta);
  const at::Tensor xf = x.to(at::kFloat);                                      // [B, d]
  const at::Tensor decay = at::exp(delta.unsqueeze(-1) * A.unsqueeze(0));     // [B, d, N]
  const at::Tensor input = (delta * xf).unsqueeze(-1) * B.to(at::kFloat).unsqueeze(1);  // [B, d, N]
  // h [B, d, N]: the state rows of the B sequences (a gathered copy with slots, else the state itself).
  at::Tensor h = slots.defined() ? state.index_select(0, slots) : state;
  h.mul_(decay).add_(input);
  if (slots.defined()) state.index_copy_(0, slots, h);
  // y[b, d] = sum_n h[b, d, n] C[b, n]
  at::Tensor y = at::bmm(h, C.to(at::kFloat).unsqueeze(-1)).squeeze(-1) + xf * D;  // [B, d]
  if (z.defined()) y = y * at::silu(z.to(at::kFloat));
  return y.to(fusion.y_dtype);  // round to nearest even from float32, as the kernel stores it
}

}  // namespace rbench::runtime::kernels
