// Programmatic dependent launch (sm_90) for the decode step's kernels. At batch 1 a decode step is ~190 dependent
// kernels, most a few microseconds long, so the gap between one kernel's last block and the next kernel's first
// load is a large share of the step. A kernel launched with launch_dependent may start while the kernel before it
// on the stream still runs: it first lets the kernel after it launch as well (allow_next_kernels), may request data
// that no kernel of the step writes (weights), and must call wait_for_previous_kernels before it reads anything an
// earlier kernel writes or writes anything an earlier kernel reads. Both instructions are no-ops in a kernel that
// was launched normally, and a normal launch after a dependent one waits for it as usual, so mixing is safe.
// Included by the decode kernels' .cu files only.
#pragma once

#include <c10/cuda/CUDAException.h>
#include <cuda_runtime.h>

namespace rbench::runtime::kernels {

// Lets the next kernel on the stream launch now; its blocks take SM resources as they free up.
__device__ __forceinline__ void allow_next_kernels() { asm volatile("griddepcontrol.launch_dependents;" ::: "memory"); }

// Waits until the kernels before this one on the stream have finished and their writes are visible.
__device__ __forceinline__ void wait_for_previous_kernels() { asm volatile("griddepcontrol.wait;" ::: "memory"); }

// kernel<<<grid, block, smem, stream>>>(args...) with programmatic stream serialisation; capturable in a CUDA graph
// (the dependency becomes a programmatic edge).
template <typename... Params, typename... Args>
void launch_dependent(void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem, cudaStream_t stream,
                      Args... args) {
  cudaLaunchConfig_t config = {};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = smem;
  config.stream = stream;
  cudaLaunchAttribute attribute[1];
  attribute[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attribute[0].val.programmaticStreamSerializationAllowed = 1;
  config.attrs = attribute;
  config.numAttrs = 1;
  C10_CUDA_CHECK(cudaLaunchKernelEx(&config, kernel, args...));
}

}  // namespace rbench::runtime::kernels
