#!/usr/bin/env bash
# Fuzzes rbench's parsers of untrusted bytes with libFuzzer (Debian clang 14 + libclang-rt-14-dev).
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 120 s; targets: see tests/fuzz/CMakeLists.txt)
# Builds the *_fuzz executables into build-fuzz/ (clang, -fsanitize=fuzzer-no-link,address,undefined on every
# source, -fsanitize=fuzzer at link; LibTorch is never linked) and runs each target in turn for the given time,
# starting from the seeds in tests/fuzz/corpus/<target>/ (only read) with a growing working corpus under
# build-fuzz/corpus/<target>/. A crash, leak, timeout or out-of-memory input is copied (when under 64 KiB) to
# tests/fuzz/corpus/<target>/finding-<sha1>: the ordinary build replays that folder as ctest
# hardening_fuzz_replay_<target>, so every finding stays a regression test once the bug is fixed. A finding that is not
# fixed in the same change goes to tests/fuzz/open-findings/<target>/ instead (see the README there).
# One line per target is appended to build-fuzz/fuzz-log.tsv: date, target, wall s, CPU s, runs, findings.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
shift || true
all_targets=(safetensors_header sambay_config tokenizer_json dataset_readers latex_parser answer_extraction)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
jobs=${RBENCH_FUZZ_JOBS:-2}

command -v clang++-14 >/dev/null || { echo "fuzz.sh: clang++-14 missing (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
torch_prefix=$(.venv/bin/python -c 'import torch.utils;print(torch.utils.cmake_prefix_path)')
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_C_FLAGS=$flags" -DRBENCH_FUZZ=ON \
  -DRBENCH_CUDA=OFF -DTORCH_CUDA_ARCH_LIST=9.0 -DCMAKE_PREFIX_PATH="$torch_prefix" >/dev/null
cmake --build build-fuzz -j"$jobs" --target "${targets[@]/%/_fuzz}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
# CLN (under GiNaC) keeps a process-lifetime allocation that LeakSanitizer would report on the first input.
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/$target
  work=build-fuzz/corpus/$target
  findings=build-fuzz/findings/$target
  mkdir -p "$work" "$findings" build-fuzz/tmp
  log=build-fuzz/$target.log
  start=$(date +%s)
  set +e
  TIMEFORMAT='%U %S'  # user and system CPU seconds of the fuzzer, from bash's `time`
  { time TMPDIR=$PWD/build-fuzz/tmp build-fuzz/fuzz/${target}_fuzz "$work" "$seeds" -max_total_time="$seconds" \
      -timeout=20 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 \
      >"$log" 2>&1 ; } 2>build-fuzz/$target.time
  rc=$?
  set -e
  cpu=$(awk '{printf "%.0f", $1 + $2}' build-fuzz/$target.time)
  wall=$(( $(date +%s) - start ))
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  n_findings=0
  for f in "$findings"/*; do
    [[ -f $f ]] || continue
    n_findings=$((n_findings + 1))
    if [[ $(stat -c %s "$f") -le 65536 ]]; then
      cp "$f" "$seeds/finding-$(sha1sum "$f" | cut -c1-16)"
    fi
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$wall" "$cpu" "$runs" "$n_findings" \
    | tee -a build-fuzz/fuzz-log.tsv
  if [[ $rc -ne 0 ]]; then echo "fuzz.sh: $target stopped with exit $rc; see $log and $findings/" >&2; fi
done
echo "fuzz.sh: findings (if any) are in tests/fuzz/corpus/<target>/finding-*; replay: ctest -R hardening_fuzz_replay"
