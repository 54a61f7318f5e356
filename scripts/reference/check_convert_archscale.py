"""runtime.convert_archscale: scripts/convert_archscale.py on lit-gpt style state dicts made from a random HF
checkpoint by the inverse renaming (fused per-group qkv and separate q/k/v projections), then: every converted
tensor equals the original, and `rbench score` gives identical logits on both checkpoints.
"""
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import check_golden  # noqa: E402
import convert_archscale  # noqa: E402

RBENCH = os.path.join(os.environ.get("RBENCH_BIN_DIR", "build/bin"), "rbench")


def to_litgpt(hf, cfg, fused):
    heads, kv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    dh = cfg["hidden_size"] // heads
    out = {"transformer.wte.weight": hf["model.embed_tokens.weight"],
           "transformer.ln_f.weight": hf["model.final_layernorm.weight"],
           "transformer.ln_f.bias": hf["model.final_layernorm.bias"]}
    for name, t in hf.items():
        if not name.startswith("model.layers."):
            continue
        i, rest = name[len("model.layers."):].split(".", 1)
        src = f"transformer.h.{i}."
        renames = {"input_layernorm.": "norm_1.", "post_attention_layernorm.": "norm_2.", "mlp.fc1.": "mlp.w1.",
                   "mlp.fc2.": "mlp.w3.", "attn.inner_cross_attn.": "attn.da."}
        for a, b in renames.items():
            if rest.startswith(a):
                out[src + b + rest[len(a):]] = t
                break
        else:
            is_attention = f"model.layers.{i}.attn.Wqkv.weight" in hf
            is_gmu = f"model.layers.{i}.attn.in_proj.weight" in hf and f"model.layers.{i}.attn.A_log" not in hf
            if rest.startswith("attn.Wqkv."):
                kind = rest.split(".")[-1]
                if t.shape[0] == heads * dh:  # cross attention: query only
                    out[src + ("attn.attn." if fused else "attn.q_proj.") + kind] = t
                elif fused:
                    q, k, v = t[:heads * dh], t[heads * dh:(heads + kv) * dh], t[(heads + kv) * dh:]
                    q = q.reshape(kv, heads // kv, dh, *t.shape[1:])
                    grouped = torch.cat([q, k.reshape(kv, 1, dh, *t.shape[1:]), v.reshape(kv, 1, dh, *t.shape[1:])], 1)
                    out[src + "attn.attn." + kind] = grouped.reshape(t.shape)
                else:
                    out[src + "attn.q_proj." + kind] = t[:heads * dh]
                    if kind == "weight":
                        out[src + "attn.k_proj.weight"] = t[heads * dh:(heads + kv) * dh]
                    out[src + "attn.v_proj." + kind] = t[(heads + kv) * dh:]
            elif is_attention and rest.startswith("attn.out_proj."):
                out[src + "attn.proj." + rest.split(".")[-1]] = t
            elif is_gmu:
                out[src + "attn.gmu." + rest[len("attn."):]] = t
            else:
                out[src + rest] = t
    return out


def main():
    torch.set_num_threads(1)
    work = tempfile.mkdtemp(prefix="convert-", dir=os.environ.get("RBENCH_TEST_TMP"))
    cfg = check_golden.config(window=6)
    original = os.path.join(work, "original")
    check_golden.write_checkpoint(original, cfg, torch.float32, 1, seed=5)
    hf = load_file(os.path.join(original, "model.safetensors"))
    heads, kv, dh = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"] // cfg["num_attention_heads"]
    for name in hf:  # ArchScale's k_proj has no bias: make the original's K bias zero so both forms agree
        if name.endswith("Wqkv.bias") and hf[name].shape[0] > heads * dh:
            hf[name][heads * dh:(heads + kv) * dh] = 0
    check_golden.save_file(hf, os.path.join(original, "model.safetensors"), metadata={"format": "pt"})
    ids = list(range(3, 90, 3))
    reference = check_golden.score(original, ids, os.path.join(work, "original.safetensors"))
    failures = []
    for fused in (True, False):
        name = "fused" if fused else "separate"
        pth = os.path.join(work, name + ".pth")
        torch.save(to_litgpt(hf, cfg, fused), pth)
        out_dir = os.path.join(work, name)
        convert_archscale.main([pth, out_dir, "--layers", "8", "--hidden", "64", "--heads", str(heads), "--kv-heads",
                                str(kv), "--intermediate", "128", "--vocab", "96", "--window", "6",
                                "--d-state", str(cfg["mamba_d_state"]), "--layout", "sambay", "--nope-verified"])
        converted = load_file(os.path.join(out_dir, "model.safetensors"))
        if set(converted) != set(hf):
            failures.append(f"{name}: tensor names differ: {sorted(set(converted) ^ set(hf))[:5]}")
            continue
        bad = [n for n in hf if not torch.equal(converted[n], hf[n])]
        if bad:
            failures.append(f"{name}: tensors differ: {bad[:5]}")
        logits = check_golden.score(out_dir, ids, os.path.join(work, name + ".safetensors"))
        diff = (logits - reference).abs().max().item()
        print(f"{name}: {len(converted)} tensors equal: {not bad}; max |logit diff| {diff:.2e}")
        if diff != 0.0:
            failures.append(f"{name}: logits differ by {diff}")
    if failures:
        print("FAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("conversion checks passed")


if __name__ == "__main__":
    main()
