// DecodeStream's two strategies; see decode_stream.h.
#include "runtime/models/decode_stream.h"

#include <stdexcept>
#include <utility>

#include "runtime/kernels/add_layer_norm/add_layer_norm.h"
#include "runtime/kernels/kv_cache_append/kv_cache_append.h"
#include "runtime/kernels/silu_gate/silu_gate.h"

namespace rbench::runtime {

using kernels::SkinnyEpilogue;

DecodeStream::DecodeStream(at::Tensor residual, double eps)
    : residual_(std::move(residual)), eps_(eps), skinny_(residual_.size(0) <= kernels::kSkinnyMaxRows) {}

at::Tensor DecodeStream::project_in(const layers::LayerNormWeights& norm, const at::Tensor& weight,
                                    const at::Tensor& bias, SkinnyEpilogue epilogue, const Fused& fused) {
  const kernels::SkinnyKvAppend& kv_append = fused.kv_append;
  if (kv_append.k_cache.defined() && epilogue != SkinnyEpilogue::store)
    throw std::logic_error("DecodeStream::project_in: the K/V append takes the store epilogue only");
  if (skinny_) {
    kernels::SkinnyLinearArgs a;
    a.x = residual_, a.weight = weight, a.bias = bias;
    a.norm.weight = norm.weight, a.norm.bias = norm.bias, a.norm.eps = eps_;
    a.epilogue = epilogue;
    a.value = fused.value;
    a.kv_append = kv_append;
    return kernels::skinny_linear(a);
  }
  const at::Tensor h = kernels::add_layer_norm(residual_, pending_, norm.weight, norm.bias, eps_, weight.scalar_type());
  pending_ = at::Tensor();
  const at::Tensor y = at::linear(h, weight, bias);
  switch (epilogue) {
    case SkinnyEpilogue::store:
      if (kv_append.k_cache.defined()) {
        const auto [k, v] = kernels::kv_columns(kv_append, y);
        at::Tensor k_cache = kv_append.k_cache, v_cache = kv_append.v_cache;
        kernels::kv_cache_append(k_cache, v_cache, k, v, kv_append.slots, kv_append.rows);
      }
      return y;
    case SkinnyEpilogue::store_float: return y.to(at::kFloat);
    case SkinnyEpilogue::silu_gate_halves: {
      const int64_t half = y.size(1) / 2;
      return kernels::silu_gate(y.narrow(1, 0, half), y.narrow(1, half, half));
    }
    case SkinnyEpilogue::silu_gate_value: return kernels::silu_gate(y, fused.value);
    case SkinnyEpilogue::add_to_residual: break;
  }
  throw std::logic_error("DecodeStream::project_in: a block's input projection cannot add to the stream");
}

void DecodeStream::project_out(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  if (skinny_) {
    kernels::SkinnyLinearArgs a;
    a.x = x, a.weight = weight, a.bias = bias;
    a.epilogue = SkinnyEpilogue::add_to_residual;
    a.residual = residual_;
    kernels::skinny_linear(a);
    return;
  }
  if (pending_.defined()) residual_.add_(pending_);  // two outputs in a row: fold the first in now
  pending_ = at::linear(x, weight, bias);
}

at::Tensor DecodeStream::linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) const {
  if (!skinny_) return at::linear(x, weight, bias);
  kernels::SkinnyLinearArgs a;
  a.x = x, a.weight = weight, a.bias = bias;
  return kernels::skinny_linear(a);
}

}  // namespace rbench::runtime
