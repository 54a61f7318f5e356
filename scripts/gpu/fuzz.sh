#!/usr/bin/env bash
# Fuzzes on the GPU host's many cores (issue 10): runs the libFuzzer executables that scripts/fuzz.sh built on a
# Debian machine (build-fuzz/fuzz/*_fuzz, carried over; this host has no clang) as W processes per target at once,
# every target side by side, for SECONDS each, from the checked-in seeds (tests/fuzz/corpus/<target>/, only read)
# into a working corpus per target. Their shared libraries (GiNaC, CLN, PCRE2, libseccomp, Boost) come from the
# Debian prefix of scripts/gpu/build.sh. Leak checks are off here (LeakSanitizer's thread suspension is not known
# to work on this host); scripts/fuzz.sh keeps them on. Usage on that host:
#   bash scripts/gpu/fuzz.sh SECONDS WORKERS_PER_TARGET OUT_DIR
# OUT_DIR gets one log per process, every crashing input (findings/<target>/), and fuzz-log.tsv: date, target,
# worker, wall s, CPU s, runs, findings, the format of scripts/fuzz.sh's build-fuzz/fuzz-log.tsv.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${1:?seconds per process}
workers=${2:?processes per target}
out=${3:?output directory}
prefix=${RBENCH_GPU_PREFIX:-/tmp/rbench-prefix}
if [ ! -d "$prefix/usr" ]; then
  mkdir -p "$prefix"
  for f in "$root"/.cache/gpu-debs/*.deb; do dpkg -x "$f" "$prefix"; done
fi
export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
targets=(safetensors_header sambay_config tokenizer_json dataset_readers latex_parser answer_extraction)
mkdir -p "$out"
for target in "${targets[@]}"; do
  exe="$root/build-fuzz/fuzz/${target}_fuzz"
  [ -x "$exe" ] || { echo "gpu/fuzz.sh: $exe missing: build it with scripts/fuzz.sh and carry build-fuzz/fuzz" >&2; exit 1; }
  mkdir -p "$out/corpus/$target" "$out/findings/$target" "$out/tmp"
  for w in $(seq 1 "$workers"); do
    (
      TIMEFORMAT='%U %S'
      start=$(date +%s)
      { time TMPDIR="$out/tmp" "$exe" "$out/corpus/$target" "$root/tests/fuzz/corpus/$target" \
          -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 -seed="$w$RANDOM" \
          -artifact_prefix="$out/findings/$target/" -print_final_stats=1 > "$out/$target.$w.log" 2>&1; } \
        2> "$out/$target.$w.time"
      cpu=$(awk '{printf "%.0f", $1 + $2}' "$out/$target.$w.time")
      runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$target.$w.log" | grep -o '[0-9]*$' | tail -1)
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$w" "$(( $(date +%s) - start ))" "$cpu" \
        "${runs:-?}" "$(ls "$out/findings/$target" | wc -l)" >> "$out/fuzz-log.tsv"
    ) &
  done
done
wait
column -t -s $'\t' "$out/fuzz-log.tsv"
awk -F'\t' '{cpu += $5} END {printf "gpu/fuzz.sh: %.2f CPU-hours\n", cpu / 3600}' "$out/fuzz-log.tsv"
