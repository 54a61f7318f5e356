// CUDA decode-step inputs: one block per sequence copies its embedding row to float32, and its first thread writes
// the sequence's lengths and ring rows; the math and shapes are in decode_step_inputs.h, the oracle is
// decode_step_inputs_ref. Launched with programmatic dependent launch, so the step's first linear can launch
// while it runs and request its first weights.
#include <ATen/Dispatch.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cmath>

#include "runtime/kernels/decode_step_inputs/decode_step_inputs.h"
#include "runtime/kernels/dependent_launch.cuh"

namespace rbench::runtime::kernels {

namespace {

constexpr int kThreads = 256;

struct StepArgs {
  const int64_t* ids;
  const int64_t* positions;
  float* residual;  // [B, D]
  int64_t* lengths;
  int64_t* ring_rows[kMaxStepWindows];
  int64_t* ring_lengths[kMaxStepWindows];
  int64_t windows[kMaxStepWindows];
  int n_windows;
  int64_t vocab, hidden;
};

template <typename T>
__global__ void __launch_bounds__(kThreads) decode_step_inputs_kernel(StepArgs a, const T* embed) {
  allow_next_kernels();
  wait_for_previous_kernels();  // ids and positions come from the copy or kernel before
  const int b = blockIdx.x;
  const int64_t id = a.ids[b];
  float* dst = a.residual + b * a.hidden;
  if (id < 0 || id >= a.vocab) {  // no host read to throw from: a NaN row marks it
    for (int64_t i = threadIdx.x; i < a.hidden; i += kThreads) dst[i] = NAN;
  } else {
    const T* src = embed + id * a.hidden;
    for (int64_t i = threadIdx.x; i < a.hidden; i += kThreads) dst[i] = static_cast<float>(src[i]);
  }
  if (threadIdx.x != 0) return;
  const int64_t p = a.positions[b];
  a.lengths[b] = p + 1;
  for (int w = 0; w < a.n_windows; ++w) {
    const int64_t win = a.windows[w], r = p % win;
    a.ring_rows[w][b] = r < 0 ? r + win : r;  // floor modulo, as at::remainder
    a.ring_lengths[w][b] = p + 1 < win ? p + 1 : win;
  }
}

}  // namespace

DecodeStepInputs decode_step_inputs_cuda(const at::Tensor& embed, const at::Tensor& ids, const at::Tensor& positions,
                                         const std::vector<int64_t>& windows) {
  check_decode_step_inputs_args(embed, ids, positions, windows);
  const c10::cuda::CUDAGuard guard(embed.device());
  const int64_t B = ids.size(0);
  const at::Tensor table = embed.contiguous(), idsc = ids.contiguous(), posc = positions.contiguous();
  DecodeStepInputs out;
  out.residual = at::empty({B, embed.size(1)}, embed.options().dtype(at::kFloat));
  out.lengths = at::empty({B}, ids.options());
  StepArgs a{};
  a.ids = idsc.data_ptr<int64_t>();
  a.positions = posc.data_ptr<int64_t>();
  a.residual = out.residual.data_ptr<float>();
  a.lengths = out.lengths.data_ptr<int64_t>();
  a.n_windows = static_cast<int>(windows.size());
  for (int w = 0; w < a.n_windows; ++w) {
    out.ring_rows.push_back(at::empty({B}, ids.options()));
    out.ring_lengths.push_back(at::empty({B}, ids.options()));
    a.ring_rows[w] = out.ring_rows.back().data_ptr<int64_t>();
    a.ring_lengths[w] = out.ring_lengths.back().data_ptr<int64_t>();
    a.windows[w] = windows[static_cast<std::size_t>(w)];
  }
  a.vocab = embed.size(0), a.hidden = embed.size(1);
  if (B == 0) return out;
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream();
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, embed.scalar_type(), "decode_step_inputs_cuda", [&] {
    launch_dependent(decode_step_inputs_kernel<scalar_t>, dim3(static_cast<unsigned>(B)), dim3(kThreads), 0, stream,
                     a, table.data_ptr<scalar_t>());
  });
  return out;
}

}  // namespace rbench::runtime::kernels
