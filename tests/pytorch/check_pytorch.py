#!/usr/bin/env python3
"""Checks netc's --emit=pytorch against netc's own figures, in torch 1.13.

For each .net file given (every network in it, -D defaults):
  1. netc --emit=pytorch writes the module; it must compile
     (py_compile) and pass pyflakes3 with no message;
  2. netc --emit=json gives netc's figures at batch 1;
  3. the generated network runs in torch on example_inputs(batch=1) in eval
     mode, and must match netc:
     - every network output's shape (without the batch axis);
     - the output shape of every layer that is a torch module, found by
       the layer's name (forward hooks);
     - the parameters (model.parameters()) and the buffers (without
       BatchNorm's num_batches_tracked, which netc does not count);
     - the MACs, counted on the aten operators (MacCounter of
       tools/torch_macs.py: convolutions, mm, addmm, bmm);
     - the bytes autograd saves in one training-mode forward pass at batch
       1 (tools/torch_reference.py's rule: each distinct tensor once,
       parameters and the 0-dim tensors torch wraps Python numbers in
       (x * 0.5 keeps its 0.5) left out) against netc's pytorch memory
       model, plus one documented rule: torch's CPU dropout keeps a 4-byte
       float mask where netc counts the 1-byte mask of CUDA's fused
       dropout, 3 bytes more per element of each dropout with p > 0 (and
       per attention score of an nn.MultiheadAttention with dropout). An
       embedding of an integer buffer (position ids) keeps the ids, one copy
       for the whole batch, which netc's per-sample figure leaves out: such
       buffers are left out as parameters are. Attention, rope, rmsnorm and moe run as the
       generated file's helpers (docs/pytorch.md), which keep what netc's
       model counts; check_helpers() first proves their gradients right.

Usage: check_pytorch.py --netc build/bin/netc [--out DIR] [--skip-unclean]
                        FILE.net[@NAME=VALUE,...] ...
(the values after @ are passed as -D NAME=VALUE; --skip-unclean skips the
files in which netc reports an error, such as verify files; warnings are
clean, but for -Wdegenerate-norm, which warns about what torch refuses at
batch 1).
Prints one line per network and exits 1 on the first difference.
"""
import argparse
import importlib.util
import json
import os
import py_compile
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))
from torch_macs import MacCounter  # noqa: E402


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("failed: " + " ".join(cmd) + "\n" + result.stderr)
    return result.stdout


