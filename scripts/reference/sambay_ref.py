"""Independent float64 reference of the SambaY forward pass (Phi-4-mini-flash and its layout variants),
written from ../shared/design/sambay-spec.md sections 2-4 and 10, not from the C++ runtime.

It reads a Hugging Face layout checkpoint (config.json + model.safetensors or shards listed in
model.safetensors.index.json) and returns full-sequence logits: every token goes through every layer
(no prefill shortcut, no caches), with explicit masks and plain loops, so it shares no structure with the
runtime's chunked/ring-buffer implementation.

Usage as a script: sambay_ref.py MODEL_DIR 1,2,3 OUT.safetensors  (writes float32 "logits" [T, vocab]).
"""
import json
import math
import os
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

DT = torch.float64


def load_tensors(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    tensors = {}
    for name in files:
        with safe_open(os.path.join(model_dir, name), framework="pt") as f:
            for key in f.keys():
                tensors[key] = f.get_tensor(key).to(DT)
    return tensors


def layer_schedule(cfg):
    """Per-layer kind and window (spec section 2, layouts of section 8)."""
    n = cfg["num_hidden_layers"]
    mb = cfg.get("mb_per_layer", 2)
    layout = cfg.get("rbench_layout", "sambay")
    sw = cfg["sliding_window"]
    half = n // 2
    kinds = []
    for i in range(n):
        mamba_slot = i % mb == 0
        if layout == "samba" or i < half:
            kinds.append("mamba" if mamba_slot else "swa")
        elif i == half:
            kinds.append("mamba_mem" if layout == "sambay" else "mamba")
        elif i == half + 1:
            kinds.append("full")
        elif layout == "sambay":
            kinds.append("gmu" if mamba_slot else "cross")
        else:
            kinds.append("cross")
    windows = [(sw[i] if isinstance(sw, list) else sw) if kinds[i] == "swa" else None for i in range(n)]
    return kinds, windows


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def silu(x):
    return x * torch.sigmoid(x)


def softplus(x):
    return torch.where(x > 20, x, torch.log1p(torch.exp(torch.clamp(x, max=20))))


def mamba(t, p, x, d_conv):
    """Spec 4.4, full sequence; returns (out, y) with y the pre-gate scan output (the GMU memory)."""
    L = x.shape[0]
    xz = x @ t[p + "in_proj.weight"].T
    d_inner = xz.shape[1] // 2
    xs, z = xz[:, :d_inner], xz[:, d_inner:]
    w = t[p + "conv1d.weight"][:, 0, :]  # [d_inner, d_conv]
    conv = torch.zeros_like(xs)
    for step in range(L):
        acc = t[p + "conv1d.bias"].clone()
        for k in range(d_conv):
            src = step - (d_conv - 1) + k
            if src >= 0:
                acc = acc + w[:, k] * xs[src]
        conv[step] = acc
    xc = silu(conv)
    dbc = xc @ t[p + "x_proj.weight"].T
    R = t[p + "dt_proj.weight"].shape[1]
    N = t[p + "A_log"].shape[1]
    delta, B, C = dbc[:, :R], dbc[:, R:R + N], dbc[:, R + N:R + 2 * N]
    dt = softplus(delta @ t[p + "dt_proj.weight"].T + t[p + "dt_proj.bias"])
    A = -torch.exp(t[p + "A_log"])
    h = torch.zeros(d_inner, N, dtype=DT)
    ys = []
    for step in range(L):
        h = torch.exp(dt[step][:, None] * A) * h + (dt[step] * xc[step])[:, None] * B[step][None, :]
        ys.append(h @ C[step] + t[p + "D"] * xc[step])
    y = torch.stack(ys)
    return (y * silu(z)) @ t[p + "out_proj.weight"].T, y


def attention(t, p, layer, x, kv, window, cfg, differential):
    """Spec 4.5-4.8 and 10.1. kv: (k, v) [T, Hkv, dh] from the full layer for cross layers, else None."""
    Hq, Hkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    dh = cfg["hidden_size"] // Hq
    L = x.shape[0]
    proj = x @ t[p + "Wqkv.weight"].T + t[p + "Wqkv.bias"]
    q = proj[:, :Hq * dh].reshape(L, Hq, dh)
    if kv is None:
        k = proj[:, Hq * dh:(Hq + Hkv) * dh].reshape(L, Hkv, dh)
        v = proj[:, (Hq + Hkv) * dh:].reshape(L, Hkv, dh)
    else:
        k, v = kv
    S = k.shape[0]
    allowed = torch.zeros(L, S, dtype=torch.bool)
    for i in range(L):
        for j in range(S):
            allowed[i, j] = j <= i and (window is None or j > i - window)
    scale = 1.0 / math.sqrt(dh)

    def probs(qh, kh):
        s = (qh @ kh.T) * scale
        s = s.masked_fill(~allowed, float("-inf"))
        return torch.softmax(s, dim=-1)

    r = Hq // Hkv
    out = torch.zeros(L, Hq * dh, dtype=DT)
    if differential:
        lam_init = 0.8 - 0.6 * math.exp(-0.3 * layer)
        d = p + "inner_cross_attn."
        lam = (torch.exp((t[d + "lambda_q1"] * t[d + "lambda_k1"]).sum())
               - torch.exp((t[d + "lambda_q2"] * t[d + "lambda_k2"]).sum()) + lam_init)
        for pair in range(Hq // 2):
            g = pair // r
            vhat = torch.cat([v[:, 2 * g], v[:, 2 * g + 1]], dim=-1)  # [S, 2dh]
            p1 = probs(q[:, 2 * pair], k[:, 2 * g])
            p2 = probs(q[:, 2 * pair + 1], k[:, 2 * g + 1])
            u = (p1 - lam * p2) @ vhat
            u = u / torch.sqrt((u * u).mean(-1, keepdim=True) + 1e-5)
            out[:, 2 * dh * pair:2 * dh * (pair + 1)] = (1 - lam_init) * t[d + "subln.weight"] * u
    else:
        for h in range(Hq):
            out[:, h * dh:(h + 1) * dh] = probs(q[:, h], k[:, h // r]) @ v[:, h // r]
    result = out @ t[p + "out_proj.weight"].T + t[p + "out_proj.bias"]
    return result, (k, v)


def forward(model_dir, ids):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    t = load_tensors(model_dir)
    eps = cfg.get("layer_norm_eps", 1e-5)
    differential = cfg.get("rbench_differential", True)
    kinds, windows = layer_schedule(cfg)
    d_conv = cfg.get("mamba_d_conv", 4)
    x = t["model.embed_tokens.weight"][torch.tensor(ids)]
    memory, shared_kv = None, None
    for i, kind in enumerate(kinds):
        p = f"model.layers.{i}."
        n1 = layer_norm(x, t[p + "input_layernorm.weight"], t[p + "input_layernorm.bias"], eps)
        if kind in ("mamba", "mamba_mem"):
            a, y = mamba(t, p + "attn.", n1, d_conv)
            if kind == "mamba_mem":
                memory = y
        elif kind == "gmu":
            a = (silu(n1 @ t[p + "attn.in_proj.weight"].T) * memory) @ t[p + "attn.out_proj.weight"].T
        elif kind == "cross":
            a, _ = attention(t, p + "attn.", i, n1, shared_kv, None, cfg, differential)
        else:
            a, kv = attention(t, p + "attn.", i, n1, None, windows[i], cfg, differential)
            if kind == "full":
                shared_kv = kv
        x = x + a
        n2 = layer_norm(x, t[p + "post_attention_layernorm.weight"], t[p + "post_attention_layernorm.bias"], eps)
        fc1 = n2 @ t[p + "mlp.fc1.weight"].T
        inner = fc1.shape[1] // 2
        x = x + (fc1[:, inner:] * silu(fc1[:, :inner])) @ t[p + "mlp.fc2.weight"].T
    h = layer_norm(x, t["model.final_layernorm.weight"], t["model.final_layernorm.bias"], eps)
    head = t["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", True) else t["lm_head.weight"]
    return h @ head.T


if __name__ == "__main__":
    model, id_list, out = sys.argv[1], [int(s) for s in sys.argv[2].split(",")], sys.argv[3]
    save_file({"logits": forward(model, id_list).float().contiguous()}, out)
