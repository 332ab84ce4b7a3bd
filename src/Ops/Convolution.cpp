//===- Convolution.cpp - conv1d/2d/3d and conv_transpose1d/2d/3d ----------===//
//
// Shapes and parameters follow torch.nn.ConvNd and ConvTransposeNd exactly:
//   out = floor((in + 2*pad - dilation*(k-1) - 1) / stride) + 1
//   out = (in-1)*stride - 2*pad + dilation*(k-1) + output_padding + 1
//   weights = out_channels * in_channels/groups * prod(kernel) (+ out bias)
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

namespace {
/// Reads the per-axis padding (int, tuple, "valid" or "same") of a
/// convolution; "same" needs stride 1 and pads as PyTorch does.
std::optional<llvm::SmallVector<AxisPadding, 4>>
getConvPadding(OpContext &ctx, unsigned n,
               llvm::ArrayRef<int64_t> kernel, llvm::ArrayRef<int64_t> stride,
               llvm::ArrayRef<int64_t> dilation) {
  llvm::SmallVector<AxisPadding, 4> pads;
  const Value &padding = ctx.get("padding");
  if (padding.isString()) {
    if (padding.getString() == "valid") {
      pads.assign(n, {0, 0});
      return pads;
    }
    // "same": total padding dilation*(k-1), the extra one after (PyTorch).
    for (unsigned i = 0; i < n; ++i)
      if (stride[i] != 1) {
        ctx.errorAtArg("padding", diag::err_same_padding_stride, stride[i]);
        return std::nullopt;
      }
    for (unsigned i = 0; i < n; ++i) {
      int64_t total = dilation[i] * (kernel[i] - 1);
      pads.push_back({total / 2, total - total / 2});
    }
    return pads;
  }
  auto perAxis = ctx.getPerAxis("padding", n);
  if (!perAxis)
    return std::nullopt;
  for (int64_t p : *perAxis)
    pads.push_back({p, p});
  return pads;
}

/// Checks in/out channels against groups.
bool checkGroups(OpContext &ctx, int64_t inChannels, int64_t outChannels) {
  int64_t groups = ctx.getInt("groups");
  if (inChannels % groups != 0) {
    ctx.errorAtInput(0, diag::err_channels_not_divisible, ctx.getOpName(),
                     "in_channels", inChannels, groups);
    return false;
  }
  if (outChannels % groups != 0) {
    ctx.errorAtArg("out_channels", diag::err_channels_not_divisible,
                   ctx.getOpName(), "out_channels", outChannels, groups);
    return false;
  }
  return true;
}

} // namespace

/// What both directions of convolution check first: the input is channels
/// first, the kernel, stride and dilation have one value per axis, and the
/// groups divide the channels.
struct ConvWindow {
  llvm::SmallVector<int64_t, 4> kernel, stride, dilation;
  int64_t outChannels;
};
static std::optional<ConvWindow> readConvWindow(OpContext &ctx) {
  unsigned n = ctx.getOp().spatialRank;
  if (!requireChannelsFirst(ctx, n))
    return std::nullopt;
  auto kernel = ctx.getPerAxis("kernel", n);
  auto stride = ctx.getPerAxis("stride", n);
  auto dilation = ctx.getPerAxis("dilation", n);
  if (!kernel || !stride || !dilation)
    return std::nullopt;
  int64_t outChannels = ctx.getInt("out_channels");
  if (!checkGroups(ctx, ctx.getInput().dims[0], outChannels))
    return std::nullopt;
  return ConvWindow{std::move(*kernel), std::move(*stride),
                    std::move(*dilation), outChannels};
}

/// Shape rule of conv1d/2d/3d.
static std::optional<TensorType> inferConvShape(OpContext &ctx) {
  unsigned n = ctx.getOp().spatialRank;
  std::optional<ConvWindow> w = readConvWindow(ctx);
  if (!w)
    return std::nullopt;
  auto pads = getConvPadding(ctx, n, w->kernel, w->stride, w->dilation);
  if (!pads)
    return std::nullopt;
  auto sizes = slidingWindowSizes(ctx, w->kernel, w->stride, *pads,
                                  w->dilation, /*ceilMode=*/false);
  if (!sizes)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> dims{w->outChannels};
  dims.append(sizes->begin(), sizes->end());
  return ctx.makeType(dims);
}

