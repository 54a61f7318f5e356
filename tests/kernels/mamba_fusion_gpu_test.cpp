// The Mamba decode step's fusions (issue 8: fewer launches at batch 1) on the GPU, against their LibTorch references
// on CPU and against the kernels' own unfused forms, over batch 1, 3 and 64 in slot pools (and without slots), d_inner
// 37, 2000 and 5120, float32 and bfloat16, three steps with fresh slots each:
//   - causal_conv1d_update's out_dtype: bit-equal to .to(dtype) of the kernel's float32 output, and close to the
//     reference (one unit of the dtype where the two float32 values straddle a rounding boundary);
//   - selective_state_update's y_dtype: bit-equal to .to(dtype) of its float32 y;
//   - its fused dt projection: bit-equal to the plain kernel fed the separately projected dt, and close to the
//     reference. dt's low-rank input and the weight are drawn from a grid of small integers times powers of two, so
//     every partial sum of the projection is exact in float32 and the rounded dt is the same whatever the order of
//     the sums (the kernel's own order cannot be observed otherwise; with general values one side's dt may be one
//     bfloat16 unit off and the comparison would need a loose tolerance that proves little).
// Then the timings, from CUDA graphs as the decode step replays them: the conv and the state update with and without
// the fusions at batch 1 to 64 (Phi-4-mini-flash shapes), as RESULT lines, and the batch up to which the fused dt
// projection beats a separate linear (kSelectiveStateUpdateFuseDtMaxBatch is the runtime's choice).
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <array>
#include <chrono>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "runtime/kernels/causal_conv1d_update/causal_conv1d_update.h"
#include "runtime/kernels/selective_state_update/selective_state_update.h"
#include "runtime/kernels/skinny_linear/skinny_linear.h"
#include "tests/kernels/gpu_check.h"

namespace rbench::runtime::kernels {
namespace {

using gpu_check::Tolerance;
// Float32 outputs: both sides compute in float32 from the same inputs; only the order of the sums and expf differ.
const std::map<at::ScalarType, Tolerance> kFloatTolerance = {{at::kFloat, {1e-5, 1e-4}},
                                                             {at::kBFloat16, {1e-4, 1e-3}}};
// Outputs rounded to the dtype: the same, plus one unit of the dtype (bfloat16: at most 2^-7 relative).
const std::map<at::ScalarType, Tolerance> kRoundedTolerance = {{at::kFloat, {1e-5, 1e-4}},
                                                               {at::kBFloat16, {1e-4, 8e-3}}};

struct Shape {
  int64_t n_pool, n_seq, d, rank;  // rank: R of the dt projection
};
const Shape kShapes[] = {{4, 1, 5120, 160}, {9, 3, 2000, 256}, {5, 3, 37, 13}, {96, 64, 5120, 160}};
constexpr int64_t kN = 16, kWidth = 4;

at::Tensor random_slots(int64_t n_pool, int64_t n_seq) { return at::randperm(n_pool, at::kLong).narrow(0, 0, n_seq); }

// How many elements of two same-shaped tensors differ (for the message of a bit-equality check).
int64_t n_different(const at::Tensor& a, const at::Tensor& b) {
  return (a.cpu().to(at::kFloat) != b.cpu().to(at::kFloat)).sum().item<int64_t>();
}

// Values k * unit with k a random integer in [-8, 8], float32 on CPU.
at::Tensor grid_values(at::IntArrayRef shape, double unit) { return at::randint(-8, 9, shape, at::kFloat) * unit; }

TEST(KernelsGpuMambaFusion, ConvOutDtypeIsItsRoundedFloat32Output) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("causal_conv1d_update with out_dtype");
  for (const Shape& s : kShapes) {
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      for (bool with_slots : {true, false}) {
        std::ostringstream what;
        what << "seed " << seed << " S=" << s.n_pool << " B=" << s.n_seq << " d=" << s.d << " "
             << at::toString(dtype) << (with_slots ? " slots" : " no slots");
        at::Tensor pool_ref = at::randn({with_slots ? s.n_pool : s.n_seq, kWidth - 1, s.d}).to(dtype);
        at::Tensor pool_gpu = pool_ref.cuda();
        const at::Tensor weight = at::randn({s.d, kWidth}), bias = at::randn({s.d});
        const at::Tensor weight_g = weight.cuda(), bias_g = bias.cuda();
        for (int step = 0; step < 3; ++step) {
          const std::string here = what.str() + " step " + std::to_string(step);
          const at::Tensor slots = with_slots ? random_slots(s.n_pool, s.n_seq) : at::Tensor();
          const at::Tensor slots_g = with_slots ? slots.cuda() : at::Tensor();
          // x as the decode step passes it: the first half of in_proj's output rows (strided).
          const at::Tensor x_wide = at::randn({s.n_seq, 2 * s.d}).to(dtype);
          const at::Tensor x = x_wide.narrow(1, 0, s.d), x_g = x_wide.cuda().narrow(1, 0, s.d);
          const at::Tensor want = causal_conv1d_update_ref(pool_ref, x, weight, bias, true, slots, dtype);
          at::Tensor pool_float = pool_gpu.clone();
          const at::Tensor got_float = causal_conv1d_update(pool_float, x_g, weight_g, bias_g, true, slots_g);
          const at::Tensor got = causal_conv1d_update(pool_gpu, x_g, weight_g, bias_g, true, slots_g, dtype);
          ASSERT_TRUE(got.is_cuda());
          ASSERT_EQ(got.scalar_type(), dtype) << here;
          EXPECT_TRUE(at::equal(got, got_float.to(dtype)))
              << here << ": " << n_different(got, got_float.to(dtype)) << " elements differ from .to(dtype)";
          EXPECT_TRUE(at::equal(pool_gpu, pool_float)) << here << ": the output dtype changed the state";
          worst.expect_close(got, want, kRoundedTolerance.at(dtype), here + " out");
          worst.expect_close(got_float, want.to(at::kFloat), kRoundedTolerance.at(dtype), here + " float32 out");
          EXPECT_TRUE(at::equal(pool_gpu.cpu(), pool_ref)) << here << " state";
        }
      }
    }
  }
}

