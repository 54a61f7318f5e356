#!/usr/bin/env python3
"""ctest check tokenizer.cli_matches_tiktoken: `rbench tokenize` / `rbench detokenize` against OpenAI tiktoken and
Hugging Face tokenizers on the parity corpus (see tokenizer_oracle.py), through a .tiktoken file and a generated
Phi-4-style model directory; chat rendering with --chat; errors naming the stdin line.

Reads RBENCH_BIN_DIR, RBENCH_TEST_DATA, RBENCH_TEST_TMP from the environment (set by ctest).
"""
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys

import tiktoken
import tokenizers
from tiktoken.load import load_tiktoken_bpe

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from tokenizer_oracle import O200K_PATTERN, data_texts, hard_cases  # noqa: E402

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def rbench(args, lines):
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    return subprocess.run([str(pathlib.Path(os.environ["RBENCH_BIN_DIR"]) / "rbench"), *args], input=stdin,
                          capture_output=True, text=True)


def output_lines(stdout):
    # Not str.splitlines(): that also cuts at U+2028 / U+0085, which JSON strings may hold unescaped.
    return stdout.split("\n")[:-1]


def ids_of(result, what):
    check(result.returncode == 0, f"{what}: exit {result.returncode}: {result.stderr[-500:]}")
    return [json.loads(line)["ids"] for line in output_lines(result.stdout)]


def count_mismatches(got, want, texts, what):
    check(len(got) == len(want), f"{what}: {len(got)} output lines for {len(want)} input lines")
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    for i in bad[:3]:
        print(f"  {what}: text {texts[i][:60]!r}: got {got[i][:12]}..., want {want[i][:12]}...")
    check(not bad, f"{what}: {len(bad)} of {len(want)} texts differ")


def main():
    data = pathlib.Path(os.environ["RBENCH_TEST_DATA"])
    tmp = pathlib.Path(os.environ["RBENCH_TEST_TMP"]) / "tokenizer" / f"cli.{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    ranks = data / "tokenizers" / "o200k_base.tiktoken"
    texts = data_texts(data) + hard_cases()
    encoding = tiktoken.Encoding(name="o200k_base_offline", pat_str=O200K_PATTERN,
                                 mergeable_ranks=load_tiktoken_bpe(str(ranks)),
                                 special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018})
    text_lines = [{"text": t} for t in texts]

    plain = ids_of(rbench(["tokenize", "--tokenizer", str(ranks)], text_lines), "tokenize .tiktoken")
    count_mismatches(plain, [encoding.encode_ordinary(t) for t in texts], texts, "tokenize .tiktoken")
    special = ids_of(rbench(["tokenize", "--tokenizer", str(ranks), "--specials"], text_lines), "--specials")
    want_special = [encoding.encode(t, allowed_special="all") for t in texts]
    count_mismatches(special, want_special, texts, "tokenize .tiktoken --specials")

    back = rbench(["detokenize", "--tokenizer", str(ranks)], [{"ids": ids} for ids in want_special])
    check(back.returncode == 0, f"detokenize: exit {back.returncode}: {back.stderr[-500:]}")
    decoded = [json.loads(line)["text"] for line in output_lines(back.stdout)]
    check(decoded == texts, f"detokenize round trip: {sum(a != b for a, b in zip(decoded, texts))} texts differ")

    model_dir = tmp / "phi4"
    maker = pathlib.Path(__file__).resolve().parents[1] / "make_phi4_tokenizer_json.py"
    subprocess.run([sys.executable, str(maker), "--ranks", str(ranks), "--out", str(model_dir), "--model-dir"],
                   check=True, capture_output=True)
    hf = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    phi = ids_of(rbench(["tokenize", "--tokenizer", str(model_dir), "--specials"], text_lines), "model dir")
    count_mismatches(phi, [hf.encode(t, add_special_tokens=False).ids for t in texts], texts, "model dir vs HF")

    # ignore_merges: a piece that is a vocab token is taken whole before any merge (HF's flag, tiktoken's rule).
    whole_dir = tmp / "phi4_ignore_merges"
    subprocess.run([sys.executable, str(maker), "--ranks", str(ranks), "--out", str(whole_dir), "--ignore-merges"],
                   check=True, capture_output=True)
    hf_whole = tokenizers.Tokenizer.from_file(str(whole_dir / "tokenizer.json"))
    whole = ids_of(rbench(["tokenize", "--tokenizer", str(whole_dir / "tokenizer.json"), "--specials"], text_lines),
                   "ignore_merges")
    count_mismatches(whole, [hf_whole.encode(t, add_special_tokens=False).ids for t in texts], texts,
                     "ignore_merges tokenizer.json vs HF")

    # Byte tokens that cut characters apart: the text must be tiktoken's decode (invalid UTF-8 -> U+FFFD).
    rng = random.Random(7)
    material = "é日😀Ω€".encode("utf-8") + b"\xf0\x9f\xff"
    byte_ids = [encoding.encode_single_token(bytes([b])) for b in range(256)]
    sequences = [[byte_ids[rng.choice(material)] for _ in range(rng.randint(1, 30))] for _ in range(300)]
    lossy = rbench(["detokenize", "--tokenizer", str(ranks)], [{"ids": ids} for ids in sequences])
    check(lossy.returncode == 0, f"detokenize byte ids: exit {lossy.returncode}: {lossy.stderr[-300:]}")
    got_text = [json.loads(line)["text"] for line in output_lines(lossy.stdout)]
    want_text = [encoding.decode(ids) for ids in sequences]
    check(got_text == want_text, f"lossy decode: {sum(a != b for a, b in zip(got_text, want_text))} of 300 differ")

    question = "How to solve 3*x^2+4*x+5=1?"
    chat = ids_of(rbench(["tokenize", "--tokenizer", str(model_dir), "--chat"],
                         [{"messages": [{"role": "user", "content": question}]}]), "--chat")
    check(chat == [[200021] + encoding.encode_ordinary(question) + [200020, 200019]], f"--chat card example: {chat}")
    reasoning = ids_of(rbench(["tokenize", "--tokenizer", str(model_dir), "--chat", "--chat-template",
                               "phi4-mini-reasoning"], [{"messages": [{"role": "user", "content": "Hi"}]}]), "named")
    preamble = encoding.encode_ordinary("Your name is Phi, an AI math expert developed by Microsoft.")
    check(reasoning == [[200022] + preamble + [200020, 200021] + encoding.encode_ordinary("Hi") + [200020, 200019]],
          f"--chat-template phi4-mini-reasoning: {reasoning}")

    bad = rbench(["tokenize", "--tokenizer", str(ranks)], [{"text": "fine"}, {"txt": "wrong field"}])
    check(bad.returncode == 1 and "stdin line 2" in bad.stderr, f"bad input line: exit {bad.returncode}, {bad.stderr}")
    unknown = rbench(["detokenize", "--tokenizer", str(ranks)], [{"ids": [199998]}])
    check(unknown.returncode == 1 and "199998" in unknown.stderr, f"unknown id: {unknown.stderr}")

    print(f"{len(texts)} texts checked; {len(failures)} failures")
    if not failures:
        shutil.rmtree(tmp)  # two 11 MB tokenizer.json files per run otherwise
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
