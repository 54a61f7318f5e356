// The decode kernels inside a CUDA graph, as a graph-captured decode step uses them: the conv step storing bfloat16
// and the state update with the dt projection fused in and a bfloat16 y, reading dt's low-rank input, B and C as
// column slices of one x_proj output, all with slots into state pools, captured once on a side stream and replayed
// four times; before each replay new inputs and new slots are copied into the captured tensors. Each replay is
// checked against the LibTorch references on CPU (the state update's reference is fed the GPU's own rounded conv
// output, so a one-ulp bfloat16 difference in the conv does not blur the state update's check; dt's input and weight
// lie on a grid of small integers times powers of two, so the projection's float32 sums are exact in any order).
// Compiled only with CUDA: it uses the CUDA graph and stream API directly.
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <string>
#include <utility>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

TEST(KernelsGpuGraph, DecodeOpsWithSlotsReplayInCudaGraph) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("decode ops with slots in a CUDA graph");
  const int64_t n_pool = 12, n_seq = 8, d = 5120, n_state = 16, width = 4, rank = 160;
  const at::ScalarType dtype = at::kBFloat16;
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const at::Tensor A = -at::exp(at::randn({d, n_state})), D = at::randn({d}), dt_bias = at::randn({d});
  const at::Tensor conv_w = at::randn({d, width}), conv_b = at::randn({d});
  at::Tensor ssm_ref = at::randn({n_pool, d, n_state}), conv_ref = at::randn({n_pool, width - 1, d}).to(dtype);
  at::Tensor ssm_pool = ssm_ref.cuda(), conv_pool = conv_ref.cuda();
  const at::Tensor A_g = A.cuda(), D_g = D.cuda(), bias_g = dt_bias.cuda(), w_g = conv_w.cuda(), b_g = conv_b.cuda();
  const at::Tensor dt_proj = (at::randint(-8, 9, {d, rank}, at::kFloat) / 64).to(dtype), dt_proj_g = dt_proj.cuda();
  // The captured inputs: every replay reads whatever these tensors hold then.
  at::Tensor slots = at::arange(n_seq, cuda.dtype(at::kLong));
  at::Tensor x = at::zeros({n_seq, d}, cuda.dtype(dtype)), z = at::zeros({n_seq, d}, cuda.dtype(dtype));
  at::Tensor dbc = at::zeros({n_seq, rank + 2 * n_state}, cuda.dtype(dtype));  // x_proj's output: dt input | B | C
  SelectiveStateUpdateFusion fusion;
  fusion.dt_proj_weight = dt_proj_g;
  fusion.y_dtype = dtype;

  const auto step = [&](at::Tensor& ssm, at::Tensor& conv) {
    at::Tensor xc = causal_conv1d_update(conv, x, w_g, b_g, true, slots, dtype);  // [B, d]
    at::Tensor y = selective_state_update(ssm, xc, dbc.narrow(1, 0, rank), A_g, dbc.narrow(1, rank, n_state),
                                          dbc.narrow(1, rank + n_state, n_state), D_g, z, bias_g, true, slots,
                                          fusion);  // [B, d] in dtype
    return std::make_pair(xc, y);
  };
  std::pair<at::Tensor, at::Tensor> outputs;
  at::cuda::CUDAGraph graph;
  at::accelerator::synchronizeDevice(0);
  {
    const c10::cuda::CUDAStreamGuard side(c10::cuda::getStreamFromPool());
    at::Tensor warm_ssm = ssm_pool.clone(), warm_conv = conv_pool.clone();  // the warm-up touches scratch pools only
    step(warm_ssm, warm_conv);
    c10::cuda::getCurrentCUDAStream().synchronize();
    graph.capture_begin();
    outputs = step(ssm_pool, conv_pool);
    graph.capture_end();
  }
  at::accelerator::synchronizeDevice(0);
  EXPECT_TRUE(at::equal(ssm_pool.cpu(), ssm_ref)) << "capture alone changed the pool (it must only record)";

  for (int replay = 0; replay < 4; ++replay) {
    const std::string here = "seed " + std::to_string(seed) + " replay " + std::to_string(replay);
    const at::Tensor slots_h = at::randperm(n_pool, at::kLong).narrow(0, 0, n_seq);
    const at::Tensor x_h = at::randn({n_seq, d}).to(dtype), z_h = at::randn({n_seq, d}).to(dtype);
    const at::Tensor dbc_h =
        at::cat({at::randint(-8, 9, {n_seq, rank}, at::kFloat) / 16, at::randn({n_seq, 2 * n_state})}, 1).to(dtype);
    slots.copy_(slots_h);
    x.copy_(x_h);
    z.copy_(z_h);
    dbc.copy_(dbc_h);
    graph.replay();
    at::accelerator::synchronizeDevice(0);

    const at::Tensor xc_want = causal_conv1d_update_ref(conv_ref, x_h, conv_w, conv_b, true, slots_h, dtype);
    worst.expect_close(outputs.first, xc_want, {1e-2, 8e-3}, here + " conv out (bfloat16)");
    EXPECT_TRUE(at::equal(conv_pool.cpu(), conv_ref)) << here << " conv pool";
    const at::Tensor xc_gpu = outputs.first.cpu();
    SelectiveStateUpdateFusion fusion_ref = fusion;
    fusion_ref.dt_proj_weight = dt_proj;
    const at::Tensor y_want = selective_state_update_ref(
        ssm_ref, xc_gpu, dbc_h.narrow(1, 0, rank), A, dbc_h.narrow(1, rank, n_state),
        dbc_h.narrow(1, rank + n_state, n_state), D, z_h, dt_bias, true, slots_h, fusion_ref);
    ASSERT_EQ(outputs.second.scalar_type(), dtype);
    worst.expect_close(outputs.second, y_want, {1e-4, 8e-3}, here + " y (bfloat16, one unit apart at most)");
    worst.expect_close(ssm_pool, ssm_ref, {1e-4, 1e-3}, here + " ssm pool");
    ssm_ref.copy_(ssm_pool.cpu());  // the next replay starts from identical pools
  }
}

}  // namespace
}  // namespace rbench::runtime::kernels
