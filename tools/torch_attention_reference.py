#!/usr/bin/env python3
"""Measures, in torch 1.13, the bytes autograd keeps for multi-head
attention written as torch's math path (scaled_dot_product_attention's
reference implementation, which torch 1.13 lacks as a function): the figures
tests/unit/PyTorchMemoryTest.cpp pins for netc's `attention` op. Each model
is x: [16, 64] -> q and a joint k/v projection -> 4 heads of 16 -> output
projection; grouped keys and values are repeated per query head as Llama's
repeat_kv does. Run with Debian's python3-torch:

    python3 tools/torch_attention_reference.py
"""
import sys, torch, torch.nn as nn, torch.nn.functional as F
sys.path.insert(0, __import__('os').path.dirname(__file__))
from torch_reference import saved_bytes
torch.manual_seed(0)
class M(nn.Module):
    def __init__(s, dim=64, heads=4, kv_heads=4, p=0.0, causal=False):
        super().__init__()
        s.h, s.kvh, s.d = heads, kv_heads, dim // heads
        s.q = nn.Linear(dim, dim); s.kv = nn.Linear(dim, 2 * kv_heads * s.d)
        s.o = nn.Linear(dim, dim); s.p = p; s.causal = causal
    def forward(s, x):
        B, L, _ = x.shape
        q = s.q(x).view(B, L, s.h, s.d).transpose(1, 2)
        k, v = s.kv(x).split(s.kvh * s.d, dim=-1)
        k = k.reshape(B, L, s.kvh, s.d).transpose(1, 2)
        v = v.reshape(B, L, s.kvh, s.d).transpose(1, 2)
        if s.kvh < s.h:  # Llama's repeat_kv
            r = s.h // s.kvh
            k = k[:, :, None].expand(B, s.kvh, r, L, s.d).reshape(B, s.h, L, s.d)
            v = v[:, :, None].expand(B, s.kvh, r, L, s.d).reshape(B, s.h, L, s.d)
        w = (q @ k.transpose(-2, -1)) * (s.d ** -0.5)
        if s.causal:
            w = w.masked_fill(torch.ones(L, L, dtype=torch.bool).triu(1), float('-inf'))
        w = w.softmax(-1)
        if s.p > 0: w = F.dropout(w, s.p, training=True)
        o = (w @ v).transpose(1, 2).reshape(B, L, s.h * s.d)
        return s.o(o)
for args in [dict(), dict(causal=True), dict(kv_heads=1),
             dict(kv_heads=2, causal=True), dict(p=0.1)]:
    print(args, saved_bytes(M(**args), (16, 64)))
