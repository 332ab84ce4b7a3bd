//===- Normalization.cpp - batchnorm, layernorm, groupnorm, dropout -------===//
//
// batchnorm: per-channel scale and shift (2C trainable) and running mean and
// variance (2C non-trainable buffers), as torch.nn.BatchNormNd counts them
// (the num_batches_tracked counter is not counted, as torchvision's figures
// do not). layernorm: scale and shift over the normalised trailing axes.
// rmsnorm: root-mean-square normalisation (Zhang and Sennrich 2019, Llama's
// LlamaRMSNorm), a scale only, no mean. groupnorm: 2C, channels divisible
// by groups. dropout: no parameters, in place unless inplace=false.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

#include <algorithm>

using namespace netc;
using namespace netc::ops;

static std::optional<ParamCount> countTwoPerChannel(OpContext &ctx,
                                                    const TensorType &) {
  auto twoC = ctx.mul(ctx.getInput().dims[0], 2, "the parameter count");
  if (!twoC)
    return std::nullopt;
  ParamCount count;
  count.trainable = *twoC;
  return count;
}

static std::optional<TensorType> inferChannelwiseShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 1, "a channels-first input such as [C] or [C, H, W]"))
    return std::nullopt;
  return ctx.getInput();
}

static std::optional<ParamCount> countBatchNormParams(OpContext &ctx,
                                                      const TensorType &out) {
  auto count = countTwoPerChannel(ctx, out);
  if (count)
    count->buffers = count->trainable; // running mean and running variance
  return count;
}

static std::optional<TensorType> inferLayerNormShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t dims = ctx.getInt("dims");
  if (dims > static_cast<int64_t>(in.getRank())) {
    ctx.errorAtArg("dims", diag::err_arg_value, "dims", ctx.getOpName(),
                   "must be at most the input's rank " +
                       std::to_string(in.getRank()) + " (input " + in.str() +
                       ")");
    return std::nullopt;
  }
  return in;
}

/// \p perElement parameters for each element of the normalised trailing
/// axes when affine: 2 for layernorm (scale and shift), 1 for rmsnorm.
static std::optional<ParamCount>
countNormalizedParams(OpContext &ctx, int64_t perElement) {
  const TensorType &in = ctx.getInput();
  int64_t dims = ctx.getInt("dims");
  std::optional<int64_t> normalized = 1;
  for (unsigned i = in.getRank() - dims; i < in.getRank() && normalized; ++i)
    normalized = ctx.mul(*normalized, in.dims[i], "the parameter count");
  if (!normalized)
    return std::nullopt;
  ParamCount count;
  if (ctx.getBool("affine")) {
    auto params = ctx.mul(*normalized, perElement, "the parameter count");
    if (!params)
      return std::nullopt;
    count.trainable = *params;
  }
  return count;
}

/// The slices a layernorm or rmsnorm layer normalises (each keeps its own
/// statistics): the product of the axes before the normalised ones.
static int64_t countNormalizedSlices(const Layer &l) {
  const Attribute *dims = l.getAttribute("dims");
  size_t kept = l.type.dims.size() -
                std::min<size_t>(l.type.dims.size(),
                                 dims ? dims->value.getInt() : 1);
  int64_t slices = 1;
  for (size_t i = 0; i < kept; ++i)
    slices *= l.type.dims[i]; // a factor of the element count
  return slices;
}

/// \p affineFlops per element, one fewer without affine=true.
static CostRule flopsPerElementUnlessNotAffine(int64_t affineFlops) {
  return [affineFlops](const Layer &l, llvm::ArrayRef<const TensorType *> in)
             -> std::optional<OpCost> {
    const Attribute *affine = l.getAttribute("affine");
    bool isAffine = !affine || affine->value.getBool();
    return flopsPerOutputElement(isAffine ? affineFlops : affineFlops - 1)(
        l, in);
  };
}

static std::optional<TensorType> inferGroupNormShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 1, "a channels-first input such as [C] or [C, H, W]"))
    return std::nullopt;
  int64_t channels = ctx.getInput().dims[0];
  int64_t groups = ctx.getInt("groups");
  if (channels % groups != 0) {
    ctx.errorAtArg("groups", diag::err_channels_not_divisible,
                   ctx.getOpName(), "channels", channels, groups);
    return std::nullopt;
  }
  // One value per group and sample: its mean is itself, so every output is
  // the bias; torch's F.group_norm refuses it at batch 1 ("Expected more
  // than 1 value per channel").
  const TensorType &in = ctx.getInput();
  if (channels / groups == 1 &&
      llvm::all_of(llvm::ArrayRef<int64_t>(in.dims).drop_front(),
                   [](int64_t d) { return d == 1; }))
    ctx.errorAtArg("groups", diag::warn_groupnorm_single_value, groups,
                   in.str());
  return ctx.getInput();
}

