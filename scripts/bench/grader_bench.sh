#!/usr/bin/env bash
# Grader throughput: generates 2000 realistic 8-30 KB traces (scripts/bench/grader_traces.py) and grades them
# through the sandboxed pool with 2 workers (tests/graders/pool_bench.cpp). Not a test; numbers go to
# docs/PERFORMANCE.md.  usage: scripts/bench/grader_bench.sh [BUILD_DIR=build] [N=2000] [WORKERS=2] [REPEAT=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build}"
n="${2:-2000}"
workers="${3:-2}"
repeat="${4:-5}"
data="${RBENCH_DATA:-$root/../shared/data}"
requests="$(mktemp --suffix=.jsonl)"
trap 'rm -f "$requests"' EXIT
"$root/.venv/bin/python" "$root/scripts/bench/grader_traces.py" "$data" "$requests" "$n" 1
"$root/$build/tests/graders_pool_bench" "$requests" "$root/$build/bin/rbench-grader" "$workers" "$repeat"
