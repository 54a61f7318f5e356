#!/usr/bin/env python3
"""Encode throughput, single thread, in one run: rbench's tokenizers against OpenAI tiktoken (its Rust core) and
Hugging Face tokenizers, on the same corpus (every problem / solution / answer text of the benchmark .jsonl files).

Each implementation encodes every text of the corpus one call at a time (plain text, no special tokens), in
`--passes` passes; the best pass counts. Prints a Markdown table with MB/s (corpus UTF-8 bytes / seconds) and
ratios to tiktoken. Every implementation is also checked to produce the same number of tokens.

usage: tokenizer_bench.py --bench build-tok/bin/tokenizer_bench --data ../shared/data [--passes 20]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

# Single-threaded Hugging Face tokenizers (its Rayon pool would otherwise spread batch work over cores).
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import tiktoken  # noqa: E402
import tokenizers  # noqa: E402
from tiktoken.load import load_tiktoken_bpe  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "reference"))
from tokenizer_oracle import O200K_PATTERN, data_texts  # noqa: E402


def best_seconds(encode, texts, passes):
    best, n_tokens = float("inf"), 0
    for _ in range(passes):
        start = time.perf_counter()
        n_tokens = sum(len(encode(t)) for t in texts)
        best = min(best, time.perf_counter() - start)
    return best, n_tokens


def run_rbench(bench, tokenizer, data, passes):
    out = subprocess.run([bench, "--tokenizer", str(tokenizer), "--data", str(data), "--passes", str(passes)],
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["best_seconds"], result["tokens"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the tokenizer_bench program")
    parser.add_argument("--data", required=True)
    parser.add_argument("--passes", type=int, default=20)
    args = parser.parse_args()

    data = pathlib.Path(args.data)
    ranks_path = data / "tokenizers" / "o200k_base.tiktoken"
    texts = data_texts(data)
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)

    with tempfile.TemporaryDirectory() as tmp:
        maker = pathlib.Path(__file__).resolve().parents[1] / "make_phi4_tokenizer_json.py"
        subprocess.run([sys.executable, str(maker), "--ranks", str(ranks_path), "--out", tmp], check=True,
                       capture_output=True)
        tokenizer_json = pathlib.Path(tmp) / "tokenizer.json"
        encoding = tiktoken.Encoding(name="o200k_base_offline", pat_str=O200K_PATTERN,
                                     mergeable_ranks=load_tiktoken_bpe(str(ranks_path)),
                                     special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018})
        hf = tokenizers.Tokenizer.from_file(str(tokenizer_json))
        rows = [
            ("tiktoken 0.14 (o200k_base)", *best_seconds(encoding.encode_ordinary, texts, args.passes)),
            ("HF tokenizers 0.23 (tokenizer.json)",
             *best_seconds(lambda t: hf.encode(t, add_special_tokens=False).ids, texts, args.passes)),
            ("rbench, o200k_base.tiktoken", *run_rbench(args.bench, ranks_path, data, args.passes)),
            ("rbench, tokenizer.json", *run_rbench(args.bench, tokenizer_json, data, args.passes)),
        ]
    reference = rows[0][1]
    print(f"corpus: {len(texts)} texts, {n_bytes} bytes; best of {args.passes} passes, single thread\n")
    print("| implementation | tokens | seconds | MB/s | vs tiktoken |")
    print("| --- | --- | --- | --- | --- |")
    for name, seconds, n_tokens in rows:
        print(f"| {name} | {n_tokens} | {seconds:.4f} | {n_bytes / seconds / 1e6:.2f} | {reference / seconds:.2f}x |")
    if len({n for _, _, n in rows}) != 1:
        sys.exit("token counts differ between implementations")


if __name__ == "__main__":
    main()
