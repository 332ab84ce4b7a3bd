#!/usr/bin/env python3
"""Measures Hugging Face's GPT-2 and BERT in torch 1.13 for netc's
PyTorch-accurate memory model.

For each model: the unique parameters (GPT-2's lm_head.weight is tied to
transformer.wte.weight and counts once, as model.parameters() yields it once)
and the bytes torch.autograd saves for the backward pass in ONE training-mode
forward pass at batch 1 in f32 (GPT-2 at 1024 tokens, BERT at 128 tokens),
counted by the rules of saved_bytes in tools/torch_reference.py: every tensor
a backward function keeps passes through saved_tensors_hooks; parameters are
left out (model states); the rest count once each, keyed by (storage pointer,
storage offset, shape, dtype). The variant here takes an input tensor, since
these models take int64 token ids rather than a float image.

Each saved tensor is also attributed to the module whose forward was running
and to the backward function (grad_fn) and slot that keep it, so the script
can print the saves of one transformer block op by op, and split the total
into categories: activations, dropout masks, 0-dim scalars, batch-independent
constants (causal-mask buffer slices, position and token-type ids) and the
input token ids.

Dropout masks: on CPU, torch 1.13's dropout (at::dropout -> _dropout_impl)
computes input * noise with a float noise tensor that MulBackward0 keeps, 4
bytes per element; on CUDA it takes the fused native_dropout, whose backward
keeps a 1-byte bool mask. The script therefore reports the CPU total, the
total with masks at 1 byte, and ("-native-dropout" rows) a run that calls
torch.native_dropout, which on CPU returns a bool mask too, so the CUDA-like
figure is measured, not only computed.

Besides the key-rule total, each row gives distinct_storage_bytes, the bytes
of the distinct storages the saved tensors hold (what memory really keeps;
slices of model buffers count by their elements): the key rule counts a
storage twice when it is saved under two shapes (with p=0, GPT-2 and BERT
save softmax's result as [1, h, L, L] and, viewed, as bmm's [h, L, L]
operand), and a small view keeps its whole storage alive (BERT's pooler
keeps the [1, d] row of token 0, a view of all the last hidden states).

The models are written here in plain torch.nn, following transformers'
modeling_gpt2.py (GPT2LMHeadModel, eager attention) and modeling_bert.py
(BertModel with its pooler, eager self-attention), because transformers is
not packaged in Debian 12 and there is no network. Differences from HF that
do not change the figures: nn.Linear instead of GPT-2's Conv1D (same
parameters; Conv1D does addmm on a 2-D view as nn.Linear does for a
contiguous 3-D input), torch's default initialisation instead of HF's
_init_weights (values do not change what is saved). One difference that
does: HF's GPT-2 config says activation_function="gelu_new", which HF writes
as the explicit tanh formula in elementwise ops (NewGELUActivation); netc's
gelu(approximate="tanh") is F.gelu(x, approximate="tanh") (HF's
"gelu_pytorch_tanh"), which is what the main GPT-2 rows use. The row
gpt2-small-gelu_new measures HF's formula for comparison.

Run with Debian's python3-torch:
    /usr/bin/python3 tools/torch_transformers_reference.py
    /usr/bin/python3 tools/torch_transformers_reference.py --json
    /usr/bin/python3 tools/torch_transformers_reference.py --all
    /usr/bin/python3 tools/torch_transformers_reference.py --only bert-base
Debian's torch multiplies f32 matrices with the reference (netlib) BLAS,
about 2.4 GFLOP/s on one core, so one GPT-2 small forward pass at 1024 tokens
takes about 200 s; the default set (GPT-2 small with p=0.1 and p=0, the BERT
rows) takes 8 to 15 minutes. --all adds GPT-2 small with native dropout and
with gelu_new, and GPT-2 medium (about 12 minutes, 8 GiB) and large (about
35 minutes, 17 GiB); GPT-2 xl is only constructed, for its parameter count.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------
# Dropout: torch's (float mask on CPU) or the fused native_dropout (bool mask,
# what CUDA runs).

class NativeDropout(nn.Dropout):
    """nn.Dropout through torch.native_dropout: a 1-byte bool mask is kept,
    as CUDA's fused dropout keeps (at::dropout takes native_dropout on CUDA
    only)."""

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        return torch.native_dropout(x, self.p, True)[0]


def make_dropout(p, impl):
    return NativeDropout(p) if impl == "native" else nn.Dropout(p)


# ---------------------------------------------------------------------------
# GPT-2 (transformers/models/gpt2/modeling_gpt2.py, eager attention)

GPT2_CONFIGS = {
    # name: (n_embd, n_layer, n_head)
    "gpt2-small": (768, 12, 12),
    "gpt2-medium": (1024, 24, 16),
    "gpt2-large": (1280, 36, 20),
    "gpt2-xl": (1600, 48, 25),
}
GPT2_VOCAB = 50257
GPT2_POSITIONS = 1024


class NewGELUActivation(nn.Module):
    """HF's "gelu_new", the activation GPT-2's config names: the tanh
    approximation written as elementwise ops."""

    def forward(self, input):
        return 0.5 * input * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (
            input + 0.044715 * torch.pow(input, 3.0))))


class TanhGELU(nn.Module):
    """F.gelu(x, approximate="tanh"): HF's "gelu_pytorch_tanh", netc's
    gelu(approximate="tanh")."""

    def forward(self, input):
        return F.gelu(input, approximate="tanh")


class GPT2Attention(nn.Module):
    def __init__(self, d, heads, p, dropout_impl):
        super().__init__()
        # HF: a [1, 1, n_positions, n_positions] bool lower triangle per
        # attention module, persistent=False.
        self.register_buffer("bias", torch.tril(torch.ones(
            (GPT2_POSITIONS, GPT2_POSITIONS), dtype=torch.bool)).view(
                1, 1, GPT2_POSITIONS, GPT2_POSITIONS), persistent=False)
        self.num_heads = heads
        self.head_dim = d // heads
        self.split_size = d
        self.c_attn = nn.Linear(d, 3 * d)   # HF: Conv1D(3 * d, d)
        self.c_proj = nn.Linear(d, d)       # HF: Conv1D(d, d)
        self.attn_dropout = make_dropout(p, dropout_impl)
        self.resid_dropout = make_dropout(p, dropout_impl)

    def _split_heads(self, tensor):
        new_shape = tensor.size()[:-1] + (self.num_heads, self.head_dim)
        return tensor.view(new_shape).permute(0, 2, 1, 3)

    def _merge_heads(self, tensor):
        tensor = tensor.permute(0, 2, 1, 3).contiguous()
        new_shape = tensor.size()[:-2] + (self.num_heads * self.head_dim,)
        return tensor.view(new_shape)

    def _attn(self, query, key, value):
        attn_weights = torch.matmul(query, key.transpose(-1, -2))
        # scale_attn_weights: HF divides by a 0-dim tensor.
        attn_weights = attn_weights / torch.full(
            [], value.size(-1) ** 0.5, dtype=attn_weights.dtype,
            device=attn_weights.device)
        query_length, key_length = query.size(-2), key.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length:key_length,
                                :key_length]
        mask_value = torch.finfo(attn_weights.dtype).min
        mask_value = torch.full([], mask_value, dtype=attn_weights.dtype).to(
            attn_weights.device)
        attn_weights = torch.where(causal_mask,
                                   attn_weights.to(attn_weights.dtype),
                                   mask_value)
        attn_weights = F.softmax(attn_weights, dim=-1)
        attn_weights = attn_weights.type(value.dtype)
        attn_weights = self.attn_dropout(attn_weights)
        return torch.matmul(attn_weights, value)

    def forward(self, hidden_states):
        query, key, value = self.c_attn(hidden_states).split(
            self.split_size, dim=2)
        query = self._split_heads(query)
        key = self._split_heads(key)
        value = self._split_heads(value)
        attn_output = self._attn(query, key, value)
        attn_output = self._merge_heads(attn_output)
        attn_output = self.c_proj(attn_output)
        return self.resid_dropout(attn_output)


class GPT2MLP(nn.Module):
    def __init__(self, d, p, dropout_impl, act):
        super().__init__()
        self.c_fc = nn.Linear(d, 4 * d)     # HF: Conv1D(4 * d, d)
        self.c_proj = nn.Linear(4 * d, d)   # HF: Conv1D(d, 4 * d)
        self.act = NewGELUActivation() if act == "gelu_new" else TanhGELU()
        self.dropout = make_dropout(p, dropout_impl)

    def forward(self, hidden_states):
        hidden_states = self.c_fc(hidden_states)
        hidden_states = self.act(hidden_states)
        hidden_states = self.c_proj(hidden_states)
        return self.dropout(hidden_states)


class GPT2Block(nn.Module):
    def __init__(self, d, heads, p, dropout_impl, act):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = GPT2Attention(d, heads, p, dropout_impl)
        self.ln_2 = nn.LayerNorm(d, eps=1e-5)
        self.mlp = GPT2MLP(d, p, dropout_impl, act)

    def forward(self, hidden_states):
        residual = hidden_states
        hidden_states = self.ln_1(hidden_states)
        hidden_states = self.attn(hidden_states) + residual
        residual = hidden_states
        hidden_states = self.ln_2(hidden_states)
        return residual + self.mlp(hidden_states)


class GPT2Model(nn.Module):
    def __init__(self, d, layers, heads, p, dropout_impl, act):
        super().__init__()
        self.wte = nn.Embedding(GPT2_VOCAB, d)
        self.wpe = nn.Embedding(GPT2_POSITIONS, d)
        self.drop = make_dropout(p, dropout_impl)
        self.h = nn.ModuleList(GPT2Block(d, heads, p, dropout_impl, act)
                               for _ in range(layers))
        self.ln_f = nn.LayerNorm(d, eps=1e-5)

    def forward(self, input_ids):
        input_shape = input_ids.size()
        input_ids = input_ids.view(-1, input_shape[-1])
        # HF: position_ids made in forward (batch-independent).
        position_ids = torch.arange(0, input_shape[-1], dtype=torch.long,
                                    device=input_ids.device).unsqueeze(0)
        hidden_states = self.wte(input_ids) + self.wpe(position_ids)
        hidden_states = self.drop(hidden_states)
        for block in self.h:
            hidden_states = block(hidden_states)
        hidden_states = self.ln_f(hidden_states)
        return hidden_states.view(input_shape + (hidden_states.size(-1),))


class GPT2LMHeadModel(nn.Module):
    def __init__(self, d, layers, heads, p=0.1, dropout_impl="torch",
                 act="gelu_tanh"):
        super().__init__()
        self.transformer = GPT2Model(d, layers, heads, p, dropout_impl, act)
        self.lm_head = nn.Linear(d, GPT2_VOCAB, bias=False)
        self.lm_head.weight = self.transformer.wte.weight   # tie_weights()

    def forward(self, input_ids):
        return (self.lm_head(self.transformer(input_ids)),)

    def blocks(self):
        return "transformer.h."


# ---------------------------------------------------------------------------
# BERT (transformers/models/bert/modeling_bert.py, eager self-attention)

BERT_CONFIGS = {
    # name: (hidden, layers, heads, intermediate)
    "bert-base": (768, 12, 12, 3072),
    "bert-large": (1024, 24, 16, 4096),
}
BERT_VOCAB = 30522
BERT_POSITIONS = 512
BERT_TYPES = 2


class BertEmbeddings(nn.Module):
    def __init__(self, d, p, dropout_impl):
        super().__init__()
        self.word_embeddings = nn.Embedding(BERT_VOCAB, d, padding_idx=0)
        self.position_embeddings = nn.Embedding(BERT_POSITIONS, d)
        self.token_type_embeddings = nn.Embedding(BERT_TYPES, d)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = make_dropout(p, dropout_impl)
        self.register_buffer("position_ids", torch.arange(
            BERT_POSITIONS).expand((1, -1)), persistent=False)
        self.register_buffer("token_type_ids", torch.zeros(
            self.position_ids.size(), dtype=torch.long), persistent=False)

    def forward(self, input_ids, token_type_ids):
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, 0:seq_length]
        embeddings = (self.word_embeddings(input_ids)
                      + self.token_type_embeddings(token_type_ids))
        embeddings = embeddings + self.position_embeddings(position_ids)
        embeddings = self.LayerNorm(embeddings)
        return self.dropout(embeddings)


class BertSelfAttention(nn.Module):
    def __init__(self, d, heads, p, dropout_impl):
        super().__init__()
        self.num_attention_heads = heads
        self.attention_head_size = d // heads
        self.all_head_size = d
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.dropout = make_dropout(p, dropout_impl)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads,
                                       self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer,
                                        key_layer.transpose(-1, -2))
        # HF divides by a Python float here (kept as a Scalar, not a tensor).
        attention_scores = attention_scores / math.sqrt(
            self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = F.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_shape)


class BertSelfOutput(nn.Module):
    """Also BertOutput: dense, dropout, LayerNorm(x + residual)."""

    def __init__(self, d_in, d, p, dropout_impl):
        super().__init__()
        self.dense = nn.Linear(d_in, d)
        self.LayerNorm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = make_dropout(p, dropout_impl)

    def forward(self, hidden_states, input_tensor):
        hidden_states = self.dropout(self.dense(hidden_states))
        return self.LayerNorm(hidden_states + input_tensor)


class BertAttention(nn.Module):
    def __init__(self, d, heads, p, dropout_impl):
        super().__init__()
        self.self = BertSelfAttention(d, heads, p, dropout_impl)
        self.output = BertSelfOutput(d, d, p, dropout_impl)

    def forward(self, hidden_states, attention_mask):
        return self.output(self.self(hidden_states, attention_mask),
                           hidden_states)


class BertIntermediate(nn.Module):
    def __init__(self, d, inter):
        super().__init__()
        self.dense = nn.Linear(d, inter)

    def forward(self, hidden_states):
        # ACT2FN["gelu"] = GELUActivation: F.gelu, exact erf form.
        return F.gelu(self.dense(hidden_states))


class BertLayer(nn.Module):
    def __init__(self, d, heads, inter, p, dropout_impl):
        super().__init__()
        self.attention = BertAttention(d, heads, p, dropout_impl)
        self.intermediate = BertIntermediate(d, inter)
        self.output = BertSelfOutput(inter, d, p, dropout_impl)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        intermediate_output = self.intermediate(attention_output)
        return self.output(intermediate_output, attention_output)


class BertPooler(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.dense = nn.Linear(d, d)
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class BertModel(nn.Module):
    def __init__(self, d, layers, heads, inter, p=0.1, dropout_impl="torch"):
        super().__init__()
        self.embeddings = BertEmbeddings(d, p, dropout_impl)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(
            BertLayer(d, heads, inter, p, dropout_impl)
            for _ in range(layers))
        self.pooler = BertPooler(d)

    def forward(self, input_ids):
        batch_size, seq_length = input_ids.size()
        # HF, with no attention_mask and no token_type_ids given: a mask of
        # ones made extended and additive, the buffered token types expanded.
        attention_mask = torch.ones((batch_size, seq_length),
                                    device=input_ids.device)
        token_type_ids = self.embeddings.token_type_ids[:, :seq_length].expand(
            batch_size, seq_length)
        extended = attention_mask[:, None, None, :].to(dtype=torch.float32)
        extended = (1.0 - extended) * torch.finfo(torch.float32).min
        hidden_states = self.embeddings(input_ids, token_type_ids)
        for layer in self.encoder.layer:
            hidden_states = layer(hidden_states, extended)
        return hidden_states, self.pooler(hidden_states)

    def blocks(self):
        return "encoder.layer."


# ---------------------------------------------------------------------------
# Measuring

def storage_ptr(tensor):
    storage = tensor.untyped_storage() if hasattr(tensor, "untyped_storage") \
        else tensor.storage()
    return storage.data_ptr()


class SavedTensorLog:
    """Runs one forward pass under saved_tensors_hooks and keeps one record
    per save: the tensor, the module whose forward was running, whether it
    is a parameter, whether its key was new (counted) and, found afterwards
    by walking the graph, the grad_fn and slot that keep it.

    Counting rules are saved_bytes' in tools/torch_reference.py: parameters
    (by data_ptr) are skipped, the rest count once per key (storage pointer,
    storage offset, shape, dtype), numel * element_size bytes."""

    def __init__(self, model):
        self.model = model
        self.parameters = {p.data_ptr() for p in model.parameters()}
        self.buffer_storages = {storage_ptr(b) for b in model.buffers()}
        self.records = []
        self.seen = set()
        self.stack = ["<model>"]
        self.unpacked = []

    def _pack(self, tensor):
        record = {"tensor": tensor, "module": self.stack[-1],
                  "param": tensor.data_ptr() in self.parameters,
                  "new": False, "grad_fn": "?", "slot": "?"}
        if not record["param"]:
            key = (storage_ptr(tensor), tensor.storage_offset(),
                   tuple(tensor.shape), tensor.dtype)
            if key not in self.seen:
                self.seen.add(key)
                record["new"] = True
        self.records.append(record)
        return len(self.records) - 1

    def _unpack(self, index):
        self.unpacked.append(index)
        return self.records[index]["tensor"]

    def run(self, inputs):
        modules = dict(self.model.named_modules())
        types = {name: type(m) for name, m in modules.items()}
        self.module_types = types
        handles = []

        # Both hooks must return None (a value would replace the module's
        # input or output).
        def enter(name):
            return lambda module, inputs: self.stack.append(name)

        def leave(module, inputs, outputs):
            self.stack.pop()

        for name, module in modules.items():
            handles.append(module.register_forward_pre_hook(enter(name)))
            handles.append(module.register_forward_hook(leave))
        try:
            with torch.autograd.graph.saved_tensors_hooks(self._pack,
                                                          self._unpack):
                outputs = self.model(inputs)
        finally:
            for h in handles:
                h.remove()
        if isinstance(outputs, torch.Tensor):
            outputs = (outputs,)
        self._attribute([o.grad_fn for o in outputs])
        return outputs

    def _attribute(self, roots):
        """Names each save by the backward function and slot keeping it:
        reading node._saved_<slot> calls the unpack hook with the save's
        index."""
        seen = set()
        stack = [r for r in roots if r is not None]
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            for attr in dir(fn):
                if not attr.startswith("_saved_"):
                    continue
                self.unpacked = []
                try:
                    getattr(fn, attr)
                except RuntimeError:
                    continue
                for index in self.unpacked:
                    self.records[index]["grad_fn"] = fn.name()
                    self.records[index]["slot"] = attr[len("_saved_"):]
            stack.extend(f for f, _ in fn.next_functions if f is not None)
        self.unpacked = []

    def category(self, record, input_storage):
        t = record["tensor"]
        module_type = self.module_types.get(record["module"])
        if module_type is not None and issubclass(module_type, nn.Dropout) \
                and not t.requires_grad:
            return "dropout mask"
        if t.dim() == 0:
            return "0-dim scalar"
        if storage_ptr(t) == input_storage:
            return "input ids"
        if record["grad_fn"] == "NativeLayerNormBackward0" and \
                record["slot"] in ("result1", "result2"):
            return "layernorm mean/rstd"
        if storage_ptr(t) in self.buffer_storages or not t.is_floating_point():
            return "batch-independent constant"
        return "activation"


def nbytes(t):
    return t.numel() * t.element_size()


def describe(record):
    t = record["tensor"]
    return {"module": record["module"], "grad_fn": record["grad_fn"],
            "slot": record["slot"], "shape": list(t.shape),
            "dtype": str(t.dtype).replace("torch.", ""), "bytes": nbytes(t),
            "counted": record["new"]}


def saved_bytes_of(model, inputs):
    """saved_bytes of tools/torch_reference.py with a given input tensor."""
    log = SavedTensorLog(model)
    log.run(inputs)
    return sum(nbytes(r["tensor"]) for r in log.records if r["new"])


def measure_forward(model, tokens, block_prefix, list_block=0):
    """One training-mode forward pass at batch 1 on random token ids: the
    key-rule total, its categories, per-block totals and the saves of block
    list_block in order."""
    torch.manual_seed(0)
    model.train()
    input_ids = torch.randint(0, 1000, (1, tokens), dtype=torch.long)
    log = SavedTensorLog(model)
    start = time.time()
    log.run(input_ids)
    seconds = time.time() - start
    input_storage = storage_ptr(input_ids)

    counted = [r for r in log.records if r["new"]]
    categories = {}
    mask_elements = 0
    for r in counted:
        c = log.category(r, input_storage)
        categories[c] = categories.get(c, 0) + nbytes(r["tensor"])
        if c == "dropout mask":
            mask_elements += r["tensor"].numel()
    total = sum(nbytes(r["tensor"]) for r in counted)
    # What the saved tensors really hold: each distinct storage once, whole
    # (a view saved under two shapes, as softmax's result and bmm's operand
    # with p=0, counts once here but twice by the key rule). Slices of model
    # buffers (GPT-2's causal mask, BERT's ids) count by their elements as
    # in the key rule: the buffer itself is held by the model anyway.
    storages = {}
    for r in counted:
        t = r["tensor"]
        ptr = storage_ptr(t)
        if ptr in log.buffer_storages:
            storages[(ptr, t.storage_offset(), tuple(t.shape))] = nbytes(t)
        else:
            storages[ptr] = t.storage().size() * t.element_size()
    storage_total = sum(storages.values())
    mask_dtypes = sorted({str(r["tensor"].dtype).replace("torch.", "")
                          for r in counted
                          if log.category(r, input_storage) == "dropout mask"})

    def in_block(r, i):
        return r["module"].startswith("%s%d." % (block_prefix, i)) or \
            r["module"] == "%s%d" % (block_prefix, i)

    block_bytes = [sum(nbytes(r["tensor"]) for r in counted if in_block(r, i))
                   for i in range(2)]
    listing = [dict(describe(r), category=log.category(r, input_storage))
               for r in log.records
               if not r["param"] and in_block(r, list_block)]
    outside = {}
    for r in counted:
        if not r["module"].startswith(block_prefix):
            outside[r["module"]] = outside.get(r["module"], 0) + \
                nbytes(r["tensor"])
    # The records hold saved tensors whose grad_fns hold the unpack hook,
    # which holds the log: a cycle through C++ that the garbage collector
    # cannot break, keeping the whole graph alive. Break it.
    log.records.clear()
    return {
        "tokens": tokens,
        "batch": 1,
        "dtype": "f32",
        "saved_bytes": total,
        "saved_tensors": len(counted),
        "distinct_storage_bytes": storage_total,
        "by_category": categories,
        "dropout_mask_elements": mask_elements,
        "dropout_mask_dtypes": mask_dtypes,
        "saved_bytes_with_1_byte_masks": total - categories.get(
            "dropout mask", 0) + mask_elements,
        "block_0_bytes": block_bytes[0],
        "block_1_bytes": block_bytes[1],
        "outside_blocks_bytes": outside,
        "block_listing_index": list_block,
        "block_listing": listing,
        "forward_seconds": round(seconds, 2),
    }


def unique_params(model):
    return sum(p.numel() for p in model.parameters())


def self_check():
    """saved_bytes_of agrees with torch_reference.saved_bytes on a float
    input (one GPT-2 block of width 64 at 16 tokens), if that module imports
    (it needs torchvision)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True   # no tools/__pycache__
    try:
        from torch_reference import saved_bytes
    except ImportError:
        return None
    torch.manual_seed(0)
    block = GPT2Block(64, 4, 0.1, "torch", "gelu_tanh").train()
    torch.manual_seed(1)
    a = saved_bytes(block, (16, 64))
    torch.manual_seed(1)
    b = saved_bytes_of(block, torch.zeros(1, 16, 64))
    return {"torch_reference.saved_bytes": a, "saved_bytes_of": b,
            "agree": a == b}


