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
echo "== rbench tasks (benchmark files from $data_dir)"
"$rbench" tasks --data-dir "$data_dir"
if [[ ! -f "$model/config.json" ]]; then
  echo "== training the embedded default model into $model (once; about 6 minutes on an idle 2-core machine)"
  "$rbench" train-default --out "$model.partial" --threads 1
  rm -rf "$model" && mv "$model.partial" "$model"
else
  echo "== using the cached default model in $model"
fi
echo "== rbench run: the default model on the held-out arith suite (greedy)"
"$rbench" run --model "$model" --suite arith --temperature 0 --samples 1 --max-tokens 160 \
  --db "$root/.cache/quickstart.sqlite" --data-dir "$data_dir"
