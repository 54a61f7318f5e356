#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (CMake option RBENCH_SANITIZE), in build-asan/.
#   scripts/sanitize.sh [ctest args...]      e.g. scripts/sanitize.sh -R 'Hardening|Graders|Results'
# Not part of scripts/test.sh (CI): a second full build with ASan does not fit CI's 40 minutes on 2 cores (see
# docs/RELIABILITY.md for the measurement). Run it before a release or after touching parsers and the results store.
# CUDA kernels are left out (RBENCH_CUDA=OFF): nvcc code is not instrumented and the GPU tests do not run here.
# Leak detection is off: LibTorch and GiNaC keep process-lifetime allocations that LeakSanitizer reports at exit.
# The sandboxed grader workers confine their memory with RLIMIT_DATA instead of RLIMIT_AS in this build (ASan's
# shadow reservation cannot live under RLIMIT_AS; graders/sandbox/memory_limit.h), so every sandbox test runs,
# the memory bombs included.
# The benchmark files come from RBENCH_SHARED_DATA (default ../shared/data); the build runs under nice
# (RBENCH_SANITIZE_NICE, default 15) with RBENCH_SANITIZE_JOBS jobs (default 2), beside other work on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${RBENCH_SANITIZE_JOBS:-2}
niceness=${RBENCH_SANITIZE_NICE:-15}
shared_data=${RBENCH_SHARED_DATA:-$PWD/../shared/data}
torch_prefix=$(.venv/bin/python -c 'import torch.utils;print(torch.utils.cmake_prefix_path)')
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRBENCH_SANITIZE=ON -DRBENCH_CUDA=OFF \
  -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_PREFIX_PATH="$torch_prefix" -DRBENCH_PYTHON="$PWD/.venv/bin/python" \
  -DRBENCH_SHARED_DATA="$shared_data" >/dev/null
start=$(date +%s)
nice -n "$niceness" cmake --build build-asan -j"$jobs"
echo "sanitize.sh: build took $(( $(date +%s) - start )) s"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Tests that bound the harness's resident memory run apart, without ASan's quarantine: it holds back up to 256 MB of
# freed blocks to catch use-after-free, so RSS grows by design (measured: +32 MB over 4000 graded samples, against
# the test's 8 MB bound; 0 findings either way).
rss_tests='HarnessMemoryStaysFlat'
start=$(date +%s)
status=0
(cd build-asan && nice -n "$niceness" ctest --output-on-failure -j"$jobs" -E "$rss_tests" "$@") || status=$?
(cd build-asan && ASAN_OPTIONS=$ASAN_OPTIONS:quarantine_size_mb=0 nice -n "$niceness" ctest --output-on-failure \
  -R "$rss_tests") || status=$?
echo "sanitize.sh: tests took $(( $(date +%s) - start )) s"
exit "$status"
