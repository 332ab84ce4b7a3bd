#!/usr/bin/env python3
"""Counts multiply-accumulates (MACs) with PyTorch forward hooks, to check
netc's MACs figures (docs/macs.md).

Every torch.nn.ConvNd, ConvTransposeNd and Linear module gets a forward hook
that counts, for one forward pass at batch 1:

    ConvNd            output.numel() * in_channels/groups * prod(kernel_size)
    ConvTransposeNd   input.numel() * out_channels/groups * prod(kernel_size)
    Linear            output.numel() * in_features

Bias additions are not MACs; dilation, stride and padding change the count
only through the output size. These are the conventions of fvcore's counter
(conv_flop_count: batch * prod(weight shape) * prod(output spatial), or
prod(input spatial) for a transposed convolution), which torchvision used for
the GFLOPS its model pages publish; the hooks reproduce every published
figure to two decimals.

With the MACs it prints each model's other FLOPs by netc's conventions
(docs/macs.md), counted independently on the aten operators torch runs in
eval mode (a TorchDispatchMode), and the elements under adaptive pooling
windows as autograd finds them.

Runs on Debian's python3-torch and python3-torchvision:
    /usr/bin/python3 tools/torch_macs.py            # the examples' models
    /usr/bin/python3 tools/torch_macs.py --ops      # the single-layer cases
                                                    # of tests/unit/MacsTest.cpp
"""
import math
import sys

import torch
import torchvision
from torch.utils._python_dispatch import TorchDispatchMode


# name: (constructor, input shape without the batch axis, published GFLOPS)
# The published figures are torchvision's model documentation (the "GFLOPS"
# column of https://pytorch.org/vision/stable/models.html, torchvision 0.15
# and later), given there with two decimals.
MODELS = {
    "alexnet": (torchvision.models.alexnet, (3, 224, 224), "0.71"),
    "vgg16": (torchvision.models.vgg16, (3, 224, 224), "15.47"),
    "resnet18": (torchvision.models.resnet18, (3, 224, 224), "1.81"),
    "resnet50": (torchvision.models.resnet50, (3, 224, 224), "4.09"),
    "mobilenet_v2": (torchvision.models.mobilenet_v2, (3, 224, 224), "0.30"),
}

# Models whose matrix products are not all modules (attention multiplies
# queries by keys and weights by values with torch.bmm, and
# MultiheadAttention calls F.linear on its own weights): their MACs are
# counted on the aten operators (MacCounter), which on the models above
# gives the hooks' figures.
ATEN_MODELS = {
    "vit_b_16": (torchvision.models.vit_b_16, (3, 224, 224), "17.56"),
}