/// Shape rule of conv_transpose1d/2d/3d.
static std::optional<TensorType> inferConvTransposeShape(OpContext &ctx) {
  unsigned n = ctx.getOp().spatialRank;
  std::optional<ConvWindow> w = readConvWindow(ctx);
  if (!w)
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  auto padding = ctx.getPerAxis("padding", n);
  auto outputPadding = ctx.getPerAxis("output_padding", n);
  if (!padding || !outputPadding)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> dims{w->outChannels};
  for (unsigned i = 0; i < n; ++i) {
    if ((*outputPadding)[i] >= std::max(w->stride[i], w->dilation[i])) {
      ctx.errorAtArg("output_padding", diag::err_arg_value, "output_padding",
                     ctx.getOpName(),
                     "must be smaller than the stride (" +
                         std::to_string(w->stride[i]) + ") or the dilation (" +
                         std::to_string(w->dilation[i]) + "), got " +
                         std::to_string((*outputPadding)[i]));
      return std::nullopt;
    }
    // (in-1)*stride - 2*pad + dilation*(k-1) + output_padding + 1
    auto grown = checkedMul(in.dims[i + 1] - 1, w->stride[i]);
    auto span = checkedMul(w->dilation[i], w->kernel[i] - 1);
    auto twoPad = checkedMul((*padding)[i], 2);
    std::optional<int64_t> out;
    if (grown && span && twoPad)
      out = checkedAdd(*grown, *span);
    if (out)
      out = checkedAdd(*out, (*outputPadding)[i] + 1);
    if (out)
      out = checkedSub(*out, *twoPad);
    if (!out) {
      ctx.error(diag::err_overflow, ctx.getOpName() + " output size");
      return std::nullopt;
    }
    if (*out <= 0) {
      ctx.error(diag::err_output_size_nonpositive, ctx.getOpName(),
                getSpatialAxisName(n, i), *out, in.dims[i + 1], w->kernel[i],
                w->stride[i], (*padding)[i], w->dilation[i]);
      return std::nullopt;
    }
    dims.push_back(*out);
  }
  return ctx.makeType(dims);
}

/// Parameters of a convolution: weights (out * in/groups * prod(kernel) for
/// both directions) plus an optional bias per output channel.
static std::optional<ParamCount> countConvParams(OpContext &ctx,
                                                 const TensorType &out) {
  unsigned n = ctx.getOp().spatialRank;
  int64_t inChannels = ctx.getInput().dims[0];
  int64_t outChannels = ctx.getInt("out_channels");
  int64_t groups = ctx.getInt("groups");
  auto kernel = ctx.getPerAxis("kernel", n);
  if (!kernel)
    return std::nullopt;
  std::optional<int64_t> weights =
      ctx.mul(outChannels, inChannels / groups, "the weight count");
  for (int64_t k : *kernel)
    if (weights)
      weights = ctx.mul(*weights, k, "the weight count");
  if (!weights)
    return std::nullopt;
  ParamCount count;
  count.trainable = *weights;
  if (ctx.getBool("bias")) {
    auto total = ctx.add(count.trainable, outChannels, "the parameter count");
    if (!total)
      return std::nullopt;
    count.trainable = *total;
  }
  return count;
}

/// Cost of a convolution in either direction (fvcore's and torchvision's
/// convention, docs/macs.md): each output element of a convolution takes
/// in/groups * prod(kernel) MACs; each input element of a transposed
/// convolution is spread over out/groups * prod(kernel) outputs, one MAC
/// each. Stride, padding and dilation count only through the sizes. The
/// bias adds one FLOP per output element.
static std::optional<OpCost>
countConvCost(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs,
              bool transposed) {
  unsigned n = layer.op->spatialRank;
  const Attribute *groups = layer.getAttribute("groups");
  const Attribute *bias = layer.getAttribute("bias");
  auto kernel = getPerAxisAttribute(layer, "kernel", n);
  if (!groups || !kernel || inputs.empty())
    return std::nullopt;
  const TensorType &in = *inputs[0];
  auto inElements = in.getNumElements();
  auto outElements = layer.type.getNumElements();
  auto window = checkedProduct(*kernel);
  if (!inElements || !outElements || !window)
    return std::nullopt;
  // Per output element of a convolution, per input element of a transposed
  // one: the channels of one group times the kernel window.
  int64_t groupChannels =
      (transposed ? layer.type.dims[0] : in.dims[0]) / groups->value.getInt();
  auto perElement = checkedMul(groupChannels, *window);
  std::optional<int64_t> macs;
  if (perElement)
    macs = checkedMul(transposed ? *inElements : *outElements, *perElement);
  if (!macs)
    return std::nullopt;
  OpCost cost;
  cost.macs = *macs;
  if (!bias || bias->value.getBool())
    cost.flops = *outElements;
  return cost;
}

