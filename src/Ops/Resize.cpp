//===- Resize.cpp - zero padding and upsampling ---------------------------===//
//
// zero_pad2d(x, pad): pad is one integer (all sides) or (left, right, top,
// bottom) as torch.nn.ZeroPad2d. A pair is rejected: PyTorch pads only the
// width with it, Keras both axes, and a silent guess would be wrong for one. upsample(x, scale): nearest or bilinear, each spatial
// axis times its integer scale.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

static std::optional<TensorType> inferZeroPad2dShape(OpContext &ctx) {
  if (!requireChannelsFirst(ctx, 2))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  const Value &pad = ctx.get("pad");
  int64_t left, right, top, bottom;
  if (pad.isInt()) {
    left = right = top = bottom = pad.getInt();
  } else if (pad.getElements().size() == 4) {
    left = pad.getElements()[0].getInt();
    right = pad.getElements()[1].getInt();
    top = pad.getElements()[2].getInt();
    bottom = pad.getElements()[3].getInt();
  } else {
    ctx.errorAtArg("pad", diag::err_arg_value, "pad", ctx.getOpName(),
                   "must be one integer or (left, right, top, bottom) as "
                   "torch.nn.ZeroPad2d takes it, got " +
                       pad.str() +
                       (pad.getElements().size() == 2
                            ? " (a pair is ambiguous: PyTorch pads only the "
                              "width with it, Keras height and width)"
                            : ""));
    return std::nullopt;
  }
  auto h = checkedAdd(in.dims[1], top);
  auto w = checkedAdd(in.dims[2], left);
  if (h)
    h = checkedAdd(*h, bottom);
  if (w)
    w = checkedAdd(*w, right);
  if (!h || !w) {
    ctx.error(diag::err_overflow, "zero_pad2d output size");
    return std::nullopt;
  }
  return ctx.makeType({in.dims[0], *h, *w});
}

static std::optional<TensorType> inferUpsampleShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 2, "a channels-first input with spatial axes, such as [C, H, W]"))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  // Bilinear interpolation is defined on two spatial axes only.
  if (ctx.getString("mode") == "bilinear" && in.getRank() != 3) {
    ctx.errorAtInput(0, diag::err_input_rank,
                     "upsample with mode=\"bilinear\"", "a [C, H, W] input",
                     in.str());
    return std::nullopt;
  }
  unsigned spatial = in.getRank() - 1;
  auto scale = ctx.getPerAxis("scale", spatial);
  if (!scale)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> dims{in.dims[0]};
  for (unsigned i = 0; i < spatial; ++i) {
    auto d = ctx.mul(in.dims[i + 1], (*scale)[i], "upsample output size");
    if (!d)
      return std::nullopt;
    dims.push_back(*d);
  }
  return ctx.makeType(dims);
}

void ops::addResizeOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{
      "zero_pad2d",
      OpFamily::Resize,
      "pads height and width with zeros (torch.nn.ZeroPad2d)",
      {tensor("x"),
       required("pad", ArgType::IntTuple, ArgConstraint::NonNegative)},
      2,
      OutputStorage::New,
      inferZeroPad2dShape,
      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{
      "upsample",
      OpFamily::Resize,
      "repeats each spatial axis `scale` times (torch.nn.Upsample with an "
      "integer scale_factor)",
      {tensor("x"),
       required("scale", ArgType::IntOrTuple, ArgConstraint::Positive),
       choice("mode", "nearest", {"nearest", "bilinear"})},
      0,
      OutputStorage::New,
      inferUpsampleShape,
      nullptr});
  // Nearest copies; bilinear interpolation takes 11 FLOPs per output element,
  // as THOP (pytorch-OpCounter) counts it.
  ops.back().countCost =
      [](const Layer &l,
         llvm::ArrayRef<const TensorType *> in) -> std::optional<OpCost> {
    const Attribute *mode = l.getAttribute("mode");
    bool bilinear = mode && mode->value.isString() &&
                    mode->value.getString() == "bilinear";
    return flopsPerOutputElement(bilinear ? 11 : 0)(l, in);
  };
}