class UNet(torch.nn.Module):
    """examples/unet.net in torch.nn: Ronneberger et al.'s U-Net, unpadded
    3x3 convolutions, 2x2 up-convolutions, crop and concatenate."""

    def __init__(self, classes=2):
        super().__init__()

        def double(cin, cout):
            return torch.nn.Sequential(
                torch.nn.Conv2d(cin, cout, 3), torch.nn.ReLU(inplace=True),
                torch.nn.Conv2d(cout, cout, 3), torch.nn.ReLU(inplace=True))

        widths = [64, 128, 256, 512, 1024]
        self.down = torch.nn.ModuleList(
            [double(1, 64)] + [double(a, b) for a, b in zip(widths, widths[1:])])
        self.ups = torch.nn.ModuleList(
            [torch.nn.ConvTranspose2d(w, w // 2, 2, stride=2)
             for w in reversed(widths[1:])])
        self.up_convs = torch.nn.ModuleList(
            [double(w, w // 2) for w in reversed(widths[1:])])
        self.pool = torch.nn.MaxPool2d(2)
        self.head = torch.nn.Conv2d(64, classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        skips.pop()
        for up, conv in zip(self.ups, self.up_convs):
            x = up(x)
            skip = skips.pop()
            top = (skip.shape[2] - x.shape[2]) // 2
            left = (skip.shape[3] - x.shape[3]) // 2
            skip = skip[:, :, top:top + x.shape[2], left:left + x.shape[3]]
            x = conv(torch.cat([skip, x], 1))
        return self.head(x)


def captcha():
    """examples/captcha.net in torch.nn."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 128, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16896, 256), torch.nn.ReLU(),
        torch.nn.Dropout(0.5), torch.nn.Linear(256, 180))


# The examples without a torchvision twin, written out above; nothing is
# published for them.
OWN_MODELS = {
    "captcha": (captcha, (1, 50, 180)),
    "unet": (UNet, (1, 572, 572)),
}

CONVS = (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d)
TRANSPOSED = (torch.nn.ConvTranspose1d, torch.nn.ConvTranspose2d,
              torch.nn.ConvTranspose3d)


def module_macs(module, inputs, output):
    """The MACs of one call of a hooked module (0 for any other module)."""
    if isinstance(module, CONVS):
        return output.numel() * (module.in_channels // module.groups) * \
            math.prod(module.kernel_size)
    if isinstance(module, TRANSPOSED):
        return inputs[0].numel() * (module.out_channels // module.groups) * \
            math.prod(module.kernel_size)
    if isinstance(module, torch.nn.Linear):
        return output.numel() * module.in_features
    return 0


def count_macs(model, shape):
    """MACs of one forward pass of one sample (batch 1) through model."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        total += module_macs(module, inputs, output)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, CONVS + TRANSPOSED + (torch.nn.Linear,))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(shape)))
    for h in handles:
        h.remove()
    return total


def adaptive_covered(in_size, out_size):
    """Input elements under all windows of adaptive pooling along one axis,
    from autograd: each output's gradient is nonzero on its window."""
    x = torch.zeros(1, 1, in_size, requires_grad=True)
    y = torch.nn.functional.adaptive_avg_pool1d(x, out_size)
    covered = 0
    for i in range(out_size):
        (grad,) = torch.autograd.grad(y[0, 0, i], x, retain_graph=True)
        covered += int(torch.count_nonzero(grad))
    return covered


class FlopCounter(TorchDispatchMode):
    """The other FLOPs of one inference pass by netc's conventions
    (docs/macs.md), counted on the aten operators torch runs, so that
    functional calls (residual additions, MobileNetV2's pooling) count too."""

    ZERO = {"view", "_unsafe_view", "reshape", "flatten", "cat", "t",
            "detach", "clone", "empty", "zeros", "expand", "transpose",
            "unsqueeze", "squeeze", "slice", "select", "_to_copy", "copy_",
            "convolution", "mm", "addmm", "alias", "as_strided", "fill_",
            "zero_", "_reshape_alias", "lift_fresh", "permute"}

    def __init__(self):
        super().__init__()
        self.flops = 0
        self.adaptive = []
        self.unknown = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.__name__.split(".")[0]
        numel = out.numel() if isinstance(out, torch.Tensor) else \
            out[0].numel()
        if name == "convolution" and args[2] is not None:
            self.flops += numel                      # bias
        elif name == "addmm":
            self.flops += numel                      # bias
        elif name in ("native_batch_norm",
                      "_native_batch_norm_legit_no_training"):
            self.flops += 2 * numel
        elif name in ("relu", "relu_", "hardtanh", "hardtanh_", "tanh",
                      "tanh_", "sigmoid", "add", "add_", "mul", "mul_"):
            self.flops += numel
        elif name in ("max_pool2d", "max_pool2d_with_indices"):
            kernel = args[1]
            self.flops += numel * (math.prod(kernel) - 1)
        elif name == "avg_pool2d":
            self.flops += numel * math.prod(args[1])
        elif name == "_adaptive_avg_pool2d":
            # Counted after the pass, outside this mode (see count_flops).
            self.adaptive.append((tuple(args[0].shape[1:]), tuple(args[1])))
        elif name == "mean":
            self.flops += args[0].numel()
        elif name not in self.ZERO:
            self.unknown.add(name)
        return out


class MacCounter(TorchDispatchMode):
    """MACs of one inference pass counted on the aten operators: every
    output element of a convolution is a dot product over its weight's
    in_channels/groups x kernel, of a matrix product over the inner axis."""

    def __init__(self):
        super().__init__()
        self.macs = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        name = func.__name__.split(".")[0]
        if name == "convolution":
            weight, transposed = args[1], args[6]
            if transposed:
                # Each input element meets out_channels/groups x kernel.
                groups = args[8]
                self.macs += args[0].numel() * \
                    (weight.shape[1] * groups // groups) * \
                    math.prod(weight.shape[2:])
            else:
                self.macs += out.numel() * math.prod(weight.shape[1:])
        elif name in ("mm", "bmm"):
            self.macs += out.numel() * args[0].shape[-1]
        elif name in ("addmm", "baddbmm"):
            # F.multi_head_attention_forward adds a mask with baddbmm.
            self.macs += out.numel() * args[1].shape[-1]
        elif name in ("matmul", "addbmm", "linear",
                      "_native_multi_head_attention",
                      "_transformer_encoder_layer_fwd"):
            raise RuntimeError("MacCounter: " + name + " is not decomposed")
        return out


def count_macs_aten(model, shape):
    """MACs of one forward pass of one sample, counted by MacCounter. Autograd
    stays on: without it torch.nn.MultiheadAttention takes its fused fast
    path (_native_multi_head_attention), which hides the products."""
    model.eval()
    with torch.enable_grad(), MacCounter() as counter:
        model(torch.zeros((1,) + tuple(shape)))
    return counter.macs


def count_flops(model, shape):
    """Other FLOPs of one forward pass of one sample, in eval mode."""
    model.eval()
    x = torch.zeros((1,) + tuple(shape))
    with torch.no_grad(), FlopCounter() as counter:
        model(x)
    if counter.unknown:
        print("  not counted:", sorted(counter.unknown))
    flops = counter.flops
    for (channels, h, w), (oh, ow) in counter.adaptive:
        flops += channels * adaptive_covered(h, oh) * adaptive_covered(w, ow)
    return flops


def models():
    print("model         MACs (exact)      G (2 decimals)  published  match"
          "  other FLOPs")
    for name, (constructor, shape, published) in MODELS.items():
        torch.manual_seed(0)
        model = constructor()
        macs = count_macs(model, shape)
        flops = count_flops(model, shape)
        g = f"{macs / 1e9:.2f}"
        print(f"{name:12}  {macs:>15,}  {g:>14}  {published:>9}  "
              f"{'yes' if g == published else 'NO ':5}  {flops:>11,}")
    for name, (constructor, shape, published) in ATEN_MODELS.items():
        torch.manual_seed(0)
        model = constructor()
        macs = count_macs_aten(model, shape)
        g = f"{macs / 1e9:.2f}"
        print(f"{name:12}  {macs:>15,}  {g:>14}  {published:>9}  "
              f"{'yes' if g == published else 'NO ':5}  (aten count)")
    for name, (constructor, shape) in OWN_MODELS.items():
        torch.manual_seed(0)
        model = constructor()
        macs = count_macs(model, shape)
        flops = count_flops(model, shape)
        print(f"{name:12}  {macs:>15,}  {macs / 1e9:>14.2f}  {'-':>9}  "
              f"{'-':5}  {flops:>11,}")


# The single-layer cases of tests/unit/MacsTest.cpp: (what, module, input
# shape without the batch axis). netc's spelling of each is in the test.
OPS = [
    ("conv2d(64, kernel=3, padding=1) on [3, 32, 32]",
     torch.nn.Conv2d(3, 64, 3, padding=1), (3, 32, 32)),
    ("conv2d(64, kernel=3, dilation=2, groups=4) on [32, 28, 28]",
     torch.nn.Conv2d(32, 64, 3, dilation=2, groups=4), (32, 28, 28)),
    ("conv2d(32, kernel=3, padding=1, groups=32) (depthwise) on [32, 56, 56]",
     torch.nn.Conv2d(32, 32, 3, padding=1, groups=32), (32, 56, 56)),
    ("conv2d(16, kernel=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2))"
     " on [8, 20, 30]",
     torch.nn.Conv2d(8, 16, (3, 5), stride=(2, 1), padding=(1, 2),
                     dilation=(1, 2)), (8, 20, 30)),
    ("conv1d(12, kernel=5, stride=2, groups=3, bias=false) on [6, 100]",
     torch.nn.Conv1d(6, 12, 5, stride=2, groups=3, bias=False), (6, 100)),
    ("conv3d(8, kernel=3, padding=1) on [4, 8, 16, 16]",
     torch.nn.Conv3d(4, 8, 3, padding=1), (4, 8, 16, 16)),
    ("conv_transpose2d(32, kernel=4, stride=2, padding=1) on [64, 14, 14]",
     torch.nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1), (64, 14, 14)),
    ("conv_transpose2d(16, kernel=3, stride=2, padding=1, output_padding=1,"
     " groups=2) on [8, 7, 7]",
     torch.nn.ConvTranspose2d(8, 16, 3, stride=2, padding=1, output_padding=1,
                              groups=2), (8, 7, 7)),
    ("conv_transpose1d(4, kernel=3, stride=3, dilation=2) on [6, 10]",
     torch.nn.ConvTranspose1d(6, 4, 3, stride=3, dilation=2), (6, 10)),
    ("dense(10) on [400]", torch.nn.Linear(400, 10), (400,)),
    ("dense(64) on [5, 7, 32] (rank 3)", torch.nn.Linear(32, 64), (5, 7, 32)),
    ("dense(3, bias=false) on [2, 8] (rank 2)",
     torch.nn.Linear(8, 3, bias=False), (2, 8)),
]


def ops():
    for what, module, shape in OPS:
        macs = count_macs(module, shape)
        out = module(torch.zeros((1,) + shape))
        print(f"{macs:>12,}  {what}  -> {list(out.shape[1:])}")
    # Adaptive pooling windows (netc counts their elements as FLOPs).
    for channels, (h, w), (oh, ow) in [(2, (5, 7), (3, 4)),
                                       (256, (13, 13), (6, 6)),
                                       (1, (2, 7), (4, 3))]:
        covered = channels * adaptive_covered(h, oh) * adaptive_covered(w, ow)
        print(f"{covered:>12,}  elements under the windows of "
              f"adaptive_avgpool2d(({oh}, {ow})) on [{channels}, {h}, {w}]")


def main():
    if sys.argv[1:] == ["--ops"]:
        ops()
    elif not sys.argv[1:]:
        models()
    else:
        sys.exit("usage: torch_macs.py [--ops]")


if __name__ == "__main__":
    main()
