//===- Pooling.cpp - max/avg pooling, global and adaptive pooling ---------===//
//
// Shapes follow torch.nn.MaxPoolNd / AvgPoolNd (stride defaults to the
// kernel; padding at most half the kernel; ceil_mode's last-window rule),
// global pooling ([C, ...] to [C] or [C, 1, ...] with keepdims),
// torch.nn.AdaptiveAvgPool2d, and mean(x, axis) (torch.mean over one or
// more axes of a sample, any rank). Pooling has no parameters.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

#include <numeric>

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
  // torch 1.13's avg_pool3d (alone of the pools) also needs the input
  // itself, padding aside, at least as large as the kernel on every axis
  // (pool3d_shape_check with check_input_size).
  if (ctx.getOpName() == "avgpool3d")
    for (unsigned i = 0; i < n; ++i)
      if (in.dims[i + 1] < (*kernel)[i]) {
        ctx.errorAtArg("kernel", diag::err_avgpool3d_kernel_exceeds_input,
                       joinDims(*kernel), joinDims(llvm::ArrayRef<int64_t>(
                                              in.dims).drop_front()));
        return std::nullopt;
      }
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

/// Cost of windowed pooling: per output element, a max takes prod(kernel)
/// - 1 comparisons and an average prod(kernel) - 1 additions and one
/// division (prod(kernel)); every window counts whole, padding included.
static CostRule windowPoolCost(bool isMax) {
  return [isMax](const Layer &layer, llvm::ArrayRef<const TensorType *>)
             -> std::optional<OpCost> {
    auto kernel =
        getPerAxisAttribute(layer, "kernel", layer.op->spatialRank);
    auto outElements = layer.type.getNumElements();
    if (!kernel || !outElements)
      return std::nullopt;
    auto window = checkedProduct(*kernel);
    if (!window)
      return std::nullopt;
    auto flops = checkedMul(*outElements, isMax ? *window - 1 : *window);
    if (!flops)
      return std::nullopt;
    return OpCost{0, *flops};
  };
}

/// Cost of global pooling: an average adds every input element and divides
/// once per channel (the input's element count); a maximum compares all but
/// one element per channel.
static CostRule globalPoolCost(bool isMax) {
  return [isMax](const Layer &layer, llvm::ArrayRef<const TensorType *> inputs)
             -> std::optional<OpCost> {
    if (inputs.empty())
      return std::nullopt;
    auto inElements = inputs[0]->getNumElements();
    if (!inElements)
      return std::nullopt;
    return OpCost{0, isMax ? *inElements - layer.type.dims[0] : *inElements};
  };
}

/// Cost of adaptive pooling: the windows of torch's AdaptiveAvgPool2d and
/// AdaptiveMaxPool2d (output i of n over an axis of length L covers
/// [floor(i*L/n), ceil((i+1)*L/n))), counted as windowed pooling counts
/// them: all their elements for an average, one fewer for a maximum. The
/// window lengths along an axis sum to L + n - gcd(L, n).
static CostRule adaptivePoolCost(bool isMax) {
  return [isMax](const Layer &layer, llvm::ArrayRef<const TensorType *> inputs)
             -> std::optional<OpCost> {
    if (inputs.empty() || inputs[0]->getRank() != 3 ||
        layer.type.getRank() != 3)
      return std::nullopt;
    // Elements under all windows: C * (sum over rows) * (sum over columns).
    std::optional<int64_t> covered = layer.type.dims[0];
    for (unsigned axis = 1; axis <= 2 && covered; ++axis) {
      int64_t length = inputs[0]->dims[axis], outs = layer.type.dims[axis];
      auto sum = checkedAdd(length, outs);
      covered = sum ? checkedMul(*covered, *sum - std::gcd(length, outs))
                    : std::nullopt;
    }
    auto outElements = layer.type.getNumElements();
    if (!covered || !outElements)
      return std::nullopt;
    return OpCost{0, isMax ? *covered - *outElements : *covered};
  };
}

