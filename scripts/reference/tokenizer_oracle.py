#!/usr/bin/env python3
"""Oracle token ids for the tokenizer parity tests, from OpenAI's tiktoken and Hugging Face tokenizers.

The corpus is every problem / solution / answer text of the benchmark .jsonl files plus generated hard cases
(Unicode scripts, emoji, CJK, combining marks, whitespace runs, contractions in every letter case, digit runs,
strings that look like special tokens). For each text one JSON line is written:
  {"text": ..., "tiktoken": ids, "tiktoken_special": ids, "hf": ids}
tiktoken is built offline from the given o200k_base.tiktoken file (nothing downloads): "tiktoken" is
encode_ordinary, "tiktoken_special" encodes with every special token allowed. "hf" is Hugging Face tokenizers
loading the given tokenizer.json (added tokens are always matched there, without BOS/EOS).

usage: tokenizer_oracle.py --data DIR --ranks o200k_base.tiktoken --tokenizer-json FILE --out FILE.jsonl
"""
import argparse
import itertools
import json
import pathlib

import tiktoken
import tokenizers
from tiktoken.load import load_tiktoken_bpe

O200K_PATTERN = (
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


def data_texts(data_dir):
    texts = []
    for path in sorted(pathlib.Path(data_dir).glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                texts.extend(row[k] for k in ("problem", "solution", "answer") if isinstance(row.get(k), str))
    return texts


def case_variants(word):
    return {"".join(chars) for chars in itertools.product(*[(c.lower(), c.upper()) for c in word])}


def hard_cases():
    cases = [
        "Hello, world! HELLO WORLD hello world HelloWorld iPhone McDonald's",
        "naïve café résumé Zoë coöperate façade",
        "e\u0301 a\u0300\u0301\u0302 Z\u0351\u0352\u0353a\u0354l\u0355g\u0356o \u0915\u094d\u0937 \u0e01\u0e34\u0e19",
        "日本語のテキストです。中文文本，包括标点。한국어 텍스트입니다.",
        "Emoji: 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🇺🇸🇯🇵 ❤️ 🧑🏿‍🚀 1️⃣ #️⃣",
        "Arabic: مرحبا بالعالم ١٢٣٤٥ Hebrew: שלום עולם Greek: Αλφα βήτα ΓΑΜΜΑ Cyrillic: Привет МИР",
        "Math: ∑_{i=1}^{n} i² = n(n+1)/2, √2 ≈ 1.41421356, ∞ ≠ −∞, x⁽³⁾, ½ ⅓ ¼, ℝ ℕ ℤ",
        "Digits: 1 12 123 1234 12345 123456 1234567 12345678901234567890 3.14159 1,000,000 0.000001 1e-10",
        "Other numbers: ١٢٣ ۴۵۶ ߁߂ 𝟙𝟚𝟛 Ⅻ ⅷ ⑴ ②",
        "Whitespace\u00a0nbsp\u2003em\u3000ideographic\u2028line\u2029para\u0085nel\u200bzwsp\u180emvs\ufeffbom",
        "tabs\tand\t\ttabs\t\t\t\n\ttrailing\t",
        "CRLF line\r\nanother\r\n\r\n\rold mac\n\n\n\nmany newlines",
        "  leading spaces and trailing spaces   ",
        "a" * 300 + " " + "ab" * 200 + " " + "xyz" * 150,
        "<|endoftext|> <|endofprompt|> <|end|> <|user|>hi<|end|><|assistant|>",
        "<|user|>   spaces after a stripping token<|end|>\n\n<|assistant|>\tand tabs",
        "<|endoftext <|end| |end|> << || >> <|> <||> <|unknown|> <|tool|>x<|/tool|> <|tag|>",
        "<think>\nLet me think.\n</think>\n\\boxed{42}",
        "Code: def f(x):\n    return x**2  # comment\n\n\tif x: pass\n// C++ std::vector<int> v{1,2,3};",
        "URL https://example.com/path/to?q=1&r=two#frag and path /usr/local/bin//x/// and C:\\Windows\\",
        "Symbols: ~!@#$%^&*()_+`-={}|[]\\:\";'<>?,./ «» “quoted” ‘single’ — – … • ¶ § © ® ™",
        "Unicode 15-16: \U00031350\U00031351 ext-H \U0002ebf0 ext-I \U00011f04\U00011f05 Kawi \U000105c0 Todhri "
        "\U00016100 \u1c89\u1c8a A\U00010d50b \U00011bf0\U00011bf1\U0001ccf0 digits a\u180eb \u180e x\u180e",
        "\ufffd replacement \U0001f600 astral \U00010348 gothic \U0001d400 math bold",
    ]
    for n in (1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 64, 100, 257, 1000, 4000):
        cases.append(" " * n)
        cases.append("x" + " " * n + "y")
        cases.append("word" + " " * n + "\n" + " " * n + "next")
    cases.append("\n" * 50 + "\t" * 50 + " \n" * 50)
    for suffix in ("s", "t", "re", "ve", "m", "ll", "d"):
        for variant in sorted(case_variants(suffix)):
            cases.append(f"it'{variant} IT'{variant} It'{variant} 'x'{variant} don'{variant}t 1'{variant} é'{variant}")
    cases.append(" ".join(str(10**k + 7 * k) for k in range(40)))
    cases.append("".join(str(k % 10) for k in range(500)))
    cases.append("\n".join(cases))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--ranks", required=True)
    parser.add_argument("--tokenizer-json", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    encoding = tiktoken.Encoding(
        name="o200k_base_offline",
        pat_str=O200K_PATTERN,
        mergeable_ranks=load_tiktoken_bpe(args.ranks),
        special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    )
    hf = tokenizers.Tokenizer.from_file(args.tokenizer_json)
    texts = data_texts(args.data) + hard_cases()
    with open(args.out, "w", encoding="utf-8") as out:
        for text in texts:
            row = {
                "text": text,
                "tiktoken": encoding.encode_ordinary(text),
                "tiktoken_special": encoding.encode(text, allowed_special="all"),
                "hf": hf.encode(text, add_special_tokens=False).ids,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(texts)} texts to {args.out}")


if __name__ == "__main__":
    main()
