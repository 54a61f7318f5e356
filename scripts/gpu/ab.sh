#!/usr/bin/env bash
# A/B of two source trees on the GPU machine, the method of docs/PERFORMANCE.md's batch-1 tables: both are built,
# then the same rbench bench command runs alternately (A, B, A, B, ...) so that the machine's drift and
# run-to-run spread (about one point of the roofline at batch 1) hit both sides alike. It needs no switch in the
# code under test. Usage on that machine:
#   bash scripts/gpu/ab.sh DIR_A DIR_B [ROUNDS] [-- rbench bench arguments]
# DIR_A, DIR_B: source trees, e.g. made beforehand with `git archive REV | tar x -C DIR` for two revisions. Each is
# built by its own scripts/gpu/build.sh into DIR/build-gpu with tests left out. The .deb prefix is shared
# (RBENCH_GPU_PREFIX), and .cache/gpu-debs is looked for in DIR_A, then DIR_B, then this tree.
# ROUNDS defaults to 3. The bench arguments default to SambaY batch 1 at 2K with a 32K sweep point; --json is
# added. Prints one line per run, then per side the mean and range of decode tok/s, of the roofline fraction at
# the decode context and of each sweep context's fraction.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: ab.sh DIR_A DIR_B [ROUNDS] [-- rbench bench arguments]" >&2; exit 2; }
a=$(cd "$1" && pwd) b=$(cd "$2" && pwd)
shift 2
rounds=3
if [ $# -gt 0 ] && [ "$1" != "--" ]; then rounds=$1; shift; fi
[ "${1:-}" = "--" ] && shift
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--random-weights --device cuda --arch phi4flash --prompt-len 2048 --gen-len 32768
                               --concurrency 1 --decode-steps 256 --sweep 32768 --sweep-steps 32)
prefix=${RBENCH_GPU_PREFIX:-/tmp/rbench-prefix}
export RBENCH_GPU_PREFIX=$prefix
python=${RBENCH_GPU_PYTHON:-$(command -v python3)}

for dir in "$a" "$b"; do
  if [ ! -d "$dir/.cache/gpu-debs" ] && [ ! -d "$prefix/usr" ]; then
    for src in "$a" "$b" "$here"; do
      if [ -d "$src/.cache/gpu-debs" ]; then mkdir -p "$dir/.cache" && cp -r "$src/.cache/gpu-debs" "$dir/.cache/"; break; fi
    done
  fi
  echo "# building $dir" >&2
  if ! bash "$dir/scripts/gpu/build.sh" -R NONE > "$dir/build-gpu.log" 2>&1; then
    echo "ab.sh: the build of $dir failed; the end of $dir/build-gpu.log:" >&2
    tail -20 "$dir/build-gpu.log" >&2
    exit 1
  fi
done

export LD_LIBRARY_PATH="$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
results=$(mktemp)
for ((r = 1; r <= rounds; ++r)); do
  for side in A B; do
    dir=$a
    [ "$side" = B ] && dir=$b
    line=$("$dir/build-gpu/bin/rbench" bench --json "${args[@]}" 2> /dev/null | grep '^{' | tail -1)
    [ -n "$line" ] || line='{"error": "no JSON line (the run failed)"}'
    echo "$side $line" >> "$results"
  done
done

"$python" - "$results" "$a" "$b" "${args[*]}" <<'PY'
import json, sys
path, dir_a, dir_b, args = sys.argv[1:]
runs = {"A": [], "B": []}
for line in open(path):
    side, _, text = line.partition(" ")
    try:
        runs[side].append(json.loads(text))
    except json.JSONDecodeError:
        runs[side].append({"error": text.strip()})
print(f"# rbench bench {args}")
print(f"# A = {dir_a}\n# B = {dir_b}")

def measures(r):
    m = {"tok/s": r["decode_tokens_per_s"], "roofline": r["roofline_fraction"]}
    for p in r.get("sweep", []):
        m[f"roofline at {int(p['context'])}"] = p["roofline_fraction"]
    return m

for side in "AB":
    for i, r in enumerate(runs[side]):
        if "error" in r:
            print(f"{side} run {i + 1}: error {r['error'][:200]}")
        else:
            print(f"{side} run {i + 1}: " + ", ".join(f"{k} {v:.4g}" for k, v in measures(r).items()))
for side in "AB":
    good = [measures(r) for r in runs[side] if "error" not in r]
    if not good:
        print(f"{side}: no successful run")
        continue
    parts = []
    for key in good[0]:
        vals = [m[key] for m in good if key in m]
        parts.append(f"{key} {sum(vals) / len(vals):.4g} ({min(vals):.4g}-{max(vals):.4g})")
    print(f"{side} mean of {len(good)}: " + ", ".join(parts))
PY
rm -f "$results"
