#!/usr/bin/env python3
"""Every non-ASCII code point, in eight contexts (between letters, after a capital, before a letter, after a digit,
after a space, before a space, before 's, after punctuation), through `rbench tokenize` and through OpenAI tiktoken
(built offline from o200k_base.tiktoken): prints how many code points split differently, by category and range.
Too slow for ctest (about 5 minutes on the dev VM); run it after touching the split patterns or the Unicode tables.

usage: tokenizer_unicode_sweep.py --rbench build-tok/bin/rbench --ranks ../shared/data/tokenizers/o200k_base.tiktoken
"""
import argparse
import collections
import json
import pathlib
import subprocess
import sys
import unicodedata

import tiktoken
from tiktoken.load import load_tiktoken_bpe

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from tokenizer_oracle import O200K_PATTERN  # noqa: E402

CONTEXTS = ["a{}b", "A{}", "{}a", "1{}", " {}", "{} ", "{}'s", "!{}x"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rbench", required=True)
    parser.add_argument("--ranks", required=True)
    args = parser.parse_args()
    encoding = tiktoken.Encoding(name="o200k_base_offline", pat_str=O200K_PATTERN,
                                 mergeable_ranks=load_tiktoken_bpe(args.ranks), special_tokens={})
    code_points = [c for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    differing = collections.defaultdict(list)
    for context in CONTEXTS:
        texts = [context.format(chr(c)) for c in code_points]
        result = subprocess.run([args.rbench, "tokenize", "--tokenizer", args.ranks], capture_output=True, text=True,
                                input="".join(json.dumps({"text": t}) + "\n" for t in texts))
        if result.returncode != 0:
            sys.exit(f"rbench tokenize failed: {result.stderr[-500:]}")
        got = [json.loads(line)["ids"] for line in result.stdout.split("\n")[:-1]]
        for c, text, ids in zip(code_points, texts, got):
            if ids != encoding.encode_ordinary(text):
                differing[c].append(context)
    print(f"{len(code_points)} code points x {len(CONTEXTS)} contexts: {len(differing)} code points differ")
    print(collections.Counter(unicodedata.category(chr(c)) for c in differing))
    print(sorted(differing)[:40])
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
