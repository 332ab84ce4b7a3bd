#!/usr/bin/python3
"""Checks `netc import` on torchvision's models (tests/CMakeLists.txt runs it).

For each model: builds it with random weights (nothing is downloaded),
exports it with torch.onnx.export into --workdir, runs `netc import` on the
.onnx, checks the .net file with netc, and compares its parameter count and
MACs with netc's figures for the hand-written twin in examples/ (and the
parameter count with torch's own). The export keeps the model in train()
mode with TrainingMode.TRAINING, so that BatchNormalization stays a node of
its own (in eval mode the exporter folds it into the convolution, which
changes the parameter count).

vit_b_16 is the whole model (86 M weights, about 25 s to export on this
machine); vit_b_16_depth2, the same with 2 encoder layers (compared with
examples/vit_b_16.net -D depth=2), is there for quick runs by hand
(`--models vit_b_16_depth2`). vit_tiny_opset17 is a small
ViT exported in eval mode at opset 17 with a symbolic batch axis, where
layer norm is one LayerNormalization node.

Uses Debian's python3-torch, python3-torchvision and python3-onnx.

    tests/import/check_import.py --netc build/bin/netc --workdir build/import
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_MODELS = ["resnet18", "mobilenet_v2", "vit_b_16", "vit_tiny_opset17"]


def build_model(name):
    """(torch module, example .net, -D options) for a model name."""
    import torchvision
    if name == "vit_tiny_opset17":
        # Opset 17's LayerNormalization node (not the decomposition), an
        # eval-mode export and a symbolic batch axis.
        model = torchvision.models.VisionTransformer(
            image_size=32, patch_size=16, num_layers=1, num_heads=2,
            hidden_dim=16, mlp_dim=32)
        return model, "vit_b_16.net", ["-D", "size=32", "-D", "dim=16",
                                       "-D", "depth=1", "-D", "heads=2",
                                       "-D", "mlp_dim=32"]
    if name == "vit_b_16_depth2":
        model = torchvision.models.VisionTransformer(
            image_size=224, patch_size=16, num_layers=2, num_heads=12,
            hidden_dim=768, mlp_dim=3072)
        return model, "vit_b_16.net", ["-D", "depth=2"]
    model = getattr(torchvision.models, name)(weights=None)
    return model, name + ".net", []


def export(model, path, name):
    import torch
    import warnings
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name == "vit_tiny_opset17":
            model.eval()
            torch.onnx.export(model, torch.randn(1, 3, 32, 32), path,
                              opset_version=17, input_names=["image"],
                              output_names=["logits"],
                              dynamic_axes={"image": {0: "batch"}})
            return
        model.train()
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path,
                          training=torch.onnx.TrainingMode.TRAINING,
                          input_names=["image"], output_names=["logits"])


def totals(netc, args):
    result = subprocess.run([netc, "--emit=json"] + args, capture_output=True,
                            text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError("netc %s failed:\n%s" % (" ".join(args), result.stderr))
    network = json.loads(result.stdout)["networks"][0]
    return network["totals"]


def check(netc, workdir, name):
    model, example, defines = build_model(name)
    torch_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    onnx_path = os.path.join(workdir, name + ".onnx")
    net_path = os.path.join(workdir, name + ".net")
    start = time.time()
    export(model, onnx_path, name)
    exported = time.time()
    result = subprocess.run([netc, "import", onnx_path, "-o", net_path],
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        return ["%s: netc import failed (status %d):\n%s"
                % (name, result.returncode, result.stderr)]
    imported = time.time()
    problems = []
    check_run = subprocess.run([netc, "--emit=none", "-Werror", net_path],
                               capture_output=True, text=True, timeout=120)
    if check_run.returncode != 0:
        return ["%s: the imported %s does not check clean:\n%s"
                % (name, net_path, check_run.stderr)]
    got = totals(netc, [net_path])
    want = totals(netc, [os.path.join(ROOT, "examples", example)] + defines)
    for key in ("trainable_params", "non_trainable_params", "macs"):
        if got[key] != want[key]:
            problems.append("%s: %s %d, but examples/%s %s gives %d"
                            % (name, key, got[key], example, " ".join(defines),
                               want[key]))
    if got["trainable_params"] != torch_params:
        problems.append("%s: %d parameters, torch counts %d"
                        % (name, got["trainable_params"], torch_params))
    print("%-16s params %12s  MACs %16s  (export %.1fs, import %.1fs)%s"
          % (name, format(got["trainable_params"], ","), format(got["macs"], ","),
             exported - start, imported - exported,
             "" if problems else "  ok"))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--netc", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    options = parser.parse_args()
    os.makedirs(options.workdir, exist_ok=True)
    problems = []
    for name in options.models:
        problems += check(os.path.abspath(options.netc),
                          os.path.abspath(options.workdir), name)
    for problem in problems:
        print("FAIL " + problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
