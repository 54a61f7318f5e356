#!/usr/bin/env python3
"""Write a Phi-4-mini-flash-style tokenizer.json from OpenAI's o200k_base ranks.

The ordinary tokens (ids 0..199997) are the o200k_base ranks written in the GPT-2 byte alphabet; the merges are
every split of a token into two tokens, ordered by the merged token's rank (then by the halves' ranks), so that
Hugging Face's merge-priority BPE follows tiktoken's lowest-rank rule; the added tokens are Phi-4-mini's table
(../shared/design/sambay-spec.md, section 1.5). With --model-dir a tokenizer_config.json with the phi4-flash chat
template is written next to it. Used by the tokenizer tests and for tiny checkpoints.

usage: make_phi4_tokenizer_json.py --ranks o200k_base.tiktoken --out DIR [--ignore-merges]
"""
import argparse
import base64
import json
import pathlib

O200K_PATTERN = (
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
    r"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# (id, content, special, rstrip): Phi-4-mini's added tokens, from its added_tokens / tokenizer_config files.
PHI4_ADDED_TOKENS = [
    (199999, "<|endoftext|>", True, False),
    (200018, "<|endofprompt|>", True, False),
    (200019, "<|assistant|>", True, True),
    (200020, "<|end|>", True, True),
    (200021, "<|user|>", True, True),
    (200022, "<|system|>", True, True),
    (200023, "<|tool|>", False, True),
    (200024, "<|/tool|>", False, True),
    (200025, "<|tool_call|>", False, True),
    (200026, "<|/tool_call|>", False, True),
    (200027, "<|tool_response|>", False, True),
    (200028, "<|tag|>", True, True),
]

PHI4_FLASH_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'system' and 'tools' in message and "
    "message['tools'] is not none %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|tool|>' + "
    "message['tools'] + '<|/tool|>' + '<|end|>' }}{% else %}{{ '<|' + message['role'] + '|>' + "
    "message['content'] + '<|end|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}"
    "{% else %}{{ eos_token }}{% endif %}"
)


def byte_alphabet():
    """GPT-2's printable stand-in character for every byte value."""
    itself = [b for b in range(256) if 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or b >= 0xAE]
    table, extra = {}, 0
    for b in range(256):
        if b in itself:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def read_ranks(path):
    ranks = {}
    with open(path, "rb") as f:
        for line_number, line in enumerate(f, 1):
            if not line.strip():
                continue
            token, rank = line.split()
            ranks[base64.b64decode(token, validate=True)] = int(rank)
    return ranks


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", required=True, help="o200k_base.tiktoken")
    parser.add_argument("--out", required=True, help="directory for tokenizer.json (and tokenizer_config.json)")
    parser.add_argument("--model-dir", action="store_true", help="also write tokenizer_config.json")
    parser.add_argument("--ignore-merges", action="store_true", help="set model.ignore_merges (whole-piece lookup)")
    args = parser.parse_args()

    ranks = read_ranks(args.ranks)
    alphabet = byte_alphabet()
    text_of = {token: "".join(alphabet[b] for b in token) for token in ranks}
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        splits = [(token[:k], token[k:]) for k in range(1, len(token)) if token[:k] in ranks and token[k:] in ranks]
        splits.sort(key=lambda s: (ranks[s[0]], ranks[s[1]]))
        merges.extend(f"{text_of[left]} {text_of[right]}" for left, right in splits)

    added = [
        {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": r, "normalized": False, "special": s}
        for i, c, s, r in PHI4_ADDED_TOKENS
    ]
    # The added tokens are also listed in the vocab: Hugging Face tokenizers (0.23) keeps an added token's id
    # only when the model's vocab has it, and otherwise renumbers it after the vocab (which would close o200k's gaps).
    vocab = {text_of[token]: rank for token, rank in sorted(ranks.items(), key=lambda kv: kv[1])}
    vocab.update({content: token_id for token_id, content, _, _ in PHI4_ADDED_TOKENS})
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    document = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": O200K_PATTERN}, "behavior": "Isolated", "invert": False},
                byte_level,
            ],
        },
        "post_processor": None,
        "decoder": byte_level,
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": args.ignore_merges,
            "vocab": vocab,
            "merges": merges,
        },
    }
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizer.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    if args.model_dir:
        config = {
            "add_bos_token": False,
            "add_eos_token": False,
            "bos_token": "<|endoftext|>",
            "eos_token": "<|endoftext|>",
            "pad_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "chat_template": PHI4_FLASH_TEMPLATE,
            "clean_up_tokenization_spaces": False,
            "model_max_length": 65536,
            "tokenizer_class": "GPT2Tokenizer",
        }
        (out / "tokenizer_config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    print(f"wrote {out / 'tokenizer.json'}: {len(ranks)} ranks, {len(merges)} merges, {len(added)} added tokens")


if __name__ == "__main__":
    main()
