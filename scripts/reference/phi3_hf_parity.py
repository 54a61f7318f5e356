"""runtime_phi3.hf_parity: `rbench score` against transformers' own Phi3ForCausalLM on random tiny checkpoints
that `rbench make-tiny --arch phi3` writes (so the checkpoint layout and config are checked too: HF must load
them with no missing or unexpected tensor).

Every checkpoint has original_max_position_embeddings = 32, so a sequence of at most 32 tokens runs with the
short LongRoPE factors and a longer one with the long factors on both sides: transformers' full forward picks
the set by max position + 1 (longrope_frequency_update in modeling_rope_utils), rbench by the scored length
(runtime/models/phi3_rope.h). The script checks that HF's active inv_freq really is the expected set. Cases
cover tied and untied LM heads, GQA ratios 1, 2 and 4, partial rotary fractions 0.75 and 0.5, prefill at once,
chunked prefill and stepwise decode.

Default: CPU float32, max abs logit difference < 1e-4. `--dtype bf16` runs the same cases in bfloat16 on both
sides (checkpoints stored bf16, rbench `--device <device>/bf16`); bf16 rounding alone moves logits by several
bf16 ulps, so the criterion there is against a float32 transformers run of the same weights: rbench's bf16 error
(max and mean abs) may be at most `--bf16-ratio` (1.5) times transformers' own bf16 error. A wrong factor set,
scale or head mapping is far outside that. `--device cuda --dtype bf16` is the GPU check.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file
from transformers import Phi3ForCausalLM
from transformers.utils import logging as hf_logging

RBENCH = os.path.join(os.environ.get("RBENCH_BIN_DIR", "build/bin"), "rbench")
ORIGINAL_MAX = 32

# name, make-tiny flags, sequence length, score modes
CASES = [
    ("short_tied_gqa2", ["--heads", "4", "--kv-heads", "2"], 28, ["prefill", "stepwise"]),
    ("long_tied_gqa2", ["--heads", "4", "--kv-heads", "2"], 50, ["prefill", "chunked", "stepwise"]),
    ("short_untied_mha", ["--heads", "4", "--kv-heads", "4", "--untied"], 32, ["prefill"]),
    ("long_untied_gqa4", ["--heads", "8", "--kv-heads", "2", "--hidden", "128", "--untied"], 45,
     ["prefill", "stepwise"]),
    ("long_untied_half_rotary", ["--untied", "--rotary-fraction", "0.5"], 40, ["prefill", "chunked"]),
]


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}\n{done.stdout}{done.stderr}")


def expected_inv_freq(cfg, use_long):
    head_dim = cfg["hidden_size"] // cfg["num_attention_heads"]
    dim = int(head_dim * cfg["partial_rotary_factor"])
    factors = cfg["rope_scaling"]["long_factor" if use_long else "short_factor"]
    exponent = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    return 1.0 / (torch.tensor(factors, dtype=torch.float32) * cfg["rope_theta"] ** exponent)


def hf_logits(model_dir, ids, device, dtype):
    model, info = Phi3ForCausalLM.from_pretrained(model_dir, dtype=dtype, attn_implementation="eager",
                                                  output_loading_info=True)
    for key in ("missing_keys", "unexpected_keys", "mismatched_keys"):
        if info.get(key):
            sys.exit(f"FAIL: {model_dir}: transformers reports {key}: {info[key]}")
    model.to(device).eval()
    with torch.no_grad():
        logits = model(torch.tensor([ids], device=device)).logits[0].float().cpu()
    return model, logits


def rbench_logits(model_dir, ids, mode, device, dtype, out):
    cmd = [RBENCH, "score", "--model", model_dir, "--ids", ",".join(map(str, ids)), "--out", out,
           "--device", f"{device}/{dtype}"]
    if mode == "stepwise":
        cmd.append("--stepwise")
    if mode == "chunked":
        cmd += ["--chunk", "7"]
    run(cmd)
    return load_file(out)["logits"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--dtype", default="f32", choices=["f32", "bf16"])
    parser.add_argument("--tolerance", type=float, default=1e-4, help="f32: max abs logit difference")
    parser.add_argument("--bf16-ratio", type=float, default=1.5,
                        help="bf16: rbench's error against float32 over transformers' bf16 error")
    args = parser.parse_args()
    hf_logging.set_verbosity_error()  # its advice to prefer rope "factor" is about config style, not numbers
    hf_logging.disable_progress_bar()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    dtype = torch.float32 if args.dtype == "f32" else torch.bfloat16
    root = os.environ.get("RBENCH_TEST_TMP") or tempfile.gettempdir()
    work = tempfile.mkdtemp(prefix="phi3-parity-", dir=root)
    failures = 0
    for seed, (name, flags, n, modes) in enumerate(CASES, start=1):
        model_dir = os.path.join(work, name)
        run([RBENCH, "make-tiny", "--arch", "phi3", "--out", model_dir, "--seed", str(seed), "--layers", "3",
             "--dtype", args.dtype, "--original-max-positions", str(ORIGINAL_MAX), "--no-tokenizer"] + flags)
        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        ids = [(i * 131 + 17 * seed) % cfg["vocab_size"] for i in range(n)]
        use_long = n > ORIGINAL_MAX
        model, reference = hf_logits(model_dir, ids, args.device, dtype)
        active = model.model.rotary_emb.inv_freq.float().cpu()
        if not torch.allclose(active, expected_inv_freq(cfg, use_long), rtol=1e-6, atol=0):
            sys.exit(f"FAIL {name}: transformers did not use the {'long' if use_long else 'short'} factors")
        scale = float(model.model.rotary_emb.attention_scaling)
        assert reference.std() > 0.5, "logits carry signal, so a tolerance means something"
        exact = reference if args.dtype == "f32" else hf_logits(model_dir, ids, args.device, torch.float32)[1]
        hf_error = (reference - exact).abs()
        for mode in modes:
            out = os.path.join(work, f"{name}-{mode}.safetensors")
            ours = rbench_logits(model_dir, ids, mode, args.device, args.dtype, out)
            diff = (ours - reference).abs().max().item()
            if args.dtype == "f32":
                ok = ours.shape == reference.shape and diff < args.tolerance
                detail = ""
            else:
                error = (ours - exact).abs()
                ok = ours.shape == reference.shape and all(
                    ours_e <= args.bf16_ratio * hf_e for ours_e, hf_e in
                    ((error.max(), hf_error.max()), (error.mean(), hf_error.mean())))
                detail = (f" | vs f32: rbench max {error.max():.3f} mean {error.mean():.4f}, "
                          f"transformers max {hf_error.max():.3f} mean {hf_error.mean():.4f}")
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name:26s} {mode:9s} T={n:3d} "
                  f"factors={'long ' if use_long else 'short'} scale={scale:.6f} max|diff|={diff:.3e}{detail}")
        if use_long:
            # The same prefix under the short set must differ, or the long cases would prove nothing.
            with torch.no_grad():
                prefix = model(torch.tensor([ids[:ORIGINAL_MAX]], device=args.device)).logits[0].float().cpu()
            gap = (prefix - reference[:ORIGINAL_MAX]).abs().max().item()
            if gap < 1e-2:
                failures += 1
                print(f"FAIL {name}: short and long factors give the same logits (max gap {gap:.2e})")
    if failures:
        sys.exit(f"{failures} comparison(s) failed ({args.device}, {args.dtype})")
    print(f"all comparisons pass ({args.device}, {args.dtype})")


if __name__ == "__main__":
    main()
