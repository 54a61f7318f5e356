// Plain LibTorch selective scan (loop over time in blocks); see selective_scan.h.
#include "runtime/kernels/selective_scan/selective_scan.h"

#include <vector>

namespace rbench::runtime::kernels {

namespace {
constexpr int64_t kBlock = 64;  // time steps whose [T, d_inner, N] decay/input terms are materialised at once
}

at::Tensor selective_scan_ref(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& B,
                              const at::Tensor& C, const at::Tensor& D, at::Tensor& state, const at::Tensor& z,
                              const at::Tensor& dt_bias, bool dt_softplus) {
  check_selective_scan_args(x, dt, A, B, C, D, state, z, dt_bias);
  const int64_t L = x.size(0);
  at::Tensor delta = dt.to(at::kFloat);                                        // [L, d]
  if (dt_bias.defined()) delta = delta + dt_bias;
  if (dt_softplus) delta = at::softplus(delta);
  const at::Tensor xf = x.to(at::kFloat), Bf = B.to(at::kFloat), Cf = C.to(at::kFloat);
  std::vector<at::Tensor> ys;
  at::Tensor h = state;
  for (int64_t start = 0; start < L; start += kBlock) {
    const int64_t T = std::min(kBlock, L - start);
    at::Tensor dt_b = delta.narrow(0, start, T);                               // [T, d]
    at::Tensor x_b = xf.narrow(0, start, T);                                   // [T, d]
    at::Tensor decay = at::exp(dt_b.unsqueeze(-1) * A.unsqueeze(0));           // [T, d, N]
    at::Tensor input = (dt_b * x_b).unsqueeze(-1) * Bf.narrow(0, start, T).unsqueeze(1);  // [T, d, N]
    at::Tensor hs = at::empty_like(decay);                                     // [T, d, N]
    for (int64_t t = 0; t < T; ++t) {
      h = decay[t] * h + input[t];
      hs[t].copy_(h);
    }
    // y[t, d] = sum_n hs[t, d, n] * C[t, n]
    at::Tensor y = at::bmm(hs, Cf.narrow(0, start, T).unsqueeze(-1)).squeeze(-1);  // [T, d]
    ys.push_back(y + x_b * D);
  }
  if (L > 0) state.copy_(h);
  at::Tensor y = ys.empty() ? at::empty({0, state.size(0)}, state.options())
                            : (ys.size() == 1 ? ys[0] : at::cat(ys, 0));  // [L, d]
  if (z.defined()) y = y * at::silu(z.to(at::kFloat));
  return y.to(x.scalar_type());
}

}  // namespace rbench::runtime::kernels
