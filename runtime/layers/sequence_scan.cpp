// The differentiable batched selective scan; see sequence_scan.h.
#include "runtime/layers/sequence_scan.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace rbench::runtime::layers {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// y without the D skip; all tensors float32 contiguous on the CPU. Saves x, dt, A, B, C and the states h_t.
struct CpuScan : public torch::autograd::Function<CpuScan> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A,
                            const at::Tensor& Bm, const at::Tensor& Cm) {
    const int64_t batch = x.size(0), T = x.size(1), d = x.size(2), N = A.size(1);
    at::Tensor y = at::zeros({batch, T, d}, x.options());
    at::Tensor hs = at::empty({batch, T, d, N}, x.options());
    const float *px = x.data_ptr<float>(), *pdt = dt.data_ptr<float>(), *pA = A.data_ptr<float>();
    const float *pB = Bm.data_ptr<float>(), *pC = Cm.data_ptr<float>();
    float *py = y.data_ptr<float>(), *ph = hs.data_ptr<float>();
    at::parallel_for(0, batch, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; ++b) {
        for (int64_t t = 0; t < T; ++t) {
          const int64_t bt = b * T + t;
          const float* Bt = pB + bt * N;
          const float* Ct = pC + bt * N;
          float* h = ph + bt * d * N;
          const float* h_prev = t > 0 ? h - d * N : nullptr;
          for (int64_t i = 0; i < d; ++i) {
            const float delta = pdt[bt * d + i], dx = delta * px[bt * d + i];
            float acc = 0.f;
            for (int64_t n = 0; n < N; ++n) {
              const float prev = h_prev ? h_prev[i * N + n] : 0.f;
              const float value = std::exp(delta * pA[i * N + n]) * prev + dx * Bt[n];
              h[i * N + n] = value;
              acc += Ct[n] * value;
            }
            py[bt * d + i] = acc;
          }
        }
      }
    });
    ctx->save_for_backward({x, dt, A, Bm, Cm, hs});
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &dt = saved[1], &A = saved[2], &Bm = saved[3], &Cm = saved[4], &hs = saved[5];
    const at::Tensor gy = grads[0].contiguous();
    const int64_t batch = x.size(0), T = x.size(1), d = x.size(2), N = A.size(1);
    at::Tensor gx = at::zeros_like(x), gdt = at::zeros_like(dt), gB = at::zeros_like(Bm), gC = at::zeros_like(Cm);
    at::Tensor gA_per_sequence = at::zeros({batch, d, N}, A.options());
    const float *px = x.data_ptr<float>(), *pdt = dt.data_ptr<float>(), *pA = A.data_ptr<float>();
    const float *pB = Bm.data_ptr<float>(), *pC = Cm.data_ptr<float>(), *ph = hs.data_ptr<float>();
    const float* pgy = gy.data_ptr<float>();
    float *pgx = gx.data_ptr<float>(), *pgdt = gdt.data_ptr<float>(), *pgB = gB.data_ptr<float>();
    float *pgC = gC.data_ptr<float>(), *pgA = gA_per_sequence.data_ptr<float>();
    at::parallel_for(0, batch, 1, [&](int64_t b0, int64_t b1) {
      std::vector<float> gh(static_cast<std::size_t>(d * N));  // dL/dh_t, carried backwards through time
      for (int64_t b = b0; b < b1; ++b) {
        std::fill(gh.begin(), gh.end(), 0.f);
        float* gA = pgA + b * d * N;
        for (int64_t t = T - 1; t >= 0; --t) {
          const int64_t bt = b * T + t;
          const float* Bt = pB + bt * N;
          const float* Ct = pC + bt * N;
          const float* h = ph + bt * d * N;
          const float* h_prev = t > 0 ? h - d * N : nullptr;
          float* gBt = pgB + bt * N;
          float* gCt = pgC + bt * N;
          for (int64_t i = 0; i < d; ++i) {
            const float delta = pdt[bt * d + i], xi = px[bt * d + i], g_out = pgy[bt * d + i];
            float g_delta = 0.f, g_x = 0.f;
            for (int64_t n = 0; n < N; ++n) {
              const int64_t k = i * N + n;
              gCt[n] += g_out * h[k];
              const float g = gh[k] + g_out * Ct[n];  // total dL/dh_t
              const float decay = std::exp(delta * pA[k]);
              const float prev = h_prev ? h_prev[k] : 0.f;
              const float g_decay = g * prev;
              g_delta += g_decay * decay * pA[k] + g * xi * Bt[n];
              gA[k] += g_decay * decay * delta;
              g_x += g * delta * Bt[n];
              gBt[n] += g * delta * xi;
              gh[k] = g * decay;  // to h_{t-1}
            }
            pgdt[bt * d + i] = g_delta;
            pgx[bt * d + i] = g_x;
          }
        }
      }
    });
    return {gx, gdt, gA_per_sequence.sum(0), gB, gC};
  }
};

// Any device: the recurrence as a loop of differentiable ops.
at::Tensor scan_by_ops(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& Bm,
                       const at::Tensor& Cm) {
  at::Tensor decay = at::exp(dt.unsqueeze(-1) * A);                          // [B, T, d, N]
  at::Tensor input = (dt * x).unsqueeze(-1) * Bm.unsqueeze(2);               // [B, T, d, N]
  at::Tensor h = at::zeros({x.size(0), x.size(2), A.size(1)}, x.options());
  std::vector<at::Tensor> ys;
  for (int64_t t = 0; t < x.size(1); ++t) {
    h = decay.select(1, t) * h + input.select(1, t);
    ys.push_back((h * Cm.select(1, t).unsqueeze(1)).sum(-1));               // [B, d]
  }
  return ys.empty() ? at::zeros_like(x) : at::stack(ys, 1);
}

}  // namespace

at::Tensor selective_scan_sequence(const at::Tensor& x, const at::Tensor& dt, const at::Tensor& A, const at::Tensor& Bm,
                                   const at::Tensor& Cm, const at::Tensor& D) {
  if (x.dim() != 3 || dt.sizes() != x.sizes() || Bm.dim() != 3 || Cm.sizes() != Bm.sizes() || A.dim() != 2 ||
      A.size(0) != x.size(2) || Bm.size(2) != A.size(1) || Bm.size(0) != x.size(0) || Bm.size(1) != x.size(1))
    throw std::invalid_argument("selective_scan_sequence: expected x, dt [B, T, d], A [d, N], B, C [B, T, N]; got x " +
                                std::to_string(x.dim()) + "-d [" + std::to_string(x.size(0)) + ", ...], A " +
                                std::to_string(A.dim()) + "-d, B " + std::to_string(Bm.dim()) + "-d");
  for (const at::Tensor* t : {&x, &dt, &A, &Bm, &Cm})
    if (t->scalar_type() != at::kFloat)
      throw std::invalid_argument("selective_scan_sequence: every input must be float32, got " +
                                  std::string(c10::toString(t->scalar_type())));
  at::Tensor y = x.device().is_cpu()
                     ? CpuScan::apply(x.contiguous(), dt.contiguous(), A.contiguous(), Bm.contiguous(), Cm.contiguous())
                     : scan_by_ops(x, dt, A, Bm, Cm);
  return y + x * D;
}

}  // namespace rbench::runtime::layers