TEST(KernelsGpuMambaFusion, StateUpdateFusedDtAndYDtypeMatch) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const uint64_t seed = gpu_check::fresh_seed();
  at::manual_seed(seed);
  gpu_check::WorstRatio worst("selective_state_update with fused dt and y_dtype");
  for (const Shape& s : kShapes) {
    for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
      for (bool gated : {true, false}) {  // the plain Mamba layer, or the memory layer (no gate)
        for (bool with_slots : {true, false}) {
          if (!with_slots && !gated) continue;  // the memory layer runs with slots only; enough to cover it once
          std::ostringstream what;
          what << "seed " << seed << " S=" << s.n_pool << " B=" << s.n_seq << " d=" << s.d << " R=" << s.rank << " "
               << at::toString(dtype) << (gated ? " gated" : " memory") << (with_slots ? " slots" : " no slots");
          at::Tensor pool_ref = at::randn({with_slots ? s.n_pool : s.n_seq, s.d, kN});
          at::Tensor pool_gpu = pool_ref.cuda();
          const at::Tensor A = -at::exp(at::randn({s.d, kN})), D = at::randn({s.d}), bias = at::randn({s.d});
          const at::Tensor A_g = A.cuda(), D_g = D.cuda(), bias_g = bias.cuda();
          const at::Tensor dt_proj = grid_values({s.d, s.rank}, 1.0 / 64).to(dtype), dt_proj_g = dt_proj.cuda();
          for (int step = 0; step < 3; ++step) {
            const std::string here = what.str() + " step " + std::to_string(step);
            const at::Tensor slots = with_slots ? random_slots(s.n_pool, s.n_seq) : at::Tensor();
            const at::Tensor slots_g = with_slots ? slots.cuda() : at::Tensor();
            const at::Tensor before = pool_ref.clone();
            // x_proj's output [B, R + 2N]: dt's low-rank input on the grid, then B and C; each read as a column slice.
            const at::Tensor dbc =
                at::cat({grid_values({s.n_seq, s.rank}, 1.0 / 16), at::randn({s.n_seq, 2 * kN})}, 1).to(dtype);
            const at::Tensor dbc_g = dbc.cuda();
            const auto slices = [&](const at::Tensor& t) {
              return std::array<at::Tensor, 3>{t.narrow(1, 0, s.rank), t.narrow(1, s.rank, kN),
                                               t.narrow(1, s.rank + kN, kN)};
            };
            const auto [low, Bm, Cm] = slices(dbc);
            const auto [low_g, Bm_g, Cm_g] = slices(dbc_g);
            const at::Tensor x = at::randn({s.n_seq, s.d}).to(dtype), x_g = x.cuda();
            const at::Tensor z = gated ? at::randn({s.n_seq, s.d}).to(dtype) : at::Tensor();
            const at::Tensor z_g = gated ? z.cuda() : at::Tensor();
            SelectiveStateUpdateFusion fused;
            fused.dt_proj_weight = dt_proj_g;
            fused.y_dtype = dtype;
            SelectiveStateUpdateFusion fused_ref = fused;
            fused_ref.dt_proj_weight = dt_proj;
            const at::Tensor want =
                selective_state_update_ref(pool_ref, x, low, A, Bm, Cm, D, z, bias, true, slots, fused_ref);

            // The same step three ways on copies of the pool: both fusions, the fused dt with a float32 y, and the
            // plain kernel fed the dt projected apart (exact on the grid, so the same dt values).
            at::Tensor pool_float = pool_gpu.clone(), pool_plain = pool_gpu.clone();
            SelectiveStateUpdateFusion fused_dt_only;
            fused_dt_only.dt_proj_weight = dt_proj_g;
            const at::Tensor y_float = selective_state_update(pool_float, x_g, low_g, A_g, Bm_g, Cm_g, D_g, z_g,
                                                              bias_g, true, slots_g, fused_dt_only);
            const at::Tensor dt_apart = at::linear(low.to(at::kFloat), dt_proj.to(at::kFloat)).to(dtype).cuda();
            const at::Tensor y_plain =
                selective_state_update(pool_plain, x_g, dt_apart, A_g, Bm_g, Cm_g, D_g, z_g, bias_g, true, slots_g);
            const at::Tensor y = selective_state_update(pool_gpu, x_g, low_g, A_g, Bm_g, Cm_g, D_g, z_g, bias_g, true,
                                                        slots_g, fused);
            ASSERT_TRUE(y.is_cuda());
            ASSERT_EQ(y.scalar_type(), dtype) << here;
            ASSERT_EQ(y_float.scalar_type(), at::kFloat) << here;
            EXPECT_TRUE(at::equal(y_float, y_plain))
                << here << ": fused dt vs dt apart, " << n_different(y_float, y_plain) << " elements differ";
            EXPECT_TRUE(at::equal(pool_float, pool_plain)) << here << ": fused dt vs dt apart, state";
            EXPECT_TRUE(at::equal(y, y_float.to(dtype)))
                << here << ": y_dtype vs .to(dtype), " << n_different(y, y_float.to(dtype)) << " elements differ";
            EXPECT_TRUE(at::equal(pool_gpu, pool_float)) << here << ": y_dtype changed the state";
            worst.expect_close(y, want, kRoundedTolerance.at(dtype), here + " y");
            worst.expect_close(pool_gpu, pool_ref, kFloatTolerance.at(dtype), here + " state");
            if (with_slots) {
              const at::Tensor untouched = at::ones({s.n_pool}, at::kBool).index_fill_(0, slots, false);
              EXPECT_TRUE(at::equal(pool_gpu.cpu().index({untouched}), before.index({untouched})))
                  << here << ": rows outside the batch changed";
            }
            pool_gpu.copy_(pool_ref);  // the next step starts from identical pools
          }
        }
      }
    }
  }
}

