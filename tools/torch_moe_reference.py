#!/usr/bin/env python3
"""Measures a Mixtral sparse mixture-of-experts block in torch 1.13 for
netc's `moe` op.

The block is written here in plain torch.nn, following transformers'
modeling_mixtral.py (MixtralSparseMoeBlock and MixtralBlockSparseTop2MLP,
eager): a bias-free router `gate` [experts, dim], a softmax over the experts
in f32, the top_k weights renormalised to sum to 1, and for each expert the
tokens routed to it gathered, put through its SwiGLU MLP
(w2(silu(w1(x)) * w3(x))), scaled by their routing weight and added back
with index_add_.

For one configuration it prints, as JSON:
- the parameters (router + every expert) and the active ones per token
  (router + top_k experts);
- the MACs per token, counted at the dispatch level (every addmm/mm/bmm/
  matmul call: rows x inner x columns), divided by the tokens;
- the bytes autograd saves in one training-mode forward pass of
  Linear(dim, dim) and the block on an input [1, tokens, dim] that needs
  no gradient (netc's `dense(x, dim) |> moe(...)`), by the rules
  of tools/torch_reference.py (SavedTensorLog of
  torch_transformers_reference.py): parameters left out, each distinct
  (storage, offset, shape, dtype) once; and the same split into float
  activations, the f32 router probabilities, and integer index tensors.

Routing decides which experts run, not how many: every token goes to
exactly top_k experts, so the totals do not depend on the random routing.

    /usr/bin/python3 tools/torch_moe_reference.py [dim hidden experts top_k tokens [frozen]]

frozen=1 turns off requires_grad on every parameter (a frozen moe, as
--freeze makes it), with the input still requiring a gradient.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_transformers_reference import SavedTensorLog, nbytes  # noqa: E402


class MixtralBlockSparseTop2MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x, routing_weights):
        h = F.silu(self.w1(x)) * self.w3(x)
        return routing_weights * self.w2(h)


class MixtralSparseMoeBlock(nn.Module):
    def __init__(self, dim, hidden, experts, top_k):
        super().__init__()
        self.top_k = top_k
        self.num_experts = experts
        self.gate = nn.Linear(dim, experts, bias=False)
        self.experts = nn.ModuleList(
            [MixtralBlockSparseTop2MLP(dim, hidden) for _ in range(experts)])

    def forward(self, hidden_states):
        batch, tokens, dim = hidden_states.shape
        hidden_states = hidden_states.view(-1, dim)
        router_logits = self.gate(hidden_states)
        routing_weights = F.softmax(router_logits, dim=1, dtype=torch.float)
        routing_weights, selected = torch.topk(routing_weights, self.top_k,
                                               dim=-1)
        routing_weights /= routing_weights.sum(dim=-1, keepdim=True)
        routing_weights = routing_weights.to(hidden_states.dtype)
        final = torch.zeros((batch * tokens, dim), dtype=hidden_states.dtype)
        mask = F.one_hot(selected, num_classes=self.num_experts).permute(2, 1, 0)
        for e in range(self.num_experts):
            idx, top_x = torch.where(mask[e])
            if top_x.shape[0] == 0:
                continue
            top_x_list, idx_list = top_x.tolist(), idx.tolist()
            current = hidden_states[None, top_x_list].reshape(-1, dim)
            out = self.experts[e](current,
                                  routing_weights[top_x_list, idx_list, None])
            final.index_add_(0, top_x, out.to(hidden_states.dtype))
        return final.reshape(batch, tokens, dim)


class MacCounter(TorchDispatchMode):
    """Counts the multiply-accumulates of matrix products as dispatched."""

    def __init__(self):
        super().__init__()
        self.macs = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.overloadpacket.__name__
        if name in ("mm", "addmm", "bmm"):
            a, b = (args[1], args[2]) if name == "addmm" else (args[0], args[1])
            rows = a.numel() // a.shape[-1]
            self.macs += rows * a.shape[-1] * b.shape[-1]
        return out


def measure(dim, hidden, experts, top_k, tokens, frozen=0):
    torch.manual_seed(0)
    block = MixtralSparseMoeBlock(dim, hidden, experts, top_k)
    block.train()
    for p in block.parameters():
        p.requires_grad_(not frozen)
    params = sum(p.numel() for p in block.parameters())
    expert_params = sum(p.numel() for p in block.experts[0].parameters())
    active = params - (experts - top_k) * expert_params

    x = torch.randn(1, tokens, dim, requires_grad=True)
    with MacCounter() as counter:
        block(x)

    # As a .net file has it: a layer before the block, so that its input
    # requires a gradient, on a network input that does not.
    model = nn.Sequential(nn.Linear(dim, dim), block)
    log = SavedTensorLog(model)
    log.run(torch.randn(1, tokens, dim))
    split = {"float activations": 0, "f32 router": 0, "index tensors": 0}
    for r in log.records:
        if not r["new"]:
            continue
        t = r["tensor"]
        if not t.is_floating_point():
            split["index tensors"] += nbytes(t)
        elif t.shape[-1] == experts and r["grad_fn"] == "SoftmaxBackward0":
            split["f32 router"] += nbytes(t)
        else:
            split["float activations"] += nbytes(t)
    saved = sum(nbytes(r["tensor"]) for r in log.records if r["new"])
    listing = [{"grad_fn": r["grad_fn"], "slot": r["slot"],
                "shape": list(r["tensor"].shape),
                "dtype": str(r["tensor"].dtype).replace("torch.", ""),
                "counted": r["new"]}
               for r in log.records if not r["param"]]
    return {"dim": dim, "hidden": hidden, "experts": experts, "top_k": top_k,
            "tokens": tokens, "frozen": bool(frozen), "params": params, "active_params": active,
            "macs_per_token": counter.macs // tokens,
            "macs": counter.macs, "saved_bytes": saved, "saved_split": split,
            "saves": listing}


def main():
    args = [int(a) for a in sys.argv[1:]] or [64, 224, 8, 2, 32]
    json.dump(measure(*args), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