/// The signature of a convolution: a transposed one takes an
/// output_padding, and only a plain one takes "same" and "valid" padding.
static std::vector<ArgSpec> getConvolutionSignature(bool transposed) {
  using namespace sig;
  const ArgConstraint Pos = ArgConstraint::Positive;
  const ArgConstraint NonNeg = ArgConstraint::NonNegative;
  std::vector<ArgSpec> args{
      tensor("x"), required("out_channels", ArgType::Int, Pos),
      required("kernel", ArgType::IntOrTuple, Pos),
      withDefault("stride", ArgType::IntOrTuple, Value::integer(1), Pos)};
  if (transposed) {
    args.push_back(
        withDefault("padding", ArgType::IntOrTuple, Value::integer(0), NonNeg));
    args.push_back(withDefault("output_padding", ArgType::IntOrTuple,
                               Value::integer(0), NonNeg));
  } else {
    args.push_back({"padding", ArgType::Padding, NonNeg, Value::integer(0),
                    false, {"same", "valid"}});
  }
  args.push_back(
      withDefault("dilation", ArgType::IntOrTuple, Value::integer(1), Pos));
  args.push_back(withDefault("groups", ArgType::Int, Value::integer(1), Pos));
  args.push_back(withDefault("bias", ArgType::Bool, Value::boolean(true)));
  return args;
}

/// conv1d..3d and conv_transpose1d..3d.
/// For a convolution with padding="same" whose total padding on some
/// axis is odd: the extra element per axis (0 or 1) torch pads a copy of
/// the input by; nullopt otherwise.
static std::optional<llvm::SmallVector<int64_t, 4>>
samePaddingCopy(const Layer &layer, unsigned n) {
  const Attribute *padding = layer.getAttribute("padding");
  if (!padding || !padding->value.isString() ||
      padding->value.getString() != "same")
    return std::nullopt;
  auto kernel = getPerAxisAttribute(layer, "kernel", n);
  llvm::SmallVector<int64_t, 4> ones(n, 1);
  auto dilation = layer.getAttribute("dilation")
                      ? getPerAxisAttribute(layer, "dilation", n)
                      : std::optional(ones);
  if (!kernel || !dilation)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> extra;
  bool any = false;
  for (unsigned i = 0; i < n; ++i) {
    extra.push_back(((*dilation)[i] * ((*kernel)[i] - 1)) % 2);
    any = any || extra.back();
  }
  if (!any)
    return std::nullopt;
  return extra;
}

static OpDef makeConvolution(unsigned n, bool transposed) {
  std::string d = std::to_string(n) + "d";
  std::string doc =
      transposed ? std::to_string(n) + "-D transposed convolution "
                                       "(torch.nn.ConvTranspose" + d + ")"
                 : std::to_string(n) + "-D convolution over a channels-first "
                                       "input (torch.nn.Conv" + d + ")";
  OpDef op{transposed ? "conv_transpose" + d : "conv" + d,
           OpFamily::Convolution,
           std::move(doc),
           getConvolutionSignature(transposed),
           n,
           OutputStorage::New,
           transposed ? inferConvTransposeShape : inferConvShape,
           countConvParams};
  op.saves = {SavedTensors::Input};
  if (!transposed) {
    // padding="same" with an odd total padding on some axis (an even
    // dilated kernel): torch's conv pads a copy of the input by the extra
    // element (F.pad) and keeps that copy for backward, not the input.
    op.saves.select = [n](const Layer &layer,
                          llvm::ArrayRef<const TensorType *>) {
      return samePaddingCopy(layer, n) ? SavedTensors::None
                                       : SavedTensors::Input;
    };
    op.saves.extra = [n](const Layer &layer,
                         llvm::ArrayRef<const TensorType *> inputs,
                         const SavedWidths &widths) -> std::optional<int64_t> {
      auto padded = samePaddingCopy(layer, n);
      if (!padded || inputs.empty())
        return 0;
      llvm::SmallVector<int64_t, 4> dims{inputs[0]->dims[0]};
      for (unsigned i = 0; i < n; ++i)
        dims.push_back(inputs[0]->dims[i + 1] + (*padded)[i]);
      auto elements = checkedProduct(dims);
      return elements ? checkedMul(*elements, widths.activation)
                      : std::nullopt;
    };
    op.saves.doc = "with padding=\"same\" and an even kernel: the input "
                   "padded by one on those axes (a copy) instead of the input";
  }
  op.countCost = [transposed](const Layer &l,
                              llvm::ArrayRef<const TensorType *> in) {
    return countConvCost(l, in, transposed);
  };
  op.summary = {{{"kernel", SummaryStyle::Window, "stride"},
                 {"out_channels", SummaryStyle::Value},
                 {"groups", SummaryStyle::IfNotDefault},
                 {"dilation", SummaryStyle::IfNotDefault}}};
  return op;
}

void ops::addConvolutionOps(std::vector<OpDef> &ops) {
  for (unsigned n = 1; n <= 3; ++n) {
    ops.push_back(makeConvolution(n, /*transposed=*/false));
    ops.push_back(makeConvolution(n, /*transposed=*/true));
  }
}
