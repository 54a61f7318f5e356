// Plain LibTorch selective state update, the oracle of the CUDA kernel; see selective_state_update.h.
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/slot_checks.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

at::Tensor selective_state_update_ref(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                      const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                      const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                      bool dt_softplus, const at::Tensor& slots) {
  check_selective_state_update_args(state, x, dt, A, B, C, D, z, dt_bias, slots);
  check_slot_values("selective_state_update", slots, state.size(0));
  at::Tensor delta = dt.to(at::kFloat);                                        // [B, d]
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
  return y;
}

}  // namespace rbench::runtime::kernels
