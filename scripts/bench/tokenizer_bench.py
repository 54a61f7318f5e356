#!/usr/bin/env python3
"""Encode throughput, single thread, in one run: rbench's tokenizers against OpenAI tiktoken (its Rust core) and
Hugging Face tokenizers, on the same corpus (every problem / solution / answer text of the benchmark .jsonl files).

Each implementation encodes every text of the corpus one call at a time (plain text, no special tokens), in
`--passes` rounds; within a round the implementations take turns (the C++ program serves one pass per request),
so a busy machine slows all of them alike; the best pass of each counts. Prints a Markdown table with MB/s (corpus UTF-8 bytes / seconds) and
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


def timed_pass(encode, texts):
    start = time.perf_counter()
    n_tokens = sum(len(encode(t)) for t in texts)
    return time.perf_counter() - start, n_tokens


class RbenchServer:
    """One tokenizer_bench --serve process: loads its tokenizer once, then runs a pass per request."""

    def __init__(self, bench, tokenizer, data):
        self.process = subprocess.Popen([bench, "--tokenizer", str(tokenizer), "--data", str(data), "--serve"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        ready = json.loads(self.process.stdout.readline())
        if not ready.get("ready"):
            raise RuntimeError(f"tokenizer_bench did not start for {tokenizer}")

    def timed_pass(self):
        self.process.stdin.write("pass\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return answer["seconds"], answer["tokens"]

    def close(self):
        self.process.stdin.close()
        self.process.wait()


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
        servers = {
            "rbench, o200k_base.tiktoken": RbenchServer(args.bench, ranks_path, data),
            "rbench, tokenizer.json": RbenchServer(args.bench, tokenizer_json, data),
        }
        contenders = {
            "tiktoken 0.14 (o200k_base)": lambda: timed_pass(encoding.encode_ordinary, texts),
            "HF tokenizers 0.23 (tokenizer.json)":
                lambda: timed_pass(lambda t: hf.encode(t, add_special_tokens=False).ids, texts),
            **{name: server.timed_pass for name, server in servers.items()},
        }
        best = {name: (float("inf"), 0) for name in contenders}
        for _ in range(args.passes):
            for name, run_pass in contenders.items():
                seconds, n_tokens = run_pass()
                best[name] = (min(best[name][0], seconds), n_tokens)
        for server in servers.values():
            server.close()
        rows = [(name, seconds, n_tokens) for name, (seconds, n_tokens) in best.items()]
    reference = rows[0][1]
    print(f"corpus: {len(texts)} texts, {n_bytes} bytes; best of {args.passes} interleaved passes, single thread\n")
    print("| implementation | tokens | seconds | MB/s | vs tiktoken |")
    print("| --- | --- | --- | --- | --- |")
    for name, seconds, n_tokens in rows:
        print(f"| {name} | {n_tokens} | {seconds:.4f} | {n_bytes / seconds / 1e6:.2f} | {reference / seconds:.2f}x |")
    if len({n for _, _, n in rows}) != 1:
        sys.exit("token counts differ between implementations")


if __name__ == "__main__":
    main()
