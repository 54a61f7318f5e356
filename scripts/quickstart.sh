#!/usr/bin/env bash
# Quick start (A): set up and build, then run the main job on the embedded default model and print its tables.
# The default model is a tiny SambaY that rbench trains itself on synthetic arithmetic (rbench train-default,
# deterministic, CPU); it is trained on first use into .cache/default-model and reused afterwards. The run
# evaluates it on the built-in held-out `arith` suite through the normal `rbench run` path (engine prefill and
# stepwise decode, chat template, sandboxed grader, SQLite); a second quick start resumes the same run from
# .cache/quickstart.sqlite (nothing is regenerated) and prints the tables again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
rbench="$root/build/bin/rbench"
data_dir=${RBENCH_DATA:-$root/../shared/data}
model="$root/.cache/default-model"
db="$root/.cache/quickstart.sqlite"
# The training recipe, recorded next to the cached model: a model trained with another recipe (an older
# rbench) is retrained, and its stored run is dropped so that the tables show the new model.
recipe=(--steps 2000 --batch 16 --kinds add,sub,mul,linear,mul --seed 0 --threads 1)
echo "== rbench tasks (benchmark files from $data_dir)"
"$rbench" tasks --data-dir "$data_dir"
if [[ ! -f "$model/config.json" || "$(cat "$model/recipe.txt" 2>/dev/null)" != "${recipe[*]}" ]]; then
  echo "== training the embedded default model into $model (once; about 5 minutes on an idle 2-core machine)"
  rm -rf "$model.partial"
  "$rbench" train-default --out "$model.partial" "${recipe[@]}"
  echo "${recipe[*]}" > "$model.partial/recipe.txt"
  rm -rf "$model" "$db" "$db-wal" "$db-shm" "$db.lock" && mv "$model.partial" "$model"
else
  echo "== using the cached default model in $model"
fi
echo "== rbench run: the default model on the held-out arith suite (greedy)"
# One LibTorch thread: the model is tiny, and on a busy 2-core machine a second spinning OpenMP thread made the run
# ~15x slower (38 s against 2 s for the 100 samples, measured 2026-11-22 at load 4-5).
OMP_NUM_THREADS=1 "$rbench" run --model "$model" --suite arith --temperature 0 --samples 1 --max-tokens 160 \
  --db "$db" --data-dir "$data_dir"
