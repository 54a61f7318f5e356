#!/usr/bin/env bash
# Builds rbench on the NVIDIA GPU machine (Ubuntu 24.04, CUDA 13.0, preinstalled PyTorch 2.11 whose package carries
# LibTorch, no package registry) and runs the tests, GPU tests included. The headers and libraries that machine lacks
# come from Debian .deb files unpacked into a prefix (scripts/gpu/fetch-debs.sh downloads them beforehand into
# .cache/gpu-debs, which the device tool carries). Usage on that machine:  bash scripts/gpu/build.sh [ctest args...]
# Environment: RBENCH_GPU_BUILD (build dir, default build-gpu), RBENCH_GPU_PREFIX (default /tmp/rbench-prefix),
# RBENCH_GPU_CMAKE_ARGS (more configure arguments, e.g. "-DRBENCH_SANITIZE=ON -DRBENCH_CUDA=OFF" for the sanitizer
# build of scripts/sanitize.sh on this machine's 16 cores).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
build=${RBENCH_GPU_BUILD:-$root/build-gpu}
prefix=${RBENCH_GPU_PREFIX:-/tmp/rbench-prefix}
debs="$root/.cache/gpu-debs"

if [ ! -d "$prefix/usr" ]; then
  [ -d "$debs" ] || { echo "gpu/build.sh: $debs is missing: run scripts/gpu/fetch-debs.sh on a Debian machine and carry .cache/gpu-debs" >&2; exit 1; }
  mkdir -p "$prefix"
  for f in "$debs"/*.deb; do dpkg -x "$f" "$prefix"; done
  # The .pc files name prefix=/usr; point them at the unpacked tree.
  sed -i "s|^prefix=.*|prefix=$prefix/usr|" "$prefix"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc
fi
export PKG_CONFIG_PATH="$prefix/usr/lib/x86_64-linux-gnu/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
python=${RBENCH_GPU_PYTHON:-$(command -v python3)}
torch_prefix=$("$python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix/usr" \
    -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DSQLite3_INCLUDE_DIR="$prefix/usr/include" \
    -DSQLite3_LIBRARY=/usr/lib/x86_64-linux-gnu/libsqlite3.so.0 \
    -DRBENCH_PYTHON="$python" -DRBENCH_GPU_TESTS=ON \
    -DRBENCH_SHARED_DATA="${RBENCH_SHARED_DATA:-$root/shared/data}" ${RBENCH_GPU_CMAKE_ARGS:-}
fi
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j 4 "$@"