# ---------------------------------------------------------------------------

EXPECTED = {
    "gpt2-small": 124439808, "gpt2-medium": 354823168,
    "gpt2-large": 774030080, "gpt2-xl": 1557611200,
    "bert-base": 109482240, "bert-large": 335141888,
}


def build(name, p=0.1, dropout_impl="torch", act="gelu_tanh"):
    torch.manual_seed(0)
    if name in GPT2_CONFIGS:
        d, layers, heads = GPT2_CONFIGS[name]
        return GPT2LMHeadModel(d, layers, heads, p, dropout_impl, act)
    d, layers, heads, inter = BERT_CONFIGS[name]
    return BertModel(d, layers, heads, inter, p, dropout_impl)


FORWARD_RUNS = [
    # (row name, model name, tokens, build options, in the default set)
    ("gpt2-small", "gpt2-small", 1024, {}, True),
    ("gpt2-small-p0", "gpt2-small", 1024, {"p": 0.0}, True),
    ("gpt2-small-native-dropout", "gpt2-small", 1024,
     {"dropout_impl": "native"}, False),
    ("gpt2-small-gelu_new", "gpt2-small", 1024, {"act": "gelu_new"}, False),
    ("bert-base", "bert-base", 128, {}, True),
    ("bert-base-native-dropout", "bert-base", 128,
     {"dropout_impl": "native"}, True),
    ("bert-base-p0", "bert-base", 128, {"p": 0.0}, True),
    ("bert-large", "bert-large", 128, {}, True),
    ("gpt2-medium", "gpt2-medium", 1024, {}, False),
    ("gpt2-large", "gpt2-large", 1024, {}, False),
]
LISTED = ("gpt2-small", "gpt2-small-gelu_new", "bert-base")


