"""runtime.golden_logits: `rbench score` (prefill at once, chunked prefill, stepwise decode) against the
independent float64 reference sambay_ref.py on random tiny checkpoints, max abs logit difference < 1e-4.

Most checkpoints are written here in Python from the spec's tensor table (section 3), so the C++ loader is
also checked against a writer it shares no code with: f32/bf16/f16 storage (A_log and lambdas F32, as
released), one file or shards with model.safetensors.index.json, sliding_window as int or per-layer list,
head ratios r = 1, 2 and 4, every layout (sambay, samba, sambayoco), differential and plain attention.
One more checkpoint comes from `rbench make-tiny`. Sequences are several times longer than the window.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sambay_ref  # noqa: E402

TOLERANCE = 1e-4
RBENCH = os.path.join(os.environ.get("RBENCH_BIN_DIR", "build/bin"), "rbench")


def tensor_table(cfg):
    """(name, shape, kind) for every tensor, from spec section 3."""
    D, I = cfg["hidden_size"], cfg["intermediate_size"]
    Hq, Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    dh = D // Hq
    di, N, R = 2 * D, cfg["mamba_d_state"], math.ceil(D / 16)
    kinds, _ = sambay_ref.layer_schedule(cfg)
    diff = cfg.get("rbench_differential", True)
    out = [("model.embed_tokens.weight", (cfg["vocab_size"], D), "embed")]
    for i, kind in enumerate(kinds):
        p = f"model.layers.{i}."
        out += [(p + "input_layernorm.weight", (D,), "one"), (p + "input_layernorm.bias", (D,), "small"),
                (p + "post_attention_layernorm.weight", (D,), "one"),
                (p + "post_attention_layernorm.bias", (D,), "small"),
                (p + "mlp.fc1.weight", (2 * I, D), "lin"), (p + "mlp.fc2.weight", (D, I), "lin")]
        a = p + "attn."
        if kind.startswith("mamba"):
            out += [(a + "in_proj.weight", (2 * di, D), "lin"), (a + "conv1d.weight", (di, 1, 4), "conv"),
                    (a + "conv1d.bias", (di,), "small"), (a + "x_proj.weight", (R + 2 * N, di), "lin"),
                    (a + "dt_proj.weight", (di, R), "lin"), (a + "dt_proj.bias", (di,), "dt"),
                    (a + "A_log", (di, N), "alog"), (a + "D", (di,), "one"),
                    (a + "out_proj.weight", (D, di), "lin")]
        elif kind == "gmu":
            out += [(a + "in_proj.weight", (di, D), "lin"), (a + "out_proj.weight", (D, di), "lin")]
        else:
            width = Hq * dh if kind == "cross" else (Hq + 2 * Hkv) * dh
            out += [(a + "Wqkv.weight", (width, D), "lin"), (a + "Wqkv.bias", (width,), "small"),
                    (a + "out_proj.weight", (D, Hq * dh), "lin"), (a + "out_proj.bias", (D,), "small")]
            if diff:
                out += [(a + "inner_cross_attn." + n, (dh,), "lambda") for n in
                        ("lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2")]
                out += [(a + "inner_cross_attn.subln.weight", (2 * dh,), "one")]
    out += [("model.final_layernorm.weight", (D,), "one"), ("model.final_layernorm.bias", (D,), "small")]
    return out


def random_value(shape, kind, gen):
    n = lambda s: torch.randn(shape, generator=gen, dtype=torch.float32) * s  # noqa: E731
    if kind == "lin":
        return n(1 / math.sqrt(shape[-1]))
    if kind == "embed":
        return n(0.3)
    if kind == "one":
        return 1 + n(0.1)
    if kind in ("small", "lambda"):
        return n(0.1)
    if kind == "conv":
        return torch.rand(shape, generator=gen) - 0.5
    if kind == "alog":
        return torch.log(1 + 15 * torch.rand(shape, generator=gen))
    if kind == "dt":
        dt = torch.exp(math.log(1e-3) + (math.log(1e-1) - math.log(1e-3)) * torch.rand(shape, generator=gen))
        return dt + torch.log(-torch.expm1(-dt))
    raise ValueError(kind)


def write_checkpoint(directory, cfg, dtype, shards, seed):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f)
    gen = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, shape, kind in tensor_table(cfg):
        value = random_value(shape, kind, gen)
        keep_f32 = name.endswith("A_log") or "lambda_" in name
        tensors[name] = value.to(torch.float32 if keep_f32 else dtype).contiguous()
    if shards == 1:
        save_file(tensors, os.path.join(directory, "model.safetensors"), metadata={"format": "pt"})
        return
    names = list(tensors)
    weight_map = {}
    per = (len(names) + shards - 1) // shards
    for s in range(shards):
        file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {k: tensors[k] for k in names[s * per:(s + 1) * per]}
        save_file(part, os.path.join(directory, file), metadata={"format": "pt"})
        weight_map.update({k: file for k in part})
    with open(os.path.join(directory, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)


def config(layers=8, hidden=64, heads=4, kv=2, window=8, window_list=False, layout="sambay", differential=True):
    kinds = None
    cfg = {"model_type": "phi4flash", "architectures": ["Phi4FlashForCausalLM"], "hidden_size": hidden,
           "intermediate_size": 2 * hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
           "num_key_value_heads": kv, "vocab_size": 96, "sliding_window": window, "mb_per_layer": 2,
           "layer_norm_eps": 1e-5, "tie_word_embeddings": True, "mamba_d_state": 8, "mamba_d_conv": 4,
           "mamba_expand": 2, "rbench_layout": layout, "rbench_differential": differential}
    if window_list:
        kinds, _ = sambay_ref.layer_schedule(cfg)
        cfg["sliding_window"] = [window if k == "swa" else None for k in kinds]
    return cfg


ONE_THREAD = dict(os.environ, OMP_NUM_THREADS="1")  # tiny models: extra threads only spin on 2 shared cores


def score(model_dir, ids, out, *extra):
    subprocess.run([RBENCH, "score", "--model", model_dir, "--ids", ",".join(map(str, ids)), "--out", out, *extra],
                   check=True, env=ONE_THREAD)
    return load_file(out)["logits"].double()


def main():
    torch.set_num_threads(1)
    work = tempfile.mkdtemp(prefix="golden-", dir=os.environ.get("RBENCH_TEST_TMP"))
    cases = [
        ("sambay_r2_f32_windowlist", config(window_list=True), torch.float32, 1),
        ("sambay_r1_bf16_sharded", config(heads=4, kv=4, window=6), torch.bfloat16, 3),
        ("samba_r2_f16", config(layout="samba", window=5), torch.float16, 1),
        ("sambayoco_plain_r2_f32", config(layout="sambayoco", differential=False, heads=8, kv=4), torch.float32, 2),
        ("sambay_plain_r4_bf16", config(differential=False, heads=8, kv=2, layers=12), torch.bfloat16, 1),
    ]
    failures = []
    gen = torch.Generator().manual_seed(7)
    for seed, (name, cfg, dtype, shards) in enumerate(cases):
        d = os.path.join(work, name)
        write_checkpoint(d, cfg, dtype, shards, seed)
        ids = torch.randint(0, cfg["vocab_size"], (37,), generator=gen).tolist()
        failures += compare(name, d, ids)
    tiny = os.path.join(work, "make_tiny_bf16_r4")
    subprocess.run([RBENCH, "make-tiny", "--out", tiny, "--seed", "3", "--dtype", "bf16", "--heads", "8",
                    "--kv-heads", "2", "--window", "8", "--window-list"], check=True, stdout=subprocess.DEVNULL)
    ids = torch.randint(0, 300, (33,), generator=gen).tolist()
    failures += compare("make_tiny_bf16_r4", tiny, ids)
    if failures:
        print("FAILED:\n" + "\n".join(failures))
        sys.exit(1)
    print("all golden checks passed")


def compare(name, model_dir, ids):
    reference = sambay_ref.forward(model_dir, ids)
    failures = []
    for mode, extra in (("prefill", ()), ("chunked", ("--chunk", "5")), ("stepwise", ("--stepwise",))):
        got = score(model_dir, ids, os.path.join(model_dir, f"{mode}.safetensors"), *extra)
        diff = (got - reference).abs().max().item()
        status = "ok" if diff < TOLERANCE else "FAIL"
        print(f"{name:28s} {mode:9s} max|diff| = {diff:.3e} (logit std {reference.std().item():.2f}) {status}")
        if diff >= TOLERANCE or got.shape != reference.shape:
            failures.append(f"{name} {mode}: max abs diff {diff:.3e}, shapes {tuple(got.shape)} vs {tuple(reference.shape)}")
    return failures


if __name__ == "__main__":
    main()