/// What max pooling keeps besides its input: an int64 index per output.
/// \p spatialRank 1 keeps the input as an [N, C, 1, L] view (torch runs
/// 1-D pooling on the 2-D kernel).
static BackwardSaves maxPoolSaves(unsigned spatialRank) {
  return {spatialRank == 1 ? SavedTensors::InputWithUnitAxis
                           : SavedTensors::Input,
          savedBytesPerOutputElement(8), "int64 indices per output element"};
}

/// maxpool1d..3d and avgpool1d..3d: a window that slides; the stride
/// defaults to the kernel.
static OpDef makeWindowPool(unsigned n, bool isMax) {
  using namespace sig;
  const ArgConstraint Pos = ArgConstraint::Positive;
  const ArgConstraint NonNeg = ArgConstraint::NonNegative;
  std::string d = std::to_string(n) + "d";
  std::vector<ArgSpec> args{
      tensor("x"), required("kernel", ArgType::IntOrTuple, Pos),
      derived("stride", ArgType::IntOrTuple, Pos),
      withDefault("padding", ArgType::IntOrTuple, Value::integer(0), NonNeg)};
  if (isMax)
    args.push_back(
        withDefault("dilation", ArgType::IntOrTuple, Value::integer(1), Pos));
  args.push_back(withDefault("ceil_mode", ArgType::Bool, Value::boolean(false)));
  OpDef op{(isMax ? "maxpool" : "avgpool") + d,
           OpFamily::Pooling,
           std::to_string(n) + (isMax ? "-D max pooling" : "-D average pooling") +
               "; stride defaults to the kernel (torch.nn." +
               (isMax ? "MaxPool" : "AvgPool") + d + ")",
           std::move(args),
           n,
           OutputStorage::New,
           inferPoolShape,
           nullptr};
  op.saves = isMax ? maxPoolSaves(n)
                    : BackwardSaves{n == 1 ? SavedTensors::InputWithUnitAxis
                                           : SavedTensors::Input};
  if (!isMax)
    op.inputTypes = InputTypes::FloatOrInteger; // as torch's kernels
  op.countCost = windowPoolCost(isMax);
  op.summary = {{{"kernel", SummaryStyle::Window, "stride"}}};
  return op;
}

/// global_avgpool and global_maxpool: over every spatial axis.
static OpDef makeGlobalPool(bool isMax) {
  using namespace sig;
  OpDef op{isMax ? "global_maxpool" : "global_avgpool",
           OpFamily::Pooling,
           std::string(isMax ? "maximum" : "average") +
               " over all spatial axes: [C, H, W] to [C] (or [C, 1, 1] with "
               "keepdims=true)",
           {tensor("x"),
            withDefault("keepdims", ArgType::Bool, Value::boolean(false))},
           0,
           OutputStorage::New,
           inferGlobalPoolShape,
           nullptr};
  // torch.nn.AdaptiveAvgPool2d(1) and x.mean((2, 3)) both keep the input;
  // torch.nn.AdaptiveMaxPool2d(1) its indices too, and over one spatial
  // axis (adaptive_max_pool1d) an [N, C, 1, L] view of the input.
  op.saves = isMax ? maxPoolSaves(2) : BackwardSaves{SavedTensors::Input};
  if (isMax)
    op.saves.select = [](const Layer &,
                         llvm::ArrayRef<const TensorType *> inputs) {
      return !inputs.empty() && inputs[0]->getRank() == 2
                 ? SavedTensors::InputWithUnitAxis
                 : SavedTensors::Input;
    };
  op.countCost = globalPoolCost(isMax);
  op.summary = std::vector<SummaryArg>();
  return op;
}

