// Mamba-1 mixer forward for a chunk of tokens or one token; see mamba_mixer.h.
#include "runtime/layers/mamba_mixer.h"

#include "runtime/kernels/causal_conv1d/causal_conv1d.h"
#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_scan/selective_scan.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"

namespace rbench::runtime::layers {

namespace {

// y [L, d_inner] float32 -> the gated output projection (and the memory export, before the gate).
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
  const int64_t N = w.A.size(1);
  const int64_t R = w.dt_proj.size(1);

  at::Tensor xz = at::linear(x, w.in_proj);                  // [L, 2 d_inner]
  at::Tensor xs = xz.narrow(1, 0, d_inner);                   // [L, d_inner]
  at::Tensor z = xz.narrow(1, d_inner, d_inner);              // [L, d_inner]

  if (L == 1) {
    // Decode: the conv step and the state update are single ops (fused CUDA kernels on the GPU), batch of one.
    at::Tensor conv_state = state.conv.unsqueeze(0);                                  // [1, d_conv-1, d_inner]
    at::Tensor xc =
        kernels::causal_conv1d_update(conv_state, xs, w.conv_weight, w.conv_bias, true).to(cd);  // [1, d_inner]
    at::Tensor dbc = at::linear(xc, w.x_proj).to(at::kFloat);                         // [1, R + 2N]
    at::Tensor dt = at::softplus(at::linear(dbc.narrow(1, 0, R).to(cd), w.dt_proj).to(at::kFloat) + w.dt_bias);
    at::Tensor ssm = state.ssm.unsqueeze(0);                                           // [1, d_inner, N]
    at::Tensor B = dbc.narrow(1, R, N).contiguous();                                  // [1, N]
    at::Tensor C = dbc.narrow(1, R + N, N).contiguous();                              // [1, N]
    at::Tensor y = kernels::selective_state_update(ssm, xc.to(at::kFloat), dt, w.A, B, C, w.D, at::Tensor(),
                                                   at::Tensor(), false);              // [1, d_inner] float32
    return finish(y, z, w, cd, export_memory);
  }

  // Causal depthwise conv over [previous d_conv-1 inputs, this chunk] + SiLU, in float32 (a CUDA kernel on the GPU).
  at::Tensor xc = kernels::causal_conv1d(state.conv, xs, w.conv_weight, w.conv_bias, true).to(cd);  // [L, d_inner]

  at::Tensor dbc = at::linear(xc, w.x_proj).to(at::kFloat);   // [L, R + 2N]
  at::Tensor delta = dbc.narrow(1, 0, R);                     // [L, R]
  at::Tensor B = dbc.narrow(1, R, N).contiguous();            // [L, N]
  at::Tensor C = dbc.narrow(1, R + N, N).contiguous();        // [L, N]
  at::Tensor dt = at::softplus(at::linear(delta.to(cd), w.dt_proj).to(at::kFloat) + w.dt_bias);  // [L, d_inner]
  at::Tensor xf = xc.to(at::kFloat);

  at::Tensor y = kernels::selective_scan(xf, dt, w.A, B, C, w.D, state.ssm);  // [L, d_inner] float32
  return finish(y, z, w, cd, export_memory);
}

}  // namespace rbench::runtime::layers
