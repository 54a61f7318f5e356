// SambaY's batched decode step over a StatePool (Model::decode_step): one token for each of B sequences, the
// per-sequence forward's math with the state read and written in place through slot indices, so the step never
// synchronises with the host and can be captured in a CUDA graph. Each block is a fused op with a LibTorch
// reference (runtime/kernels/): the step's inputs (embedding rows and every cache's rows and lengths, one launch),
// the residual add with the next LayerNorm, the Mamba conv and state update, decode attention with the
// differential pairing over the shared K/V or the sliding-window ring, and the SiLU gates of the MLP and the GMU;
// the linears, with the LayerNorms and residual adds around them, go through DecodeStream
// (skinny fused kernels at small batch, cuBLAS at large).
#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/decode_attention/decode_attention.h"
#include "runtime/kernels/decode_step_inputs/decode_step_inputs.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/silu_gate/silu_gate.h"
#include "runtime/models/decode_stream.h"
#include "runtime/models/sambay_model.h"

namespace rbench::runtime {

namespace {

kernels::DecodeAttentionParams attention_params(const layers::AttentionWeights& w) {
  kernels::DecodeAttentionParams p;
  p.n_heads = w.n_heads;
  p.n_kv_heads = w.n_kv_heads;
  p.head_dim = w.head_dim;
  p.differential = w.differential;
  p.lambda = w.lambda;
  p.lambda_init = w.lambda_init;
  p.subln = w.subln;
  p.scale = 1.0 / std::sqrt(static_cast<double>(w.head_dim));
  return p;
}

// Mamba decode: in_proj (with the LayerNorm before it), conv step and selective state update on the slots' state,
// gate, out_proj into the stream. The memory layer also exports its scan output, rounded to the compute dtype
// before the gate (spec 4.4 step 8): the state update's own rounding at its store.
void mamba_step(DecodeStream& stream, const layers::LayerNormWeights& norm, const layers::MambaWeights& w,
                const PooledLayer& state, const at::Tensor& slots, at::Tensor* memory) {
  // Every input of the state update is a compute-dtype linear output (or a column slice of one), so it is handed over
  // as it is: the kernels widen to float32 on load and round their outputs to the compute dtype at the store, which
  // is what the per-sequence path's explicit conversions compute, minus their kernel launches. At small batch the
  // state update also computes the dt projection itself (one launch fewer; its output rounded as the linear's).
  const int64_t d_inner = w.D.size(0), N = w.A.size(1), R = w.dt_proj.size(1);
  const at::Tensor xz = stream.project_in(norm, w.in_proj, {}, kernels::SkinnyEpilogue::store);  // [B, 2 d_inner]
  const at::ScalarType cd = xz.scalar_type();
  const at::Tensor xs = xz.narrow(1, 0, d_inner), z = xz.narrow(1, d_inner, d_inner);
  at::Tensor conv = state.conv;
  const at::Tensor xc =
      kernels::causal_conv1d_update(conv, xs, w.conv_weight, w.conv_bias, true, slots, cd);  // [B, d_inner]
  const at::Tensor dbc = stream.linear(xc, w.x_proj);                                        // [B, R + 2N]
  const at::Tensor B = dbc.narrow(1, R, N), C = dbc.narrow(1, R + N, N);
  kernels::SelectiveStateUpdateFusion fusion;
  fusion.y_dtype = cd;
  at::Tensor dt = dbc.narrow(1, 0, R);  // [B, R], the low-rank input of dt_proj
  if (xc.size(0) <= kernels::kSelectiveStateUpdateFuseDtMaxBatch) {
    fusion.dt_proj_weight = w.dt_proj;
  } else {
    dt = stream.linear(dt, w.dt_proj);  // [B, d_inner]
  }
  at::Tensor ssm = state.ssm;
  if (memory) {
    *memory = kernels::selective_state_update(ssm, xc, dt, w.A, B, C, w.D, at::Tensor(), w.dt_bias, true, slots,
                                              fusion);  // [B, d_inner] in cd
    stream.project_out(kernels::silu_gate(z, *memory), w.out_proj);
    return;
  }
  const at::Tensor y = kernels::selective_state_update(ssm, xc, dt, w.A, B, C, w.D, z, w.dt_bias, true, slots, fusion);
  stream.project_out(y, w.out_proj);
}

// The layer's query projection; a layer with its own cache (append) also writes the new K/V rows into it, inside the
// projection. Then attention over the first lengths[b] rows of the cache and the output projection into the stream.
void attend_pooled(DecodeStream& stream, const layers::LayerNormWeights& norm, const layers::AttentionWeights& w,
                   const PooledLayer& cache, bool append, const at::Tensor& slots, const at::Tensor& rows,
                   const at::Tensor& lengths) {
  const int64_t dh = w.head_dim, Hq = w.n_heads;
  DecodeStream::Fused fused;
  if (append) fused.kv_append = {cache.k, cache.v, slots, rows, Hq * dh};
  const at::Tensor qkv = stream.project_in(norm, w.wqkv, w.bqkv, kernels::SkinnyEpilogue::store, fused);
  if (!append && qkv.size(1) != Hq * dh)
    throw std::logic_error("sambay: a cross-attention layer projects queries only");
  const int64_t B = qkv.size(0);
  const at::Tensor q = qkv.narrow(1, 0, Hq * dh).view({B, Hq, dh});
  const at::Tensor heads =
      kernels::decode_attention(q.contiguous(), cache.k, cache.v, slots, lengths, attention_params(w));
  stream.project_out(heads, w.out_w, w.out_b);
}

}  // namespace

// Cache rows and lengths of one step, shared by the layers: the full K/V takes row = position and holds
// position + 1 entries; a ring of `window` takes row = position % window and holds min(position + 1, window).
struct SambaYModel::StepRows {
  at::Tensor positions, lengths;
  std::map<int64_t, std::pair<at::Tensor, at::Tensor>> rings;  // window -> (rows, lengths)

