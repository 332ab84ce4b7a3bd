#!/usr/bin/env python3
"""The names of torchvision 0.14's modules that hold parameters or buffers,
and of all its leaf modules.

For each example model netc reproduces, the set of module names that own a
parameter or a buffer (the state_dict keys without their last part:
'layer1.0.conv1' from 'layer1.0.conv1.weight'; see names() for attention),
and the parameters that a module holds directly next to its children
(ViT's 'class_token'), which netc declares with `param`.
tests/unit/LayerNamesTest.cpp requires the netc layers that hold
parameters or buffers to have exactly these names. It also requires every
leaf module (a ReLU, a pool, a dropout as well as a convolution) to be a
netc layer of the same name, but for the leaves that compute the identity
(a dropout with p = 0, listed apart as 'identity_leaves') and the ones the
test names with its reason.

Runs on Debian's python3-torch and python3-torchvision (random weights,
nothing downloaded):
    /usr/bin/python3 tools/torch_module_names.py > tests/reference/torchvision_names.json
"""
import json

import torch
import torchvision


MODELS = {
    # name in the JSON: (constructor, example file)
    "alexnet": (torchvision.models.alexnet, "examples/alexnet.net"),
    "vgg16": (torchvision.models.vgg16, "examples/vgg16.net"),
    "resnet18": (torchvision.models.resnet18, "examples/resnet18.net"),
    "resnet50": (torchvision.models.resnet50, "examples/resnet50.net"),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, "examples/mobilenet_v2.net"),
    "vit_b_16": (torchvision.models.vit_b_16, "examples/vit_b_16.net"),
}


# The last part of a state_dict key that a layer's module holds.
LAYER_STATES = {"weight", "bias", "running_mean", "running_var",
                "num_batches_tracked"}


def names(model):
    """The layer names and the parameter names of \p model's state_dict.

    'layer1.0.conv1.weight' is the layer 'layer1.0.conv1'. torch's
    MultiheadAttention holds its input projection itself
    ('self_attention.in_proj_weight' and '..._bias'); netc makes it a dense
    layer, 'self_attention.in_proj'. Any other tensor a module holds by
    itself (ViT's 'class_token', 'encoder.pos_embedding') is a parameter,
    which netc declares with `param` under the same name."""
    modules = dict(model.named_modules())
    layers = set()
    params = set()
    for key in model.state_dict():
        prefix, _, last = key.rpartition(".")
        owner = modules[prefix]
        if last in LAYER_STATES:
            layers.add(prefix)
        elif isinstance(owner, torch.nn.MultiheadAttention) and \
                last in ("in_proj_weight", "in_proj_bias"):
            layers.add(prefix + ".in_proj")
        else:
            params.add(key)
    return sorted(layers), sorted(params)


def leaves(model):
    """The names of \p model's leaf modules, and of those among them that
    compute the identity (a dropout with p = 0)."""
    all_leaves, identity = [], []
    for name, module in model.named_modules():
        if name and not list(module.children()):
            all_leaves.append(name)
            if isinstance(module, torch.nn.Dropout) and module.p == 0:
                identity.append(name)
    return sorted(all_leaves), sorted(identity)


def main():
    torch.manual_seed(0)
    out = {}
    for name, (build, example) in MODELS.items():
        model = build(weights=None)
        modules, params = names(model)
        all_leaves, identity = leaves(model)
        out[name] = {"example": example, "layers": modules, "params": params,
                     "leaves": all_leaves, "identity_leaves": identity}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
