"""Convert an ArchScale (lit-gpt) SambaY-family checkpoint to the Hugging Face Phi4Flash layout rbench loads.

ArchScale stores a PyTorch state dict (.pth) and picks the architecture by config name, not by a JSON file
(spec 7.3), so the architecture is given here on the command line. Renaming (spec 7.3, ArchScale lit_gpt/model.py
and attention.py):
  transformer.wte.weight                  -> model.embed_tokens.weight
  transformer.h.{i}.norm_1 / norm_2       -> model.layers.{i}.input_layernorm / post_attention_layernorm
  transformer.h.{i}.mlp.w1 / w3           -> model.layers.{i}.mlp.fc1 / fc2      (w1 = [gate | up], as fc1)
  transformer.h.{i}.attn.<mamba params>   -> model.layers.{i}.attn.<same name>   (in_proj, conv1d, x_proj, dt_proj, A_log, D, out_proj)
  transformer.h.{i}.attn.gmu.in_proj/out_proj -> model.layers.{i}.attn.in_proj/out_proj
  transformer.h.{i}.attn.q_proj/k_proj/v_proj -> model.layers.{i}.attn.Wqkv (rows Q | K | V; k_proj has no bias -> zeros)
  transformer.h.{i}.attn.attn (fused, per query group [q_per_kv queries, k, v]) -> Wqkv regrouped to Q | K | V
  transformer.h.{i}.attn.proj             -> model.layers.{i}.attn.out_proj (missing bias -> zeros)
  transformer.h.{i}.attn.da.<name>        -> model.layers.{i}.attn.inner_cross_attn.<name> (lambda_*, subln)
  transformer.ln_f                        -> model.final_layernorm; lm_head dropped when tied.
Limits: rbench's SambaY runs LayerNorm with bias and no positional encoding. Checkpoints trained with RMSNorm
(ArchScale's default) or RoPE (Samba's SWA) are refused rather than converted into a different model.

Usage: convert_archscale.py CKPT.pth OUT_DIR --layers 16 --hidden 1024 --heads 8 --kv-heads 2 --intermediate 4096
         --vocab 32000 --window 512 [--d-state 16] --layout sambay|samba|sambayoco [--plain-attention] [--untied] [--nope-verified]
"""
import argparse
import json
import math
import os
import re
import sys

import torch
from safetensors.torch import save_file


def regroup_fused_qkv(w, heads, kv_heads, head_dim):
    """[G * (q_per_kv + 2) * hs, ...] grouped per query group -> [Q (heads*hs) | K | V]."""
    q_per_kv = heads // kv_heads
    rest = w.shape[1:]
    grouped = w.reshape(kv_heads, q_per_kv + 2, head_dim, *rest)
    q = grouped[:, :q_per_kv].reshape(heads * head_dim, *rest)
    k = grouped[:, q_per_kv].reshape(kv_heads * head_dim, *rest)
    v = grouped[:, q_per_kv + 1].reshape(kv_heads * head_dim, *rest)
    return torch.cat([q, k, v], dim=0)


