#!/usr/bin/env python3
"""Proves that an example is torchvision's architecture, layer by layer.

For each example with a torchvision twin: netc --emit=pytorch writes the
module; torchvision 0.14 builds its model with random weights (nothing is
downloaded); the generated network loads torchvision's state_dict with
strict=True (every key, every shape); both run in eval mode on the same
random batch, and their outputs must agree within a tight tolerance
(relative 1e-4, absolute 1e-5 of the largest output). Every weight and
buffer is drawn anew first: torchvision zeroes some (ViT's head), which
would hide every layer before them.

One documented rule maps keys: torch.nn.MultiheadAttention keeps its input
projection as the parameters `in_proj_weight` and `in_proj_bias`, where
examples/blocks/vit.net writes it as a dense layer named `in_proj`
(`in_proj.weight`, `in_proj.bias`); the same tensors.

Usage: check_torchvision.py --netc build/bin/netc --examples examples [--out DIR]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import torch
import torchvision

from check_pytorch import load_module

# example: (torchvision constructor, netc network, input shape)
TWINS = {
    "alexnet": (torchvision.models.alexnet, "AlexNet", (3, 224, 224)),
    "vgg16": (torchvision.models.vgg16, "VGG16", (3, 224, 224)),
    "resnet18": (torchvision.models.resnet18, "ResNet18", (3, 224, 224)),
    "resnet50": (torchvision.models.resnet50, "ResNet50", (3, 224, 224)),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, "MobileNetV2",
                     (3, 224, 224)),
    "vit_b_16": (torchvision.models.vit_b_16, "ViT_B_16", (3, 224, 224)),
}


def netc_keys(state_dict):
    """torchvision's keys as the generated module names them."""
    out = {}
    for key, value in state_dict.items():
        for name in ("weight", "bias"):
            suffix = ".in_proj_" + name
            if key.endswith(suffix):
                key = key[:-len(suffix)] + ".in_proj." + name
        out[key] = value
    return out


def check(netc, examples, out_dir, name):
    constructor, network, shape = TWINS[name]
    py = os.path.join(out_dir, "tv_" + name + ".py")
    subprocess.run([netc, "--emit=pytorch",
                    os.path.join(examples, name + ".net"), "-o", py],
                   check=True)
    torch.manual_seed(0)
    reference = constructor().eval()
    # torchvision zeroes some weights at initialisation (ViT's head, so its
    # output would be 0 whatever the layers before): draw every tensor anew,
    # so that each layer shows in the output.
    with torch.no_grad():
        for key, t in reference.state_dict().items():
            if not t.is_floating_point():
                continue
            if key.endswith("running_var"):
                t.copy_(torch.rand_like(t) + 0.5)
            else:
                t.copy_(torch.randn_like(t) * 0.05)
    model = load_module(py).NETWORKS[network]().eval()
    model.load_state_dict(netc_keys(reference.state_dict()), strict=True)
    x = torch.randn((2,) + shape)
    with torch.no_grad():
        want = reference(x)
        got = model(x)
    scale = want.abs().max().item()
    close = scale > 0 and torch.allclose(got, want, rtol=1e-4,
                                         atol=1e-5 * scale)
    difference = (got - want).abs().max().item()
    print("%s: state_dict loaded strictly (%d tensors); outputs %s "
          "(largest difference %.3g, largest output %.3g)" %
          (name, len(reference.state_dict()), "equal" if close else "DIFFER",
           difference, want.abs().max().item()))
    return close


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--netc", required=True)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--out")
    parser.add_argument("names", nargs="*", default=sorted(TWINS))
    args = parser.parse_args()
    out_dir = args.out or tempfile.mkdtemp(prefix="netc-torchvision-")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(2)
    ok = True
    for name in args.names:
        try:
            ok = check(args.netc, args.examples, out_dir, name) and ok
        except Exception as e:  # a key, shape or run failure
            print("%s: %s: %s" % (name, type(e).__name__, e))
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
