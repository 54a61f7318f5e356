#!/usr/bin/env bash
# Downloads the canonical benchmark files into a data folder, on a machine with internet, and checks each
# against the sha256 recorded in ../shared/data/README.md (the same bytes the tests pin):
#   math500.jsonl     openai/prm800k test split (Git LFS), else its byte-identical copy in hkust-nlp/simpleRL-reason
#   aime24.jsonl      QwenLM/Qwen2.5-Math evaluation/data/aime24/test.jsonl, rewritten to the documented layout
#                     (ids 2024-I-1..., answers without leading zeros, ordered I-1..15 then II-1..15)
#   aime25.jsonl      eth-sri/matharena problem .tex files and answers.csv, assembled into the same layout
#   gpqa/dataset.zip  idavidrein/gpqa, kept encrypted as distributed (rbench reads it in memory)
# Every source is pinned to a commit, so the result is byte-identical to the shared copy; a file that
# is already present with the right hash is left alone. Nothing here runs in the tests.
#
# usage: scripts/fetch-datasets.sh [DATA_DIR]   (default: $RBENCH_DATA, else ./data)
# RBENCH_FETCH_BASE replaces https://raw.githubusercontent.com (e.g. a file:// mirror with the same layout).
set -euo pipefail

data_dir=${1:-${RBENCH_DATA:-data}}
raw=${RBENCH_FETCH_BASE:-https://raw.githubusercontent.com}
lfs=${RBENCH_FETCH_LFS_BASE:-https://media.githubusercontent.com/media}

prm800k_commit=7ecc794703b2877f63226f2477a49b34f9b25163
simplerl_commit=cf1c7858bfc145a27aa733e75d930d34f0d318a6
qwen_math_commit=a45202bd16f1ec06f433442dc1152d0074773465
matharena_commit=81f103e38b1df076afa65ee0a3ffbe148d42e6d2
gpqa_commit=56686c06f5e19865c153de0fdb11be3890014df7

declare -A expected_sha256=(
  [math500.jsonl]=35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132
  [aime24.jsonl]=14d5f571a7f365fc0cefda7f7b8dde84836e5758d7b8a6ca317f2f6aa51388d7
  [aime25.jsonl]=ec07116065dcfde6afc138e38228172396103dfd3774fa7e350f7b3809cb7de2
  [gpqa/dataset.zip]=461ae7329f15a3e35f8184d2dac24b990f34fdf12f366ca4062d8e6638cd08dc
)

log() { echo "[fetch-datasets] $*" >&2; }
die() { log "error: $*"; exit 1; }

for tool in curl python3 sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' is needed (Debian: apt-get install curl python3 coreutils)"
done

mkdir -p "$data_dir/gpqa"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch URL OUT: fails on HTTP errors
  curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1"
}

has_expected_hash() {  # has_expected_hash NAME FILE
  [ -f "$2" ] && [ "$(sha256sum "$2" | cut -d' ' -f1)" = "${expected_sha256[$1]}" ]
}

install_checked() {  # install_checked NAME FILE: moves FILE to DATA_DIR/NAME if its hash is the pinned one
  local actual
  actual=$(sha256sum "$2" | cut -d' ' -f1)
  [ "$actual" = "${expected_sha256[$1]}" ] ||
    die "$1: sha256 $actual differs from the pinned ${expected_sha256[$1]}; not installed"
  mv "$2" "$data_dir/$1"
  log "$1: ok ($actual)"
}

get_math500() {
  local out=$work/math500.jsonl
  # The canonical file lives in Git LFS; the mirror copy is the same blob.
  if ! fetch "$lfs/openai/prm800k/$prm800k_commit/prm800k/math_splits/test.jsonl" "$out" ||
     ! has_expected_hash math500.jsonl "$out"; then
    log "math500: LFS download unavailable or different; using the byte-identical copy in hkust-nlp/simpleRL-reason"
    fetch "$raw/hkust-nlp/simpleRL-reason/$simplerl_commit/examples/simplelr_math_eval/data/math500/test.jsonl" "$out"
  fi
  install_checked math500.jsonl "$out"
}

get_aime24() {
  local source=$work/qwen_aime24.jsonl
  fetch "$raw/QwenLM/Qwen2.5-Math/$qwen_math_commit/evaluation/data/aime24/test.jsonl" "$source"
  python3 - "$source" "$work/aime24.jsonl" <<'PY'
import json, re, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
out = []
for row in rows:
    m = re.search(r"/(\d{4})_AIME_(I+)_Problems/Problem_(\d+)$", row["url"])
    if not m:
        sys.exit(f"aime24: cannot read year/contest/number from url {row['url']!r}")
    year, contest, number = int(m[1]), m[2], int(m[3])
    answer = str(row["answer"])
    out.append({"id": f"{year}-{contest}-{number}", "problem": row["problem"], "answer": str(int(answer)),
                "year": year, "contest": f"AIME {contest}", "problem_number": number, "url": row["url"],
                "source_id": row["id"], "source_answer": answer, "solution": row["solution"]})
out.sort(key=lambda d: (len(d["contest"]), d["problem_number"]))  # AIME I before AIME II
with open(sys.argv[2], "w", encoding="utf-8", newline="\n") as f:
    for d in out:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
PY
  install_checked aime24.jsonl "$work/aime24.jsonl"
}

get_aime25() {
  local src=$work/matharena contest n
  for contest in I II; do
    mkdir -p "$src/$contest"
    fetch "$raw/eth-sri/matharena/$matharena_commit/data/aime/aime_2025_$contest/answers.csv" "$src/$contest/answers.csv"
    for n in $(seq 1 15); do
      fetch "$raw/eth-sri/matharena/$matharena_commit/data/aime/aime_2025_$contest/problems/$n.tex" "$src/$contest/$n.tex"
    done
  done
  python3 - "$src" "$work/aime25.jsonl" <<'PY'
import csv, json, sys
src, out_path = sys.argv[1], sys.argv[2]
with open(out_path, "w", encoding="utf-8", newline="\n") as out:
    for contest in ("I", "II"):
        with open(f"{src}/{contest}/answers.csv", encoding="utf-8") as f:
            answers = {int(r["id"]): r["answer"] for r in csv.DictReader(f)}
        for n in range(1, 16):
            with open(f"{src}/{contest}/{n}.tex", encoding="utf-8") as f:
                problem = f.read().strip()
            row = {"id": f"2025-{contest}-{n}", "problem": problem, "answer": str(int(answers[n])), "year": 2025,
                   "contest": f"AIME {contest}", "problem_number": n,
                   "url": f"https://artofproblemsolving.com/wiki/index.php/2025_AIME_{contest}_Problems/Problem_{n}",
                   "source_path": f"data/aime/aime_2025_{contest}/problems/{n}.tex"}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
PY
  install_checked aime25.jsonl "$work/aime25.jsonl"
}

get_gpqa() {
  fetch "$raw/idavidrein/gpqa/$gpqa_commit/dataset.zip" "$work/dataset.zip"
  install_checked gpqa/dataset.zip "$work/dataset.zip"
}

for name in math500.jsonl aime24.jsonl aime25.jsonl gpqa/dataset.zip; do
  if has_expected_hash "$name" "$data_dir/$name"; then
    log "$name: already present with the pinned hash"
    continue
  fi
  case $name in
    math500.jsonl) get_math500 ;;
    aime24.jsonl) get_aime24 ;;
    aime25.jsonl) get_aime25 ;;
    gpqa/dataset.zip) get_gpqa ;;
  esac
done
log "done: $data_dir (list with: build/bin/rbench tasks --data-dir $data_dir)"