TEST(KernelsGpuMambaFusion, OutOfRangeSlotGivesNanInTheRoundedOutputs) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const auto bf16 = cuda.dtype(at::kBFloat16);
  const int64_t n_pool = 4, d = 64, rank = 16;
  const at::Tensor bad_slots = at::tensor({1, 7}, at::kLong).cuda();  // 7 is past the pool
  at::Tensor ssm = at::randn({n_pool, d, kN}, cuda);
  const at::Tensor ssm_before = ssm.clone();
  const at::Tensor x = at::randn({2, d}, bf16), Bm = at::randn({2, kN}, bf16), low = at::randn({2, rank}, bf16);
  SelectiveStateUpdateFusion fusion;
  fusion.dt_proj_weight = at::randn({d, rank}, bf16) * 0.1;
  fusion.y_dtype = at::kBFloat16;
  const at::Tensor y = selective_state_update(ssm, x, low, -at::ones({d, kN}, cuda), Bm, Bm, at::ones({d}, cuda), x,
                                              at::zeros({d}, cuda), true, bad_slots, fusion)
                           .cpu();
  EXPECT_FALSE(at::isnan(y[0]).any().item<bool>());
  EXPECT_TRUE(at::isnan(y[1]).all().item<bool>());
  EXPECT_TRUE(at::equal(ssm.cpu().narrow(0, 2, 2), ssm_before.cpu().narrow(0, 2, 2)));
  EXPECT_TRUE(at::equal(ssm.cpu()[0], ssm_before.cpu()[0]));
  at::Tensor conv = at::randn({n_pool, kWidth - 1, d}, bf16);
  const at::Tensor conv_before = conv.clone();
  const at::Tensor out =
      causal_conv1d_update(conv, x, at::randn({d, kWidth}, cuda), at::Tensor(), true, bad_slots, at::kBFloat16).cpu();
  EXPECT_TRUE(at::isnan(out[1]).all().item<bool>());
  EXPECT_FALSE(at::isnan(out[0]).any().item<bool>());
  EXPECT_TRUE(at::equal(conv.cpu().narrow(0, 2, 2), conv_before.cpu().narrow(0, 2, 2)));
}

