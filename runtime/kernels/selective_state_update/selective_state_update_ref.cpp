// Plain LibTorch selective state update, the oracle of the CUDA kernel; see selective_state_update.h.
#include "runtime/kernels/selective_state_update/selective_state_update.h"

#include <stdexcept>
#include <string>

namespace rbench::runtime::kernels {

namespace {

// Slots on the CPU can be checked cheaply (distinct, in range); on a device that would be a host read.
void check_slot_values(const at::Tensor& slots, int64_t n_rows) {
  if (!slots.defined() || !slots.device().is_cpu()) return;
  const at::Tensor sorted = std::get<0>(slots.sort());
  const auto* v = sorted.data_ptr<int64_t>();
  for (int64_t i = 0; i < sorted.numel(); ++i) {
    if (v[i] < 0 || v[i] >= n_rows || (i > 0 && v[i] == v[i - 1])) {
      throw std::invalid_argument("selective_state_update: tensor 'slots': expected distinct values in [0, " +
                                  std::to_string(n_rows) + "), got " + std::to_string(v[i]) +
                                  (i > 0 && v[i] == v[i - 1] ? " twice" : ""));
    }
  }
}

}  // namespace

at::Tensor selective_state_update_ref(at::Tensor& state, const at::Tensor& x, const at::Tensor& dt,
                                      const at::Tensor& A, const at::Tensor& B, const at::Tensor& C,
                                      const at::Tensor& D, const at::Tensor& z, const at::Tensor& dt_bias,
                                      bool dt_softplus, const at::Tensor& slots) {
  check_selective_state_update_args(state, x, dt, A, B, C, D, z, dt_bias, slots);
  check_slot_values(slots, state.size(0));
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
