// The float32 residual stream of one batched decode step and the linears that read and write it, in one of two
// strategies picked by the batch size:
//   - few rows (B <= kernels::kSkinnyMaxRows): each linear is one skinny_linear launch with the LayerNorm before it
//     and the residual add, SiLU gate or K/V append after it fused in; the weights stream at close to the copy
//     bandwidth.
//   - more rows: cuBLAS matrix products, the block's output held back and added by the next LayerNorm
//     (kernels::add_layer_norm), the gates by kernels::silu_gate, the K/V rows by kernels::kv_cache_append.
// Both compute the per-sequence forward's math with its roundings, so a model's decode step is written once.
#pragma once

#include <ATen/ATen.h>

#include "runtime/kernels/skinny_linear/skinny_linear.h"
#include "runtime/layers/dense.h"

namespace rbench::runtime {

class DecodeStream {
 public:
  // residual: [B, D] float32, the embeddings of this step's tokens; eps of every LayerNorm.
  DecodeStream(at::Tensor residual, double eps);

  // What a block's input projection does besides its epilogue.
  struct Fused {
    at::Tensor value;                      // SkinnyEpilogue::silu_gate_value's second operand
    kernels::SkinnyKvAppend kv_append;     // store: the output's K/V columns also go into the caches
  };

  // epilogue(layer_norm(stream) · Wᵀ + b): a block's input projection. The K/V append is fused into the skinny
  // kernel, or runs as kv_cache_append after the matrix product.
  at::Tensor project_in(const layers::LayerNormWeights& norm, const at::Tensor& weight, const at::Tensor& bias,
                        kernels::SkinnyEpilogue epilogue, const Fused& fused = {});

  // stream += x · Wᵀ + b (rounded to the compute dtype first): a block's output projection.
  void project_out(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias = {});

  // x · Wᵀ + b inside a block.
  at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias = {}) const;


 private:
  at::Tensor residual_;  // [B, D] float32
  at::Tensor pending_;   // the last block's output not yet added (the cuBLAS strategy)
  double eps_;
  bool skinny_;
};

}  // namespace rbench::runtime