  const std::pair<at::Tensor, at::Tensor>& ring(int64_t window) const { return rings.at(window); }
};

void SambaYModel::mix_pooled(const Layer& layer, std::size_t index, DecodeStream& stream, StatePool& pool,
                             const at::Tensor& slots, StepRows& rows, at::Tensor& memory) const {
  const layers::LayerNormWeights& norm = layer.norm1;
  switch (layer.kind) {
    case LayerKind::mamba: return mamba_step(stream, norm, layer.mamba, pool.layer(index), slots, nullptr);
    case LayerKind::mamba_memory: return mamba_step(stream, norm, layer.mamba, pool.layer(index), slots, &memory);
    case LayerKind::sliding_attention: {
      const auto& [ring_rows, ring_lengths] = rows.ring(pool.layer(index).window);
      return attend_pooled(stream, norm, layer.attn, pool.layer(index), true, slots, ring_rows, ring_lengths);
    }
    case LayerKind::full_attention:
      return attend_pooled(stream, norm, layer.attn, pool.layer(index), true, slots, rows.positions, rows.lengths);
    case LayerKind::cross_attention: {
      // The cross-decoder reads the K/V that the full-attention layer (the self-decoder's last) just extended.
      const auto shared = std::find(config_.kinds.begin(), config_.kinds.end(), LayerKind::full_attention);
      return attend_pooled(stream, norm, layer.attn, pool.layer(static_cast<std::size_t>(shared - config_.kinds.begin())),
                           false, slots, rows.positions, rows.lengths);
    }
    case LayerKind::gmu: {
      const at::Tensor gated =
          stream.project_in(norm, layer.gmu.in_proj, {}, kernels::SkinnyEpilogue::silu_gate_value, {memory});
      return stream.project_out(gated, layer.gmu.out_proj);
    }
    case LayerKind::causal_attention: break;  // a Transformer layer kind: SambaY configs never produce it
  }
  throw std::logic_error("sambay: unknown layer kind");
}

at::Tensor SambaYModel::decode_step(StatePool& pool, const at::Tensor& ids, const at::Tensor& slots,
                                    const at::Tensor& positions) {
  std::vector<int64_t> windows;  // of the sliding layers' rings, each once
  for (std::size_t i = 0; i < layers_.size(); ++i)
    if (layers_[i].kind == LayerKind::sliding_attention &&
        std::find(windows.begin(), windows.end(), pool.layer(i).window) == windows.end())
      windows.push_back(pool.layer(i).window);
  kernels::DecodeStepInputs in = kernels::decode_step_inputs(embed_, ids, positions, windows);
  DecodeStream stream(in.residual, config_.norm_eps);  // [B, D] float32 stream
  at::Tensor memory;                                   // [B, d_inner]
  StepRows rows{positions, in.lengths, {}};
  for (std::size_t w = 0; w < windows.size(); ++w) rows.rings[windows[w]] = {in.ring_rows[w], in.ring_lengths[w]};
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const Layer& layer = layers_[i];
    mix_pooled(layer, i, stream, pool, slots, rows, memory);
    const at::Tensor gated =
        stream.project_in(layer.norm2, layer.mlp.fc1, {}, kernels::SkinnyEpilogue::silu_gate_halves);  // [B, I]
    stream.project_out(gated, layer.mlp.fc2);
  }
  return stream.project_in(final_norm_, lm_head_, {}, kernels::SkinnyEpilogue::store_float);
}

}  // namespace rbench::runtime
