//===- Dense.cpp - fully connected layers ---------------------------------===//
//
// dense(x, units) acts on the last axis, like torch.nn.Linear:
// [..., in] -> [..., units], weights in*units plus units biases. On a tensor
// of rank > 1 that is rarely what was meant, so it warns.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

static std::optional<TensorType> inferDenseShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 1, "an input with at least one axis"))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  if (in.getRank() > 1) {
    DiagnosticBuilder warning =
        ctx.errorAtInput(0, diag::warn_dense_rank, in.getRank(), in.str());
    // A feature map ([C, H, W] and up) almost surely wanted flattening; a
    // rank-2 input may be a sequence that dense treats per step on purpose.
    if (in.getRank() > 2)
      ctx.suggestWrappingInput(warning, 0, "flatten");
  }
  llvm::SmallVector<int64_t, 4> dims(in.dims.begin(), in.dims.end());
  dims.back() = ctx.getInt("units");
  return ctx.makeType(dims);
}

static std::optional<ParamCount> countDenseParams(OpContext &ctx,
                                                  const TensorType &) {
  int64_t in = ctx.getInput().dims.back();
  int64_t units = ctx.getInt("units");
  auto weights = ctx.mul(in, units, "the weight count");
  if (!weights)
    return std::nullopt;
  ParamCount count;
  count.trainable = *weights;
  if (ctx.getBool("bias")) {
    auto total = ctx.add(*weights, units, "the parameter count");
    if (!total)
      return std::nullopt;
    count.trainable = *total;
  }
  return count;
}

/// Cost of a dense layer on any rank: every output element is a dot
/// product over the input's last axis, in_features MACs
/// (torch.nn.Linear: output.numel() * in_features); the bias adds one FLOP
/// per output element.
static std::optional<OpCost>
countDenseCost(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.empty() || inputs[0]->dims.empty())
    return std::nullopt;
  auto outElements = layer.type.getNumElements();
  if (!outElements)
    return std::nullopt;
  auto macs = checkedMul(*outElements, inputs[0]->dims.back());
  if (!macs)
    return std::nullopt;
  OpCost cost;
  cost.macs = *macs;
  const Attribute *bias = layer.getAttribute("bias");
  if (!bias || bias->value.getBool())
    cost.flops = *outElements;
  return cost;
}

void ops::addDenseOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{
      "dense",
      OpFamily::Dense,
      "fully connected layer on the last axis (torch.nn.Linear)",
      {tensor("x"), required("units", ArgType::Int, ArgConstraint::Positive),
       withDefault("bias", ArgType::Bool, Value::boolean(true))},
      0,
      OutputStorage::New,
      inferDenseShape,
      countDenseParams});
  ops.back().saves = {SavedTensors::InputAsMatrix};
  ops.back().countCost = countDenseCost;
}
