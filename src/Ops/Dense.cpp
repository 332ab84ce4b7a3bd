//===- Dense.cpp - fully connected layers ---------------------------------===//
//
// dense(x, units) acts on the last axis, like torch.nn.Linear:
// [..., in] -> [..., units], weights in*units plus units biases. On a tensor
// of rank > 1 that is rarely what was meant, so it warns.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

using namespace netc;
using namespace netc::ops;

static std::optional<TensorType> inferDenseShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 1, "an input with at least one axis"))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  if (in.getRank() > 1)
    ctx.errorAtInput(0, diag::warn_dense_rank, in.getRank(), in.str());
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
}
