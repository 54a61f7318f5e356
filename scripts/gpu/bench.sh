#!/usr/bin/env bash
# The GPU throughput table of docs/PERFORMANCE.md in one run on the H100 machine: rbench bench with random weights
# at the released Phi-4-mini-flash shape (bf16), batch-1 decode at 2K context, prefill of a 2K prompt, and the
# sequences-in-flight sweep; one JSON line per setting into $1 (default bench-gpu.jsonl), a readable copy on
# stdout. Needs a build from scripts/gpu/build.sh (RBENCH_GPU_BUILD, default build-gpu). Each setting takes well
# under a minute; the whole table a few minutes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${RBENCH_GPU_BUILD:-$root/build-gpu}
out=${1:-bench-gpu.jsonl}
prefix=${RBENCH_GPU_PREFIX:-/tmp/rbench-prefix}
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
rbench="$build/bin/rbench"
: > "$out"
run() {
  echo "# rbench bench $* ($(date -u +%FT%TZ), $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1))"
  "$rbench" bench --random-weights --device cuda "$@" --json | tee -a "$out"
}
run --arch phi4flash --prompt-len 2048 --gen-len 256 --concurrency 1
run --arch phi4flash --prompt-len 2048 --gen-len 64 --concurrency 4
run --arch phi4flash --prompt-len 8192 --gen-len 128 --concurrency 1
