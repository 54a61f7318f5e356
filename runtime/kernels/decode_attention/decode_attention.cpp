// Argument checks of the batched decode attention and the device dispatch (CUDA kernel or LibTorch reference);
// see decode_attention.h.
#include "runtime/kernels/decode_attention/decode_attention.h"

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

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("decode_attention: " + what); }

void expect(const at::Tensor& t, const char* name, const std::vector<int64_t>& shape, at::ScalarType dtype,
            const at::Device& device) {
  const std::string tensor = std::string("tensor '") + name + "': ";
  if (!t.defined()) fail(tensor + "missing (expected shape " + shape_text(shape) + ")");
  if (t.sizes() != at::IntArrayRef(shape)) {
    fail(tensor + "expected shape " + shape_text(shape) + ", got " + shape_text(t.sizes()));
  }
  if (t.scalar_type() != dtype) {
    fail(tensor + "expected dtype " + at::toString(dtype) + ", got " + at::toString(t.scalar_type()));
  }
  if (t.device() != device) fail(tensor + "expected device " + device.str() + ", got " + t.device().str());
}

}  // namespace

void check_decode_attention_args(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                                 const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p) {
  const int64_t Hq = p.n_heads, Hkv = p.n_kv_heads, dh = p.head_dim;
  if (Hq <= 0 || Hkv <= 0 || dh <= 0) {
    fail("params: n_heads, n_kv_heads and head_dim must be positive, got " + std::to_string(Hq) + ", " +
         std::to_string(Hkv) + ", " + std::to_string(dh));
  }
  if (Hq % Hkv != 0) {
    fail("params: n_heads " + std::to_string(Hq) + " is not a multiple of n_kv_heads " + std::to_string(Hkv));
  }
  if (p.differential && (Hq % 2 != 0 || Hkv % 2 != 0)) {
    fail("params: differential attention pairs heads, so n_heads and n_kv_heads must be even, got " +
         std::to_string(Hq) + " and " + std::to_string(Hkv));
  }
  if (!(p.scale > 0.0)) fail("params: scale must be positive, got " + std::to_string(p.scale));
  if (!q.defined() || q.dim() != 3) {
    fail("tensor 'q': expected [B, " + std::to_string(Hq) + ", " + std::to_string(dh) + "], got " +
         (q.defined() ? shape_text(q.sizes()) : std::string("undefined")));
  }
  const at::ScalarType dtype = q.scalar_type();
  if (dtype != at::kFloat && dtype != at::kBFloat16 && dtype != at::kHalf) {
    fail(std::string("tensor 'q': expected dtype float32, bfloat16 or float16, got ") + at::toString(dtype));
  }
  const at::Device device = q.device();
  const int64_t B = q.size(0);
  expect(q, "q", {B, Hq, dh}, dtype, device);
  if (!k_cache.defined() || k_cache.dim() != 4) {
    fail("tensor 'k_cache': expected [S, " + std::to_string(Hkv) + ", C, " + std::to_string(dh) + "], got " +
         (k_cache.defined() ? shape_text(k_cache.sizes()) : std::string("undefined")));
  }
  const int64_t S = k_cache.size(0), C = k_cache.size(2);
  expect(k_cache, "k_cache", {S, Hkv, C, dh}, dtype, device);
  expect(v_cache, "v_cache", {S, Hkv, C, dh}, dtype, device);
  if (C < 1) fail("tensor 'k_cache': capacity C must be at least 1, got shape " + shape_text(k_cache.sizes()));
  if (!k_cache.is_contiguous()) fail("tensor 'k_cache' must be contiguous");
  if (!v_cache.is_contiguous()) fail("tensor 'v_cache' must be contiguous");
  expect(slots, "slots", {B}, at::kLong, device);
  expect(lengths, "lengths", {B}, at::kLong, device);
  if (p.differential) {
    expect(p.subln, "subln", {2 * dh}, dtype, device);
  }
}

at::Tensor decode_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const at::Tensor& slots, const at::Tensor& lengths, const DecodeAttentionParams& p) {
#ifdef RBENCH_HAVE_CUDA
  // The kernel is specialised for the real models' head sizes; others (tiny test models) take the reference.
  if (q.is_cuda() && (p.head_dim == 64 || p.head_dim == 128)) {
    return decode_attention_cuda(q, k_cache, v_cache, slots, lengths, p);
  }
#endif
  return decode_attention_ref(q, k_cache, v_cache, slots, lengths, p);
}

}  // namespace rbench::runtime::kernels
