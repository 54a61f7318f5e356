// The attention core of a fresh prompt chunk on the GPU: the L queries of a sequence's first chunk over its own L
// keys, causal and, for a sliding-window layer, limited to the last `window` positions. It runs LibTorch's
// FlashAttention-2 (at::_flash_attention_forward), which reads the grouped K/V heads as they are (no repeat), takes
// strided views of the fused QKV projection (no head is copied) and skips the blocks a window or the causal order
// hides instead of computing them under a mask. The masked SDPA core of attention.cpp stays the path for CPU,
// training, chunks that continue a sequence and shapes FlashAttention does not take; both compute the spec's math
// (differential pairing of attention.h included) and share its combine step.
#pragma once

#include <ATen/ATen.h>

#include "runtime/layers/attention.h"

namespace rbench::runtime::layers {

// Whether flash_self_attention takes this projection: CUDA, bfloat16 or float16, head_dim a multiple of 8 up to 256,
// more than one row, no gradient wanted.
bool flash_self_attention_applies(const at::Tensor& qkv, const AttentionWeights& w);

// qkv: [L, (Hq + 2 Hkv) dh], the fused projection of positions 0 .. L-1; window 0 = plain causal. Returns the heads
// [L, Hq dh] (pair i of a differential layer in columns [2 dh i, 2 dh (i + 1))), before out_proj.
at::Tensor flash_self_attention(const at::Tensor& qkv, const AttentionWeights& w, int64_t window);

}  // namespace rbench::runtime::layers
