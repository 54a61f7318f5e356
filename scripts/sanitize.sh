#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (CMake option RBENCH_SANITIZE), in build-asan/.
#   scripts/sanitize.sh [ctest args...]      e.g. scripts/sanitize.sh -R 'Hardening|Graders|Results'
# Not part of scripts/test.sh (CI): a second full build with ASan does not fit CI's 40 minutes on 2 cores (see
# docs/RELIABILITY.md for the measurement). Run it before a release or after touching parsers and the results store.
# CUDA kernels are left out (RBENCH_CUDA=OFF): nvcc code is not instrumented and the GPU tests do not run here.
# Leak detection is off: LibTorch and GiNaC keep process-lifetime allocations that LeakSanitizer reports at exit.
# The sandboxed grader sets RLIMIT_AS, which cannot hold ASan's shadow reservation, so the sandbox tests that need
# the address-space limit to bite are excluded (GradersSandbox.MemoryBomb*); every other test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${RBENCH_SANITIZE_JOBS:-2}
torch_prefix=$(.venv/bin/python -c 'import torch.utils;print(torch.utils.cmake_prefix_path)')
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRBENCH_SANITIZE=ON -DRBENCH_CUDA=OFF \
  -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_PREFIX_PATH="$torch_prefix" -DRBENCH_PYTHON="$PWD/.venv/bin/python" >/dev/null
start=$(date +%s)
cmake --build build-asan -j"$jobs"
echo "sanitize.sh: build took $(( $(date +%s) - start )) s"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
start=$(date +%s)
(cd build-asan && ctest --output-on-failure -j"$jobs" -E 'GradersSandbox.MemoryBomb' "$@")
echo "sanitize.sh: tests took $(( $(date +%s) - start )) s"