/// adaptive_avgpool2d and adaptive_maxpool2d: to a fixed output size.
static OpDef makeAdaptivePool(bool isMax) {
  using namespace sig;
  OpDef op{isMax ? "adaptive_maxpool2d" : "adaptive_avgpool2d",
           OpFamily::Pooling,
           std::string(isMax ? "max" : "average") +
               " pooling to a fixed output size (h, w) (torch.nn.Adaptive" +
               (isMax ? "Max" : "Avg") + "Pool2d)",
           {tensor("x"), required("output_size", ArgType::IntOrTuple,
                                  ArgConstraint::Positive)},
           2,
           OutputStorage::New,
           inferAdaptivePoolShape,
           nullptr};
  op.saves = isMax ? maxPoolSaves(2) : BackwardSaves{SavedTensors::Input};
  op.countCost = adaptivePoolCost(isMax);
  op.summary = {{{"output_size", SummaryStyle::Target}}};
  return op;
}

/// Shape rule of mean: the named axes go away (or become 1 with keepdims).
static std::optional<TensorType> inferMeanShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t rank = in.getRank();
  const Value &axisValue = ctx.get("axis");
  llvm::SmallVector<int64_t, 4> axes;
  if (axisValue.isInt())
    axes.push_back(axisValue.getInt());
  else
    for (const Value &e : axisValue.getElements())
      axes.push_back(e.getInt());
  llvm::SmallVector<bool, 8> reduced(rank, false);
  for (int64_t axis : axes) {
    if (axis < -rank || axis >= rank) {
      ctx.errorAtArg("axis", diag::err_axis_out_of_range, axis, in.str(),
                     rank);
      return std::nullopt;
    }
    int64_t index = axis < 0 ? axis + rank : axis;
    if (reduced[index]) {
      ctx.errorAtArg("axis", diag::err_axes_repeated, ctx.getOpName(), index,
                     in.str(), axisValue.str());
      return std::nullopt;
    }
    reduced[index] = true;
  }
  bool keepdims = ctx.getBool("keepdims");
  llvm::SmallVector<int64_t, 4> dims;
  for (int64_t i = 0; i < rank; ++i)
    if (!reduced[i])
      dims.push_back(in.dims[i]);
    else if (keepdims)
      dims.push_back(1);
  // One number per sample: netc's tensors have at least one axis.
  if (dims.empty()) {
    ctx.errorAtArg("axis", diag::err_reduce_every_axis, ctx.getOpName(),
                   in.str());
    return std::nullopt;
  }
  return ctx.makeType(dims);
}

/// mean: every input element added, one division per output element
/// (counted as global_avgpool counts it: the input's elements).
static std::optional<OpCost>
countMeanCost(const Layer &, llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.empty())
    return std::nullopt;
  auto elements = inputs[0]->getNumElements();
  if (!elements)
    return std::nullopt;
  return OpCost{0, *elements};
}

void ops::addPoolingOps(std::vector<OpDef> &ops) {
  for (unsigned n = 1; n <= 3; ++n) {
    ops.push_back(makeWindowPool(n, /*isMax=*/true));
    ops.push_back(makeWindowPool(n, /*isMax=*/false));
  }
  ops.push_back(makeGlobalPool(/*isMax=*/false));
  ops.push_back(makeGlobalPool(/*isMax=*/true));
  ops.push_back(makeAdaptivePool(/*isMax=*/false));
  ops.push_back(makeAdaptivePool(/*isMax=*/true));
  using namespace sig;
  ops.push_back(OpDef{
      "mean",
      OpFamily::Reduction,
      "average over one axis or a tuple of axes of a sample (torch.mean); "
      "the axes go away, or stay as 1 with keepdims=true",
      {tensor("x"), withDefault("axis", ArgType::IntTuple, Value::integer(-1)),
       withDefault("keepdims", ArgType::Bool, Value::boolean(false))},
      0,
      OutputStorage::New,
      inferMeanShape,
      nullptr});
  // torch 1.13's MeanBackward1 keeps its input (measured with
  // saved_tensors_hooks), as global average pooling does.
  ops.back().saves = {SavedTensors::Input};
  ops.back().countCost = countMeanCost;
}
