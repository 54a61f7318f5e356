#!/usr/bin/env python3
"""Hugging Face tokenizers' ids for JSON lines {"text"} on stdin: {"ids"} per line on stdout (added tokens matched,
no BOS/EOS). The reference for the tokenizer tests. usage: tokenizer_hf_ids.py TOKENIZER_JSON < texts.jsonl"""
import json
import sys

import tokenizers

tokenizer = tokenizers.Tokenizer.from_file(sys.argv[1])
for line in sys.stdin:
    text = json.loads(line)["text"]
    print(json.dumps({"ids": tokenizer.encode(text, add_special_tokens=False).ids}))