def print_row(row, m, listing):
    print("\n== %s: %d tokens, batch 1, f32, %s (forward %.1f s) ==" % (
        row, m["tokens"], ", ".join("%s=%s" % kv for kv in
                                    m["options"].items()),
        m["forward_seconds"]))
    print("saved bytes                %15s  (%d tensors)" % (
        format(m["saved_bytes"], ","), m["saved_tensors"]))
    for c, b in sorted(m["by_category"].items()):
        print("  %-26s %15s" % (c, format(b, ",")))
    print("dropout masks: %s elements, kept as %s" % (
        format(m["dropout_mask_elements"], ","),
        "/".join(m["dropout_mask_dtypes"]) or "-"))
    print("saved bytes, 1-byte masks  %15s" % format(
        m["saved_bytes_with_1_byte_masks"], ","))
    print("distinct storage bytes     %15s" % format(
        m["distinct_storage_bytes"], ","))
    print("block 0 %s, block 1 %s bytes; outside the blocks: %s" % (
        format(m["block_0_bytes"], ","), format(m["block_1_bytes"], ","),
        ", ".join("%s %s" % (k, format(v, ","))
                  for k, v in m["outside_blocks_bytes"].items())))
    if listing and "block_listing" in m:
        print("saves in block %d, in order (* counted, - same key already "
              "counted; parameters left out):" % m["block_listing_index"])
        for e in m["block_listing"]:
            print("  %s %-34s %-24s %-8s %-20s %-7s %11s  %s" % (
                "*" if e["counted"] else "-", e["module"], e["grad_fn"],
                e["slot"], str(tuple(e["shape"])), e["dtype"],
                format(e["bytes"], ","), e["category"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of text")
    parser.add_argument("--all", action="store_true",
                        help="run every forward row, the slow ones too")
    parser.add_argument("--only", metavar="ROW[,ROW]",
                        help="run only these forward rows (of: %s)" % ", ".join(
                            r[0] for r in FORWARD_RUNS))
    parser.add_argument("--no-listing", action="store_true",
                        help="leave the per-block listings out")
    args = parser.parse_args()

    if args.only:
        wanted = args.only.split(",")
        unknown = set(wanted) - {r[0] for r in FORWARD_RUNS}
        if unknown:
            parser.error("unknown rows: %s" % ", ".join(sorted(unknown)))
        runs = [r for r in FORWARD_RUNS if r[0] in wanted]
    else:
        runs = [r for r in FORWARD_RUNS if args.all or r[4]]

    result = {"tool": "tools/torch_transformers_reference.py",
              "torch": torch.__version__, "models": {}}
    say = (lambda *a: None) if args.json else print

    check = self_check()
    result["self_check"] = check
    if check is not None:
        say("self-check against torch_reference.saved_bytes (GPT-2 block, "
            "16x64 float input): %d vs %d: %s" % (
                check["torch_reference.saved_bytes"], check["saved_bytes_of"],
                "agree" if check["agree"] else "DISAGREE"))

    say("\n== parameters (unique; tied lm_head counts once) ==")
    for name in EXPECTED:
        model = build(name)
        n = unique_params(model)
        buffers = sum(b.numel() for b in model.buffers())
        del model
        result["models"][name] = {"params": n,
                                  "expected_params": EXPECTED[name],
                                  "buffer_elements": buffers}
        say("%-12s params %13s  (expected %13s %s)  buffers %s elements" % (
            name, format(n, ","), format(EXPECTED[name], ","),
            "ok" if n == EXPECTED[name] else "MISMATCH",
            format(buffers, ",")))

    for row, name, tokens, options, _ in runs:
        model = build(name, **options)
        m = measure_forward(model, tokens, model.blocks())
        del model
        m["params"] = result["models"][name]["params"]
        m["options"] = {"p": options.get("p", 0.1),
                        "dropout_impl": options.get("dropout_impl", "torch"),
                        "act": options.get("act", "gelu_tanh")
                        if name.startswith("gpt2") else "gelu"}
        if args.no_listing or row not in LISTED:
            m.pop("block_listing")
        result["models"].setdefault(row, {}).update(m)
        if not args.json:
            print_row(row, m, not args.no_listing)
        sys.stdout.flush()

    if args.json:
        json.dump(result, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")

if __name__ == "__main__":
    main()