def convert(state, args):
    out = {}
    used = set()

    def take(name):
        used.add(name)
        return state[name]

    def maybe(name):
        return take(name) if name in state else None

    dh = args.hidden // args.heads
    for name in list(state):
        if re.match(r"transformer\.h\.\d+\.norm_[12]\.weight$", name) and name.replace(".weight", ".bias") not in state:
            sys.exit(f"{name}: no bias, i.e. an RMSNorm model; rbench's SambaY runs LayerNorm with bias only")
    out["model.embed_tokens.weight"] = take("transformer.wte.weight")
    for i in range(args.layers):
        src, dst = f"transformer.h.{i}.", f"model.layers.{i}."
        for a, b in (("norm_1", "input_layernorm"), ("norm_2", "post_attention_layernorm")):
            out[dst + b + ".weight"] = take(src + a + ".weight")
            out[dst + b + ".bias"] = take(src + a + ".bias")
        out[dst + "mlp.fc1.weight"] = take(src + "mlp.w1.weight")
        out[dst + "mlp.fc2.weight"] = take(src + "mlp.w3.weight")
        a = src + "attn."
        if a + "A_log" in state:
            for p in ("in_proj.weight", "conv1d.weight", "conv1d.bias", "x_proj.weight", "dt_proj.weight",
                      "dt_proj.bias", "A_log", "D", "out_proj.weight"):
                out[dst + "attn." + p] = take(a + p)
        elif a + "gmu.in_proj.weight" in state:
            out[dst + "attn.in_proj.weight"] = take(a + "gmu.in_proj.weight")
            out[dst + "attn.out_proj.weight"] = take(a + "gmu.out_proj.weight")
        else:
            if a + "q_proj.weight" in state:
                ws, bs = [take(a + "q_proj.weight")], [maybe(a + "q_proj.bias")]
                if a + "k_proj.weight" in state:
                    ws += [take(a + "k_proj.weight"), take(a + "v_proj.weight")]
                    bs += [maybe(a + "k_proj.bias"), maybe(a + "v_proj.bias")]
                bs = [b if b is not None else torch.zeros(w.shape[0], dtype=w.dtype) for w, b in zip(ws, bs)]
                weight, bias = torch.cat(ws), torch.cat(bs)
            else:
                weight, bias = take(a + "attn.weight"), maybe(a + "attn.bias")
                if bias is None:
                    bias = torch.zeros(weight.shape[0], dtype=weight.dtype)
                if weight.shape[0] != args.hidden:  # self attention: regroup; cross attention is query-only
                    weight = regroup_fused_qkv(weight, args.heads, args.kv_heads, dh)
                    bias = regroup_fused_qkv(bias, args.heads, args.kv_heads, dh)
            out[dst + "attn.Wqkv.weight"], out[dst + "attn.Wqkv.bias"] = weight, bias
            proj = take(a + "proj.weight")
            out[dst + "attn.out_proj.weight"] = proj
            out[dst + "attn.out_proj.bias"] = maybe(a + "proj.bias")
            if out[dst + "attn.out_proj.bias"] is None:
                out[dst + "attn.out_proj.bias"] = torch.zeros(proj.shape[0], dtype=proj.dtype)
            for name in [n for n in state if n.startswith(a + "da.")]:
                out[dst + "attn.inner_cross_attn." + name[len(a + "da."):]] = take(name)
    out["model.final_layernorm.weight"] = take("transformer.ln_f.weight")
    out["model.final_layernorm.bias"] = take("transformer.ln_f.bias")
    if args.untied:
        out["lm_head.weight"] = take("lm_head.weight")
    else:
        used.add("lm_head.weight")
    left = sorted(set(state) - used)
    if left:
        sys.exit("unconverted tensors (an architecture rbench does not run?): " + ", ".join(left[:10]))
    return out


def config_json(args):
    return {"architectures": ["Phi4FlashForCausalLM"], "model_type": "phi4flash", "hidden_size": args.hidden,
            "intermediate_size": args.intermediate, "num_hidden_layers": args.layers,
            "num_attention_heads": args.heads, "num_key_value_heads": args.kv_heads, "vocab_size": args.vocab,
            "sliding_window": args.window, "mb_per_layer": 2, "layer_norm_eps": args.eps,
            "tie_word_embeddings": not args.untied, "mamba_d_state": args.d_state, "mamba_d_conv": 4, "mamba_expand": 2,
            "eos_token_id": args.eos, "bos_token_id": args.bos, "rbench_layout": args.layout,
            "rbench_differential": not args.plain_attention}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("checkpoint")
    p.add_argument("out_dir")
    for flag in ("layers", "hidden", "heads", "kv_heads", "intermediate", "vocab", "window"):
        p.add_argument("--" + flag.replace("_", "-"), type=int, required=True)
    p.add_argument("--layout", choices=["sambay", "samba", "sambayoco"], required=True)
    p.add_argument("--plain-attention", action="store_true")
    p.add_argument("--untied", action="store_true")
    p.add_argument("--d-state", type=int, default=16, help="Mamba state size (ArchScale default 16)")
    p.add_argument("--eps", type=float, default=1e-5)
    p.add_argument("--eos", type=int, default=2)
    p.add_argument("--bos", type=int, default=1)
    p.add_argument("--nope-verified", action="store_true",
                   help="confirm the checkpoint was trained without RoPE (ArchScale nope=True)")
    args = p.parse_args(argv)
    if not args.nope_verified:
        sys.exit("pass --nope-verified after checking the ArchScale config has nope=True: rbench has no RoPE")
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
    if "model" in state and isinstance(state["model"], dict):
        state = state["model"]
    tensors = {k: v.contiguous() for k, v in convert(state, args).items()}
    os.makedirs(args.out_dir, exist_ok=True)
    save_file(tensors, os.path.join(args.out_dir, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(args.out_dir, "config.json"), "w") as f:
        json.dump(config_json(args), f, indent=2)
    with open(os.path.join(args.out_dir, "generation_config.json"), "w") as f:
        json.dump({"eos_token_id": args.eos, "bos_token_id": args.bos}, f, indent=2)
    print(f"wrote {len(tensors)} tensors to {args.out_dir}")


if __name__ == "__main__":
    main()