def load_module(path):
    spec = importlib.util.spec_from_file_location(
        os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shape_of(t):
    return list(t.shape[1:])


def storage_ptr(t):
    s = t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()
    return s.data_ptr()


def saved_bytes(model, inputs):
    """tools/torch_reference.py's count for a model with any inputs, and
    the same tensors counted by the memory they span: a view of memory
    already counted adds nothing there (the shape-keyed count counts a view
    of another shape again; a span counts the gaps of a strided view). The
    second figure is printed when the first disagrees, a hint to tell such
    views from real differences."""
    # Parameters, and integer buffers (position ids an embedding reads, one
    # copy for the whole batch, which netc's per-sample figure leaves out).
    state = {t.data_ptr() for t in model.parameters()} | \
        {t.data_ptr() for t in model.buffers() if not t.is_floating_point()}
    seen = set()
    spans = {}
    total = 0

    def pack(t):
        nonlocal total
        if t.data_ptr() in state or t.dim() == 0:
            return t
        key = (storage_ptr(t), t.storage_offset(), tuple(t.shape), t.dtype)
        if key not in seen:
            seen.add(key)
            total += t.numel() * t.element_size()
            # The bytes from the first element to the last.
            elements = 1 + sum((n - 1) * stride
                               for n, stride in zip(t.shape, t.stride()))
            first = t.storage_offset() * t.element_size()
            spans.setdefault(key[0], []).append(
                (first, first + elements * t.element_size()))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(*inputs)
    spanned = 0
    for ranges in spans.values():
        end = None
        for first, last in sorted(ranges):
            start = first if end is None else max(first, end)
            spanned += max(0, last - start)
            end = last if end is None else max(end, last)
    return total, spanned

# The helpers whose gradients check_helpers() has proved in this run.
CHECKED_HELPERS = set()


def check_helpers(module):
    """The generated file's hand-written backward passes (attention's math
    and flash paths with grouped heads, causal masks, dropout and inputs
    without a gradient, rope,
    rmsnorm) against torch.autograd.gradcheck in f64, and attention's
    dropout against autograd of the same mask. Each helper once a run."""
    d = torch.float64
    rand = lambda *shape: torch.randn(*shape, dtype=d, requires_grad=True)
    if hasattr(module, "_AttentionFunction") and \
            "attention" not in CHECKED_HELPERS:
        CHECKED_HELPERS.add("attention")
        for heads, kv_heads, causal, impl in [(4, 4, False, "math"),
                                              (4, 2, True, "math"),
                                              (4, 1, False, "flash"),
                                              (4, 2, True, "flash")]:
            q, k, v = rand(2, 5, 12), rand(2, 5, 3 * kv_heads), \
                rand(2, 5, 2 * kv_heads)
            torch.autograd.gradcheck(
                lambda q, k, v: module.attention(q, k, v, heads, kv_heads,
                                                 causal=causal, impl=impl),
                (q, k, v))
        # Some inputs without a gradient: the math path keeps less.
        for needs in [(True, False, True), (False, True, False),
                      (False, False, True)]:
            q, k, v = rand(2, 5, 12), rand(2, 5, 6), rand(2, 5, 4)
            for t, n in zip((q, k, v), needs):
                t.requires_grad_(n)
            torch.autograd.gradcheck(
                lambda q, k, v: module.attention(q, k, v, 4, 2, causal=True),
                (q, k, v))
        for impl in ("math", "flash"):
            q, k, v = rand(2, 5, 12), rand(2, 5, 12), rand(2, 5, 12)
            torch.manual_seed(3)
            out = module.attention(q, k, v, 4, causal=True, dropout=0.3,
                                   training=True, impl=impl)
            grad = torch.randn_like(out)
            got = torch.autograd.grad(out, (q, k, v), grad)
            torch.manual_seed(3)
            seed = int(torch.randint(2 ** 62, ()))
            qh, kh, vh = (module._heads(t, 4) for t in (q, k, v))
            scores = torch.matmul(qh, kh.transpose(-2, -1)) * 3 ** -0.5
            scores = scores.masked_fill(
                torch.ones(5, 5, dtype=torch.bool).triu(1), float("-inf"))
            keep = torch.rand(scores.shape, generator=torch.Generator()
                              .manual_seed(seed)) >= 0.3
            want = module._merge_heads(torch.matmul(
                torch.softmax(scores, -1) * keep / 0.7, vh))
            if not torch.allclose(out, want) or not all(
                    torch.allclose(a, b) for a, b in
                    zip(got, torch.autograd.grad(want, (q, k, v), grad))):
                raise AssertionError("attention's dropout (%s) differs from "
                                     "autograd's" % impl)
    if hasattr(module, "_RopeFunction") and "rope" not in CHECKED_HELPERS:
        CHECKED_HELPERS.add("rope")
        torch.autograd.gradcheck(lambda x: module.rope(x, 4), (rand(2, 7, 24),))
    if hasattr(module, "_RMSNormFunction") and \
            "rmsnorm" not in CHECKED_HELPERS:
        CHECKED_HELPERS.add("rmsnorm")
        for shape in [(6,), (4, 6)]:
            dims = tuple(range(-len(shape), 0))
            torch.autograd.gradcheck(
                lambda x, w: module._RMSNormFunction.apply(x, w, dims, 1e-6),
                (rand(2, 3, 4, 6), rand(*shape)))
            torch.autograd.gradcheck(
                lambda x: module._RMSNormFunction.apply(x, None, dims, 1e-6),
                (rand(2, 3, 4, 6),))


def dropout_mask_elements(layer):
    """The elements of the masks torch's CPU dropout keeps in 4 bytes where
    netc counts 1 (the dropout rule): a dropout's with p > 0 that keeps one
    at all (its input needs a gradient), and the attention probabilities'
    of an nn.MultiheadAttention with dropout (heads x L x L per sample; the
    grouped variant runs the file's attention helper, which keeps a bool
    mask)."""
    attributes = layer["attributes"]
    if layer["saved_bytes"] == 0:
        return 0
    if layer["op"] == "dropout" and attributes.get("p", 0.5) > 0:
        return layer["output_elements"]
    if layer["op"] == "multihead_attention" and \
            attributes.get("dropout", 0) > 0 and \
            attributes.get("kv_heads", attributes["heads"]) == \
            attributes["heads"]:
        tokens = layer["shape"][-2]
        return attributes["heads"] * tokens * \
            (layer["output_elements"] // attributes["dim"])
    return 0


def check_network(path, module, network, pytorch):
    """pytorch: the network in netc's JSON with --memory-model=pytorch."""
    saved_per_sample = pytorch and \
        pytorch["memory"]["pytorch"]["saved_bytes_per_sample"]
    name = network["name"]
    problems = []
    cls = module.NETWORKS[name]
    torch.manual_seed(0)
    model = cls().eval()
    layers = {layer["name"]: layer for layer in network["layers"]}

    seen = {}
    handles = []
    modules = dict(model.named_modules())
    for layer_name in layers:
        m = modules.get(layer_name)
        if m is None or m is model:
            continue

        def hook(mod, inputs, output, layer_name=layer_name):
            if isinstance(output, tuple):
                output = output[0]
            seen[layer_name] = shape_of(output)
        handles.append(m.register_forward_hook(hook))

    inputs = model.example_inputs(batch=1)
    # torch 1.13's CPU kernels lack half-precision convolutions: a network
    # in f16 or bf16 runs in f32 here (only its shapes are compared).
    if any(p.dtype in (torch.float16, torch.bfloat16)
           for p in model.parameters()):
        model = model.float()
        inputs = tuple(t.float() if t.is_floating_point() else t
                       for t in inputs)
    with torch.enable_grad(), MacCounter() as counter:
        outputs = model(*inputs)
    for h in handles:
        h.remove()
    if not isinstance(outputs, tuple):
        outputs = (outputs,)

    for out, expected in zip(outputs, network["outputs"]):
        want = layers[expected["layer"]]["shape"]
        if shape_of(out) != want:
            problems.append("output %s: torch %s, netc %s" %
                            (expected["name"], shape_of(out), want))
    for layer_name, got in seen.items():
        want = layers[layer_name]["shape"]
        if isinstance(modules[layer_name], torch.nn.MultiheadAttention) and \
                len(want) > 2:
            # self_attention() runs the module with the leading axes folded
            # into the batch ([B * d0 * ..., L, dim]): its [L, dim] is
            # compared.
            want = want[-2:]
        if got != want:
            problems.append("layer %s: torch %s, netc %s" %
                            (layer_name, got, layers[layer_name]["shape"]))
    totals = network["totals"]
    params = sum(p.numel() for p in model.parameters())
    netc_params = totals["trainable_params"] + totals["frozen_params"]
    if params != netc_params:
        problems.append("parameters: torch %d, netc %d" % (params, netc_params))
    buffers = sum(b.numel() for n, b in model.named_buffers()
                  if not n.endswith("num_batches_tracked"))
    if buffers != totals["non_trainable_params"]:
        problems.append("buffers: torch %d, netc %d" %
                        (buffers, totals["non_trainable_params"]))
    if counter.macs != totals["macs"]:
        problems.append("MACs: torch %d, netc %d" % (counter.macs, totals["macs"]))
    saved_note = ""
    half = any(p.dtype != torch.float32 for p in cls().parameters())
    if saved_per_sample is not None and not half:
        masks = sum(dropout_mask_elements(layer)
                    for layer in pytorch["layers"])
        torch.manual_seed(0)
        trained = cls().train()
        try:
            got, spanned = saved_bytes(trained,
                                       trained.example_inputs(batch=1))
        except ValueError as e:  # BatchNorm1d on one sample
            saved_note = ", saved bytes not compared (%s)" % e
        else:
            want = saved_per_sample + 3 * masks
            saved_note = ", %d saved bytes" % got
            if got != want:
                problems.append("saved bytes: torch %d, netc %d + 3 x %d "
                                "dropout elements = %d (torch by the memory "
                                "the tensors span: %d)" %
                                (got, saved_per_sample, masks, want, spanned))
    status = "ok" if not problems else "DIFFERS"
    print("%s %s: %s (%d layer shapes checked, %d parameters, %d MACs%s)" %
          (path, name, status, len(seen), params, counter.macs, saved_note))
    for p in problems:
        print("  " + p)
    return not problems


def known_difference(path):
    """The reason after '# known-difference:' in the file's first lines, or
    None: a disagreement found and not yet fixed (docs/pytorch.md)."""
    # Verify files may hold any bytes (invalid UTF-8 among them).
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f.readlines()[:5]:
            if line.startswith("# known-difference:"):
                return line.split(":", 1)[1].strip()
    return None


def check_file(netc, spec, out_dir, skip_unclean=False):
    """Checks every network of one FILE.net[@NAME=VALUE,...]; True when
    they all agree with torch (or the file is skipped as unclean). A file
    marked '# known-difference: REASON' must disagree instead, so that a
    fix is noticed and the mark removed."""
    path = spec.partition("@")[0]
    reason = known_difference(path)
    ok = check_file_networks(netc, spec, out_dir, skip_unclean)
    if reason is None:
        return ok
    if ok:
        print("%s: agrees with torch now; remove its '# known-difference' "
              "line" % path)
        return False
    print("%s: differs as known: %s" % (path, reason))
    return True


def check_file_networks(netc, spec, out_dir, skip_unclean):
    path, _, values = spec.partition("@")
    defines = []
    for item in filter(None, values.split(",")):
        defines += ["-D", item]
    # -Wdegenerate-norm warns about what torch refuses at batch 1.
    if skip_unclean and subprocess.run(
            [netc, "--emit=none", "-Werror=degenerate-norm", path] + defines,
            capture_output=True).returncode != 0:
        return True
    stem = os.path.splitext(os.path.basename(path))[0].replace("-", "_")
    py = os.path.join(out_dir, "netc_" + stem + ".py")
    run([netc, "--emit=pytorch", path, "-o", py] + defines)
    try:
        py_compile.compile(py, doraise=True)
    except py_compile.PyCompileError as e:
        print("%s: does not compile: %s" % (spec, e))
        return False
    ok = True
    flakes = subprocess.run(["pyflakes3", py], capture_output=True, text=True)
    if flakes.returncode != 0 or flakes.stdout or flakes.stderr:
        print("%s: pyflakes3:\n%s%s" % (path, flakes.stdout, flakes.stderr))
        ok = False
    report = json.loads(run([netc, "--emit=json", path] + defines))
    pytorch = json.loads(run([netc, "--emit=json", "--memory-model=pytorch",
                              path] + defines))
    saved = {n["name"]: n for n in pytorch["networks"]}
    try:
        module = load_module(py)
        check_helpers(module)
        for network in report["networks"]:
            ok = check_network(spec, module, network,
                               saved.get(network["name"])) and ok
    except Exception as e:  # a failure of the generated code
        print("%s: %s: %s" % (spec, type(e).__name__, e))
        ok = False
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--netc", required=True)
    parser.add_argument("--out", help="where the generated files go")
    parser.add_argument("--skip-unclean", action="store_true",
                        help="skip the files netc reports errors in")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    out_dir = args.out or tempfile.mkdtemp(prefix="netc-pytorch-")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    ok = True
    for spec in args.files:
        ok = check_file(args.netc, spec, out_dir, args.skip_unclean) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