void ops::addNormalizationOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{
      "batchnorm",
      OpFamily::Normalization,
      "batch normalisation over the channel axis (torch.nn.BatchNormNd)",
      {tensor("x"),
       withDefault("eps", ArgType::Number, Value::floating(1e-5),
                   ArgConstraint::NonNegative),
       withDefault("momentum", ArgType::Number, Value::floating(0.1),
                   ArgConstraint::Probability)},
      0,
      OutputStorage::New,
      inferChannelwiseShape,
      countBatchNormParams});
  // Running mean and variance, batch mean and inverse deviation.
  ops.back().saves = {SavedTensors::Input,
                      savedStatistics([](const Layer &l) {
                        return checkedMul(l.type.dims[0], 4);
                      }),
                      "4C statistics"};
  // Inference: the running statistics fold into one scale and one shift per
  // channel, a multiply and an add per element (fvcore's count).
  ops.back().countCost = flopsPerOutputElement(2);
  ops.push_back(OpDef{
      "layernorm",
      OpFamily::Normalization,
      "layer normalisation over the last `dims` axes (torch.nn.LayerNorm)",
      {tensor("x"),
       withDefault("dims", ArgType::Int, Value::integer(1),
                   ArgConstraint::Positive),
       withDefault("eps", ArgType::Number, Value::floating(1e-5),
                   ArgConstraint::NonNegative),
       withDefault("affine", ArgType::Bool, Value::boolean(true))},
      0,
      OutputStorage::New,
      inferLayerNormShape,
      [](OpContext &ctx, const TensorType &) {
        return countNormalizedParams(ctx, 2);
      }});
  // A mean and a reciprocal deviation per normalised slice.
  ops.back().saves = {SavedTensors::Input,
                      savedStatistics([](const Layer &l) {
                        return checkedMul(countNormalizedSlices(l), 2);
                      }),
                      "2 statistics per normalised slice"};
  // Mean, variance and normalisation, 4 per element, and 1 more for the
  // affine scale and shift (fvcore's count).
  ops.back().countCost = flopsPerElementUnlessNotAffine(5);
  ops.push_back(OpDef{
      "rmsnorm",
      OpFamily::Normalization,
      "root-mean-square normalisation over the last `dims` axes, with a "
      "scale and no shift (Llama's RMSNorm; torch.nn.RMSNorm in torch 2.4)",
      {tensor("x"),
       withDefault("dims", ArgType::Int, Value::integer(1),
                   ArgConstraint::Positive),
       withDefault("eps", ArgType::Number, Value::floating(1e-6),
                   ArgConstraint::NonNegative),
       withDefault("affine", ArgType::Bool, Value::boolean(true))},
      0,
      OutputStorage::New,
      inferLayerNormShape,
      [](OpContext &ctx, const TensorType &) {
        return countNormalizedParams(ctx, 1);
      }});
  // A fused kernel (as layernorm's) keeps the input and a reciprocal root
  // mean square per slice; Hugging Face's Python LlamaRMSNorm keeps more
  // (docs/memory.md).
  ops.back().saves = {SavedTensors::Input,
                      savedStatistics([](const Layer &l)
                                          -> std::optional<int64_t> {
                        return countNormalizedSlices(l);
                      }),
                      "a statistic per normalised slice"};
  // Square, mean and normalisation, 3 per element, and 1 more for the
  // scale.
  ops.back().countCost = flopsPerElementUnlessNotAffine(4);
  ops.push_back(OpDef{
      "groupnorm",
      OpFamily::Normalization,
      "group normalisation; channels must divide into groups "
      "(torch.nn.GroupNorm)",
      {tensor("x"),
       required("groups", ArgType::Int, ArgConstraint::Positive),
       withDefault("eps", ArgType::Number, Value::floating(1e-5),
                   ArgConstraint::NonNegative)},
      0,
      OutputStorage::New,
      inferGroupNormShape,
      countTwoPerChannel});
  ops.back().saves = {SavedTensors::Input,
                      savedStatistics([](const Layer &l) {
                        const Attribute *g = l.getAttribute("groups");
                        return checkedMul(g ? g->value.getInt() : 1, 2);
                      }),
                      "2 statistics per group"};
  // As layernorm with its scale and shift (torch.nn.GroupNorm is affine).
  ops.back().countCost = flopsPerOutputElement(5);
  ops.push_back(OpDef{
      "dropout",
      OpFamily::Regularization,
      "randomly zeroes elements with probability p; in place unless "
      "inplace=false",
      {tensor("x"),
       withDefault("p", ArgType::Number, Value::floating(0.5),
                   ArgConstraint::Probability),
       inplaceFlag()},
      0,
      OutputStorage::InPlace,
      sameShape,
      nullptr});
  // With p=0, torch's dropout returns its input itself (at::dropout): a
  // view, with no mask, in place or not.
  ops.back().aliasesInputInEval = true;
  ops.back().storageOverride = [](llvm::ArrayRef<Attribute> attributes)
      -> std::optional<OutputStorage> {
    for (const Attribute &a : attributes)
      if (a.name == "p" && a.value.getNumber() == 0)
        return OutputStorage::View;
    return std::nullopt;
  };
  // The one-byte mask of CUDA's fused dropout (native_dropout); on the CPU
  // torch 1.13 keeps the mask in the input's float type instead. None
  // when the layer is its input (p=0, above).
  ops.back().saves = {
      SavedTensors::None,
      [](const Layer &layer, llvm::ArrayRef<const TensorType *> in,
         const SavedRuleContext &context) -> std::optional<int64_t> {
        if (layer.storage == OutputStorage::View)
          return 0;
        return savedBytesPerOutputElement(1)(layer, in, context);
      },
      "a one-byte mask per element; none with p=0"};
}
