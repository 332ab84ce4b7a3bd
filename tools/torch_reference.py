#!/usr/bin/env python3
"""Measures torchvision models for netc's PyTorch-accurate memory model.

For each model: trainable parameters, buffers (running means and variances;
num_batches_tracked is not counted, as torchvision's published figures do
not), and the bytes torch.autograd saves for the backward pass in one
training-mode forward pass at batch 1 in f32, each saved tensor counted once
(saved_tensors_hooks sees every tensor a backward function keeps; tensors
shared between functions are counted once by their storage, offset, shape
and type; the parameters that layers save are left out, being model states).

Runs on Debian's python3-torch and python3-torchvision:
    /usr/bin/python3 tools/torch_reference.py > tests/reference/torchvision.json
"""
import json
import sys

import torch
import torchvision


MODELS = {
    # name: (constructor, input shape without the batch axis)
    "alexnet": (torchvision.models.alexnet, (3, 224, 224)),
    "vgg16": (torchvision.models.vgg16, (3, 224, 224)),
    "resnet18": (torchvision.models.resnet18, (3, 224, 224)),
    "resnet50": (torchvision.models.resnet50, (3, 224, 224)),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, (3, 224, 224)),
    "vit_b_16": (torchvision.models.vit_b_16, (3, 224, 224)),
}


def saved_bytes(model, shape):
    """Bytes of the distinct tensors autograd saves in one forward pass,
    leaving out the parameters (they are counted as model states)."""
    seen = set()
    total = 0
    parameters = {p.data_ptr() for p in model.parameters()}

    def pack(tensor):
        nonlocal total
        if tensor.data_ptr() in parameters:
            return tensor
        storage = tensor.untyped_storage() if hasattr(tensor, "untyped_storage") \
            else tensor.storage()
        key = (storage.data_ptr(), tensor.storage_offset(), tuple(tensor.shape),
               tensor.dtype)
        if key not in seen:
            seen.add(key)
            total += tensor.numel() * tensor.element_size()
        return tensor

    def unpack(tensor):
        return tensor

    x = torch.zeros((1,) + shape, requires_grad=False)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        model(x)
    return total


def measure(name):
    constructor, shape = MODELS[name]
    torch.manual_seed(0)
    model = constructor()
    model.train()
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    buffers = sum(b.numel() for n, b in model.named_buffers()
                  if not n.endswith("num_batches_tracked"))
    return {
        "input": list(shape),
        "batch": 1,
        "dtype": "f32",
        "trainable_params": trainable,
        "buffers": buffers,
        "saved_bytes": saved_bytes(model, shape),
    }


def main():
    result = {
        "tool": "tools/torch_reference.py",
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "models": {name: measure(name) for name in MODELS},
    }
    json.dump(result, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
