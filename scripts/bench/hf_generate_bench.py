#!/usr/bin/env python3
"""Hugging Face transformers' own `generate` on the Transformer baseline: a random-weight Phi3ForCausalLM at the
Phi-4-mini-reasoning shape (spec section 6.1), bfloat16 on CUDA, SDPA attention, a 2K-token prompt, greedy, a
fixed number of new tokens with eos ignored. Prints one JSON line per batch size: end-to-end tokens/s (new tokens
of all sequences over the generate call), the prefill time (a generate of one new token) and the decode tokens/s
left when that prefill is taken out, which is what `rbench bench` reports as decode_tokens_per_s.

    python scripts/bench/hf_generate_bench.py --batch 1,64 --prompt-len 2048 --new-tokens 128
"""
import argparse
import json
import sys
import time

import torch
import transformers
from transformers import Phi3Config, Phi3ForCausalLM

LONG_FACTOR = [
    1, 1.118320672, 1.250641126, 1.398617824, 1.564103225, 1.74916897, 1.956131817, 2.187582649, 2.446418898,
    2.735880826, 3.059592084, 3.421605075, 3.826451687, 4.279200023, 4.785517845, 5.351743533, 5.984965424,
    6.693110555, 7.485043894, 8.370679318, 9.36110372, 10.4687158, 11.70738129, 13.09260651, 14.64173252,
    16.37415215, 18.31155283, 20.47818807, 22.90118105, 25.61086418, 28.64115884, 32.03, 32.1, 32.13, 32.23, 32.6,
    32.61, 32.64, 32.66, 32.7, 32.71, 32.93, 32.97, 33.28, 33.49, 33.5, 44.16, 47.77]


def phi4_mini_config() -> Phi3Config:
    return Phi3Config(
        hidden_size=3072, intermediate_size=8192, num_hidden_layers=32, num_attention_heads=24,
        num_key_value_heads=8, vocab_size=200064, rms_norm_eps=1e-5, hidden_act="silu",
        max_position_embeddings=131072, original_max_position_embeddings=4096, rope_theta=10000.0,
        partial_rotary_factor=0.75,
        rope_scaling={"type": "longrope", "short_factor": [1.0] * 48, "long_factor": LONG_FACTOR},
        tie_word_embeddings=True, bos_token_id=199999, eos_token_id=200020, pad_token_id=199999)


def timed_generate(model, ids, new_tokens: int) -> float:
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens, min_new_tokens=new_tokens,
                   do_sample=False, pad_token_id=199999)  # min_new_tokens holds eos off
    torch.cuda.synchronize()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", default="1,64", help="comma-separated batch sizes")
    ap.add_argument("--prompt-len", type=int, default=2048)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    config = phi4_mini_config()
    config._attn_implementation = "sdpa"
    t0 = time.perf_counter()
    with torch.device("cuda"):
        model = Phi3ForCausalLM(config).to(torch.bfloat16).eval()
    build_seconds = time.perf_counter() - t0
    n_params = sum(p.numel() for p in model.parameters())
    gpu = torch.cuda.get_device_name(0)
    for batch in [int(b) for b in args.batch.split(",") if b]:
        record = {"engine": "hf_transformers", "transformers": transformers.__version__, "torch": torch.__version__,
                  "gpu": gpu, "arch": "phi3", "n_params": n_params, "batch": batch, "prompt_len": args.prompt_len,
                  "new_tokens": args.new_tokens, "build_seconds": build_seconds}
        try:
            ids = torch.randint(0, 199990, (batch, args.prompt_len), device="cuda")
            with torch.inference_mode():
                timed_generate(model, ids[:, :64], 4)  # warm-up (kernels, cuBLAS)
                prefill = timed_generate(model, ids, 1)
                total = timed_generate(model, ids, args.new_tokens)
            record.update({
                "prefill_seconds": prefill, "generate_seconds": total,
                "tokens_per_s": batch * args.new_tokens / total,
                "decode_tokens_per_s": batch * (args.new_tokens - 1) / max(total - prefill, 1e-9),
                "peak_memory_gib": torch.cuda.max_memory_allocated() / 2**30})
        except Exception as e:  # one batch size failing (e.g. out of memory) must not lose the others
            record["error"] = f"{type(e).__name__}: {e}"
        torch.cuda.empty_cache()
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
