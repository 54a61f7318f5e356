// Mamba-1 mixer forward for a chunk of tokens or one token of a sequence, and the batched sequence form; see
// mamba_mixer.h.
#include "runtime/layers/mamba_mixer.h"

#include "runtime/kernels/causal_conv1d/causal_conv1d.h"
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/silu_gate/silu_gate.h"
#include "runtime/layers/sequence_scan.h"

namespace rbench::runtime::layers {

namespace {

struct SsmInputs {
  at::Tensor dt, B, C;  // float32 [..., d_inner] (after softplus), [..., N], [..., N]
};

// xc [..., d_inner] (after the conv and SiLU) -> the scan's per-token step sizes and B, C projections.
SsmInputs ssm_inputs(const at::Tensor& xc, const MambaWeights& w, at::ScalarType cd) {
  const int64_t N = w.A.size(1), R = w.dt_proj.size(1);
  at::Tensor dbc = at::linear(xc, w.x_proj).to(at::kFloat);  // [..., R + 2N]
  at::Tensor delta = dbc.narrow(-1, 0, R);                   // [..., R]
  return {at::softplus(at::linear(delta.to(cd), w.dt_proj).to(at::kFloat) + w.dt_bias),
          dbc.narrow(-1, R, N).contiguous(), dbc.narrow(-1, R + N, N).contiguous()};
}

// y [..., d_inner] float32 -> the gated output projection (and the memory export, before the gate).
MambaOutput finish(at::Tensor y, const at::Tensor& z, const MambaWeights& w, at::ScalarType cd, bool export_memory) {
  MambaOutput result;
  at::Tensor gate = at::silu(z.to(at::kFloat));
  if (export_memory) {
    // The memory layer rounds y to the compute dtype before gating (spec 4.4 step 8).
    result.memory = y.to(cd);
    y = result.memory.to(at::kFloat);
  }
  result.out = at::linear((y * gate).to(cd), w.out_proj);    // [L, D]
  return result;
}

}  // namespace

MambaOutput mamba_mixer(const at::Tensor& x, const MambaWeights& w, MambaState& state, bool export_memory) {
  const at::ScalarType cd = x.scalar_type();
  const int64_t L = x.size(0);
  const int64_t d_inner = w.D.size(0);

  at::Tensor xz = at::linear(x, w.in_proj);                  // [L, 2 d_inner]
  at::Tensor xs = xz.narrow(1, 0, d_inner);                   // [L, d_inner]
  at::Tensor z = xz.narrow(1, d_inner, d_inner);              // [L, d_inner]

  if (L == 1) {
    // Decode: the conv step and the state update are single ops (fused CUDA kernels on the GPU), batch of one.
    at::Tensor conv_state = state.conv.unsqueeze(0);                                  // [1, d_conv-1, d_inner]
    at::Tensor xc =
        kernels::causal_conv1d_update(conv_state, xs, w.conv_weight, w.conv_bias, true).to(cd);  // [1, d_inner]
    auto [dt, B, C] = ssm_inputs(xc, w, cd);                                          // [1, d_inner], [1, N], [1, N]
    at::Tensor ssm = state.ssm.unsqueeze(0);                                           // [1, d_inner, N]
    at::Tensor y = kernels::selective_state_update(ssm, xc.to(at::kFloat), dt, w.A, B, C, w.D, at::Tensor(),
                                                   at::Tensor(), false);              // [1, d_inner] float32
    return finish(y, z, w, cd, export_memory);
  }

  // Prefill. Every kernel takes the compute-dtype projections as they come (column slices included) and widens them
  // on load; the conv and the scan compute in float32 and round their outputs once to the compute dtype, which is
  // where the float32 formulation (ssm_inputs and finish, kept for decode and training) rounds them too.
  const int64_t N = w.A.size(1), R = w.dt_proj.size(1);
  const at::Tensor xc = kernels::causal_conv1d(state.conv, xs, w.conv_weight, w.conv_bias, true);  // [L, d_inner]
  const at::Tensor dbc = at::linear(xc, w.x_proj);                                  // [L, R + 2N]
  const at::Tensor dt = at::linear(dbc.narrow(1, 0, R), w.dt_proj);                // [L, d_inner], before bias
  const at::Tensor B = dbc.narrow(1, R, N), C = dbc.narrow(1, R + N, N);           // [L, N] column slices
  MambaOutput result;
  if (export_memory) {
    // The memory layer's scan output, before the gate, is what the GMUs read (spec 4.4 step 8).
    result.memory = kernels::selective_scan(xc, dt, w.A, B, C, w.D, state.ssm, at::Tensor(), w.dt_bias, true);
    result.out = at::linear(kernels::silu_gate(z, result.memory), w.out_proj);     // [L, D]
  } else {
    const at::Tensor y = kernels::selective_scan(xc, dt, w.A, B, C, w.D, state.ssm, z, w.dt_bias, true);  // gated
    result.out = at::linear(y, w.out_proj);                                         // [L, D]
  }
  return result;
}

MambaOutput mamba_mixer_sequence(const at::Tensor& x, const MambaWeights& w, bool export_memory) {
  const at::ScalarType cd = x.scalar_type();
  const int64_t d_inner = w.D.size(0), d_conv = w.conv_weight.size(1);
  at::Tensor xz = at::linear(x, w.in_proj);                  // [B, T, 2 d_inner]
  at::Tensor xs = xz.narrow(2, 0, d_inner), z = xz.narrow(2, d_inner, d_inner);
  // Causal depthwise conv from a zero state: d_conv-1 zero columns in front, in float32.
  at::Tensor padded = at::constant_pad_nd(xs.to(at::kFloat).transpose(1, 2), {d_conv - 1, 0});  // [B, d_inner, d_conv-1+T]
  at::Tensor conv = at::conv1d(padded, w.conv_weight.unsqueeze(1), w.conv_bias, at::IntArrayRef{1}, at::IntArrayRef{0},
                               at::IntArrayRef{1}, d_inner);  // [B, d_inner, T]
  at::Tensor xc = at::silu(conv.transpose(1, 2)).to(cd);      // [B, T, d_inner]
  auto [dt, B, C] = ssm_inputs(xc, w, cd);
  return finish(selective_scan_sequence(xc.to(at::kFloat), dt, w.A, B, C, w.D), z, w, cd, export_memory);
}

}  // namespace rbench::runtime::layers
