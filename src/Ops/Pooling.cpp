//===- Pooling.cpp - max/avg pooling, global and adaptive pooling ---------===//
//
// Shapes follow torch.nn.MaxPoolNd / AvgPoolNd (stride defaults to the
// kernel; padding at most half the kernel; ceil_mode's last-window rule),
// global pooling ([C, ...] to [C] or [C, 1, ...] with keepdims) and
// torch.nn.AdaptiveAvgPool2d. Pooling has no parameters.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

/// Shape rule of maxpool1d/2d/3d and avgpool1d/2d/3d.
static std::optional<TensorType> inferPoolShape(OpContext &ctx) {
  unsigned n = ctx.getOp().spatialRank;
  if (!requireChannelsFirst(ctx, n))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  auto kernel = ctx.getPerAxis("kernel", n);
  if (!kernel)
    return std::nullopt;
  auto stride = ctx.has("stride") ? ctx.getPerAxis("stride", n) : kernel;
  auto padding = ctx.getPerAxis("padding", n);
  llvm::SmallVector<int64_t, 4> ones(n, 1);
  auto dilation = ctx.has("dilation") ? ctx.getPerAxis("dilation", n)
                                      : std::optional(ones);
  if (!stride || !padding || !dilation)
    return std::nullopt;
  bool ceilMode = ctx.getBool("ceil_mode");

  llvm::SmallVector<AxisPadding, 4> pads;
  for (unsigned i = 0; i < n; ++i) {
    // PyTorch checks pad <= kernel / 2 against the undilated kernel (its
    // message says "effective kernel size", but the test is kW/2 >= padW).
    if ((*padding)[i] > (*kernel)[i] / 2) {
      ctx.errorAtArg("padding", diag::err_padding_too_large, ctx.getOpName(),
                     (*padding)[i], (*kernel)[i]);
      return std::nullopt;
    }
    pads.push_back({(*padding)[i], (*padding)[i]});
  }
  auto sizes =
      slidingWindowSizes(ctx, *kernel, *stride, pads, *dilation, ceilMode);
  if (!sizes)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> dims{in.dims[0]};
  dims.append(sizes->begin(), sizes->end());
  return ctx.makeType(dims);
}

/// Shape rule of global_avgpool and global_maxpool.
static std::optional<TensorType> inferGlobalPoolShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 2, "a channels-first input with spatial axes, such as [C, H, W]"))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  llvm::SmallVector<int64_t, 4> dims{in.dims[0]};
  if (ctx.getBool("keepdims"))
    dims.append(in.getRank() - 1, 1);
  return ctx.makeType(dims);
}

/// Shape rule of adaptive_avgpool2d and adaptive_maxpool2d.
static std::optional<TensorType> inferAdaptivePoolShape(OpContext &ctx) {
  if (!requireChannelsFirst(ctx, 2))
    return std::nullopt;
  auto size = ctx.getPerAxis("output_size", 2);
  if (!size)
    return std::nullopt;
  return ctx.makeType({ctx.getInput().dims[0], (*size)[0], (*size)[1]});
}

void ops::addPoolingOps(std::vector<OpDef> &ops) {
  using namespace sig;
  const ArgConstraint Pos = ArgConstraint::Positive;
  const ArgConstraint NonNeg = ArgConstraint::NonNegative;
  for (unsigned n = 1; n <= 3; ++n) {
    std::string d = std::to_string(n) + "d";
    ops.push_back(OpDef{
        "maxpool" + d,
        OpFamily::Pooling,
        std::to_string(n) + "-D max pooling; stride defaults to the kernel "
                            "(torch.nn.MaxPool" + d + ")",
        {tensor("x"), required("kernel", ArgType::IntOrTuple, Pos),
         derived("stride", ArgType::IntOrTuple, Pos),
         withDefault("padding", ArgType::IntOrTuple, Value::integer(0), NonNeg),
         withDefault("dilation", ArgType::IntOrTuple, Value::integer(1), Pos),
         withDefault("ceil_mode", ArgType::Bool, Value::boolean(false))},
        n,
        OutputStorage::New,
        inferPoolShape,
        nullptr});
    ops.back().saves = {SavedTensors::Input, savedBytesPerOutputElement(8),
                        "int64 indices per output element"};
    ops.push_back(OpDef{
        "avgpool" + d,
        OpFamily::Pooling,
        std::to_string(n) + "-D average pooling; stride defaults to the "
                            "kernel (torch.nn.AvgPool" + d + ")",
        {tensor("x"), required("kernel", ArgType::IntOrTuple, Pos),
         derived("stride", ArgType::IntOrTuple, Pos),
         withDefault("padding", ArgType::IntOrTuple, Value::integer(0), NonNeg),
         withDefault("ceil_mode", ArgType::Bool, Value::boolean(false))},
        n,
        OutputStorage::New,
        inferPoolShape,
        nullptr});
    ops.back().saves = {SavedTensors::Input};
  }
  ops.push_back(OpDef{
      "global_avgpool",
      OpFamily::Pooling,
      "average over all spatial axes: [C, H, W] to [C] (or [C, 1, 1] with "
      "keepdims=true)",
      {tensor("x"), withDefault("keepdims", ArgType::Bool, Value::boolean(false))},
      0,
      OutputStorage::New,
      inferGlobalPoolShape,
      nullptr});
  // torch.nn.AdaptiveAvgPool2d(1) and x.mean((2, 3)) both keep the input.
  ops.back().saves = {SavedTensors::Input};
  ops.push_back(OpDef{
      "global_maxpool",
      OpFamily::Pooling,
      "maximum over all spatial axes: [C, H, W] to [C] (or [C, 1, 1] with "
      "keepdims=true)",
      {tensor("x"), withDefault("keepdims", ArgType::Bool, Value::boolean(false))},
      0,
      OutputStorage::New,
      inferGlobalPoolShape,
      nullptr});
  // As torch.nn.AdaptiveMaxPool2d(1).
  ops.back().saves = {SavedTensors::Input, savedBytesPerOutputElement(8),
                      "int64 indices per output element"};
  ops.push_back(OpDef{
      "adaptive_avgpool2d",
      OpFamily::Pooling,
      "average pooling to a fixed output size (h, w) "
      "(torch.nn.AdaptiveAvgPool2d)",
      {tensor("x"), required("output_size", ArgType::IntOrTuple, Pos)},
      2,
      OutputStorage::New,
      inferAdaptivePoolShape,
      nullptr});
  ops.back().saves = {SavedTensors::Input};
  ops.push_back(OpDef{
      "adaptive_maxpool2d",
      OpFamily::Pooling,
      "max pooling to a fixed output size (h, w) (torch.nn.AdaptiveMaxPool2d)",
      {tensor("x"), required("output_size", ArgType::IntOrTuple, Pos)},
      2,
      OutputStorage::New,
      inferAdaptivePoolShape,
      nullptr});
  ops.back().saves = {SavedTensors::Input, savedBytesPerOutputElement(8),
                      "int64 indices per output element"};
}