// GPU seconds of one call of `step`, measured as the decode step runs: kPerGraph calls captured in one CUDA graph,
// replayed kReplays times (so the host's launch overhead is not part of it).
template <typename F>
double graph_seconds_per_call(F&& step) {
  constexpr int kPerGraph = 20, kReplays = 25;
  at::cuda::CUDAGraph graph;
  at::accelerator::synchronizeDevice(0);
  {
    const c10::cuda::CUDAStreamGuard side(c10::cuda::getStreamFromPool());
    step();  // warm-up outside the capture (library handles, workspaces)
    c10::cuda::getCurrentCUDAStream().synchronize();
    graph.capture_begin();
    for (int i = 0; i < kPerGraph; ++i) step();
    graph.capture_end();
  }
  graph.replay();
  at::accelerator::synchronizeDevice(0);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kReplays; ++i) graph.replay();
  at::accelerator::synchronizeDevice(0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (kPerGraph * kReplays);
}

// Phi-4-mini-flash's Mamba shapes (d_inner 5120, N 16, R 160, conv width 4), bfloat16, slots into a pool of B + 3.
// Old: the ops before the fusions (conv, .to; dt linear, update, .to). The dt linear is skinny_linear as the decode
// step calls it (the kernel at B <= kSkinnyMaxRows, cuBLAS above).
TEST(KernelsGpuMambaFusion, FusedDtProjectionTimings) {
  ASSERT_TRUE(at::hasCUDA()) << "no CUDA device";
  const auto cuda = at::TensorOptions().device(at::kCUDA);
  const auto bf16 = cuda.dtype(at::kBFloat16);
  const int64_t d = 5120, rank = 160;
  const at::Tensor A = -at::exp(at::randn({d, kN}, cuda)), D = at::randn({d}, cuda), bias = at::randn({d}, cuda);
  const at::Tensor dt_proj = at::randn({d, rank}, bf16) * 0.08;
  const at::Tensor conv_weight = at::randn({d, kWidth}, cuda), conv_bias = at::randn({d}, cuda);
  int64_t fused_pays_up_to = 0;  // the largest batch up to which the fused update won at every batch measured
  bool still_paying = true;
  double fused_at_threshold = 0, apart_at_threshold = 0;
  for (int64_t n_seq : {1, 2, 4, 8, 16, 64}) {
    const int64_t n_pool = n_seq + 3;
    const at::Tensor slots = at::randperm(n_pool, cuda.dtype(at::kLong)).narrow(0, 0, n_seq);
    at::Tensor ssm = at::randn({n_pool, d, kN}, cuda) * 0.1, conv = at::randn({n_pool, kWidth - 1, d}, bf16);
    const at::Tensor xz = at::randn({n_seq, 2 * d}, bf16), dbc = at::randn({n_seq, rank + 2 * kN}, bf16);
    const at::Tensor xs = xz.narrow(1, 0, d), z = xz.narrow(1, d, d), x = at::randn({n_seq, d}, bf16);
    const at::Tensor low = dbc.narrow(1, 0, rank), Bm = dbc.narrow(1, rank, kN), Cm = dbc.narrow(1, rank + kN, kN);
    SkinnyLinearArgs dt_linear;
    dt_linear.x = low;
    dt_linear.weight = dt_proj;
    SelectiveStateUpdateFusion y_only, both;
    y_only.y_dtype = both.y_dtype = at::kBFloat16;
    both.dt_proj_weight = dt_proj;

    const double conv_old = graph_seconds_per_call(
        [&] { causal_conv1d_update(conv, xs, conv_weight, conv_bias, true, slots).to(at::kBFloat16); });
    const double conv_new = graph_seconds_per_call(
        [&] { causal_conv1d_update(conv, xs, conv_weight, conv_bias, true, slots, at::kBFloat16); });
    const double ssu_old = graph_seconds_per_call([&] {
      selective_state_update(ssm, x, skinny_linear(dt_linear), A, Bm, Cm, D, z, bias, true, slots)
          .to(at::kBFloat16);
    });
    const double ssu_apart = graph_seconds_per_call(
        [&] { selective_state_update(ssm, x, skinny_linear(dt_linear), A, Bm, Cm, D, z, bias, true, slots, y_only); });
    const double ssu_fused =
        graph_seconds_per_call([&] { selective_state_update(ssm, x, low, A, Bm, Cm, D, z, bias, true, slots, both); });
    std::cout << "RESULT mamba decode fusions B=" << n_seq << " d=5120 N=16 R=160 bf16 (CUDA graph, us per step): conv "
              << conv_old * 1e6 << " -> " << conv_new * 1e6 << "; dt linear + update + .to " << ssu_old * 1e6
              << ", dt linear + update(y_dtype) " << ssu_apart * 1e6 << ", update(fused dt, y_dtype) "
              << ssu_fused * 1e6 << "\n";
    if (n_seq == 1) {
      EXPECT_LT(conv_new, conv_old) << "the conv's rounded store should save the .to launch";
      EXPECT_LT(ssu_fused, ssu_old) << "the fused update should beat the three launches it replaces at batch 1";
    }
    still_paying = still_paying && ssu_fused <= ssu_apart;
    if (still_paying) fused_pays_up_to = n_seq;
    if (n_seq == kSelectiveStateUpdateFuseDtMaxBatch) fused_at_threshold = ssu_fused, apart_at_threshold = ssu_apart;
  }
  std::cout << "RESULT fused dt projection beats a separate linear up to batch " << fused_pays_up_to
            << " of 1, 2, 4, 8, 16, 64 (the runtime fuses up to kSelectiveStateUpdateFuseDtMaxBatch = "
            << kSelectiveStateUpdateFuseDtMaxBatch << ")\n";
  // The runtime's threshold must not fuse where fusing is clearly slower.
  ASSERT_GT(apart_at_threshold, 0) << "the threshold is not one of the measured batches";
  EXPECT_LT(fused_at_threshold, 1.25 * apart_at_threshold)
      << "at batch " << kSelectiveStateUpdateFuseDtMaxBatch << " the fused update takes " << fused_at_threshold * 1e6
      << " us against " << apart_at_threshold * 1e6 << " us apart";
}

}  // namespace
}  // namespace rbench::runtime::kernels
