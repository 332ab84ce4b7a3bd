//===- Dense.cpp - fully connected layers and matrix products -------------===//
//
// dense(x, units) acts on the last axis, like torch.nn.Linear:
// [..., in] -> [..., units], weights in*units plus units biases. Right after
// a convolution or pooling that is rarely what was meant, so it warns.
//
// embedding(ids, vocab, dim) is torch.nn.Embedding: integer indices [...]
// to rows [..., dim] of a vocab x dim table; a lookup, so no MACs.
//
// Both can use another layer's weight instead of their own, as GPT-2's
// head shares the token embedding (`weight=tok.weight`, torch's
// `lm_head.weight = wte.weight`): the weights must have the same shape
// (torch.nn.Linear's [units, in], Embedding's [vocab, dim]), and the
// shared weight counts once, in its owner.
//
// matmul(a, b) is torch.matmul on each sample: [..., n, k] by [..., k, m]
// to [..., n, m], the leading axes broadcast; no parameters. It is what
// attention is written with (q by transposed k, weights by v), so its
// multiply-accumulates count like a dense layer's.
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
  // The output of a convolution or pooling, [C, H, W] or [C, L], is a
  // feature map that a classifier flattens first; a dense on it transforms
  // only its last (spatial) axis, which is almost surely a mistake. Any
  // other tensor of rank > 1 ([tokens, dim]) is transformed per token on
  // purpose, as torch.nn.Linear is in every transformer.
  const OpDef &producer = ctx.getInputProducer();
  if (in.getRank() > 1 && (producer.family == OpFamily::Convolution ||
                           producer.family == OpFamily::Pooling)) {
    DiagnosticBuilder warning = ctx.errorAtInput(
        0, diag::warn_dense_rank, in.getRank(), in.str(), producer.name);
    // Flattening changes the output's shape and so what follows: a note
    // shows it, --fixit does not apply it.
    warning.note(ctx.getCallRange().Start, diag::note_flatten_first);
    ctx.suggestWrappingInput(warning, 0, "flatten", /*onNote=*/true);
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
  // A tied weight is its owner's.
  count.trainable = ctx.has("weight") ? 0 : *weights;
  if (ctx.getBool("bias")) {
    auto total = ctx.add(count.trainable, units, "the parameter count");
    if (!total)
      return std::nullopt;
    count.trainable = *total;
  }
  return count;
}

/// MACs of a layer whose every output element is a dot product over its
/// first input's last axis (dense, matmul); nullopt on overflow.
static std::optional<int64_t>
countDotProductMacs(const Layer &layer,
                    llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.empty() || inputs[0]->dims.empty())
    return std::nullopt;
  auto outElements = layer.type.getNumElements();
  if (!outElements)
    return std::nullopt;
  return checkedMul(*outElements, inputs[0]->dims.back());
}


static std::optional<TensorType> inferEmbeddingShape(OpContext &ctx) {
  llvm::SmallVector<int64_t, 4> dims(ctx.getInput().dims.begin(),
                                     ctx.getInput().dims.end());
  dims.push_back(ctx.getInt("dim"));
  auto type = ctx.makeType(dims);
  if (type)
    type->dtype = DType::F32; // the table's type, not the indices'
  return type;
}

static std::optional<ParamCount> countEmbeddingParams(OpContext &ctx,
                                                      const TensorType &) {
  auto table = ctx.mul(ctx.getInt("vocab"), ctx.getInt("dim"),
                       "the embedding table's size");
  if (!table)
    return std::nullopt;
  ParamCount count;
  count.trainable = ctx.has("weight") ? 0 : *table; // tied: the owner's
  return count;
}

/// torch.nn.Linear's weight, [units, in].
static llvm::SmallVector<int64_t, 4>
getDenseWeightShape(llvm::ArrayRef<Attribute> attributes,
                    llvm::ArrayRef<const TensorType *> inputs) {
  int64_t units = 0;
  for (const Attribute &a : attributes)
    if (a.name == "units")
      units = a.value.getInt();
  int64_t in = inputs.empty() || inputs[0]->dims.empty()
                   ? 0
                   : inputs[0]->dims.back();
  return {units, in};
}

/// torch.nn.Embedding's table, [vocab, dim].
static llvm::SmallVector<int64_t, 4>
getEmbeddingWeightShape(llvm::ArrayRef<Attribute> attributes,
                        llvm::ArrayRef<const TensorType *>) {
  int64_t vocab = 0, dim = 0;
  for (const Attribute &a : attributes) {
    if (a.name == "vocab")
      vocab = a.value.getInt();
    else if (a.name == "dim")
      dim = a.value.getInt();
  }
  return {vocab, dim};
}

static std::optional<TensorType> inferMatmulShape(OpContext &ctx) {
  // Each sample's operands must be matrices (or stacks of them): a rank-1
  // operand would be a matrix across the batch in torch.
  for (unsigned i = 0; i < 2; ++i)
    if (ctx.getInput(i).getRank() < 2) {
      ctx.errorAtInput(i, diag::err_input_rank, ctx.getOpName(),
                       "inputs with at least two axes, such as [n, k] and "
                       "[k, m]",
                       ctx.getInput(i).str());
      return std::nullopt;
    }
  const TensorType &a = ctx.getInput(0);
  const TensorType &b = ctx.getInput(1);
  int64_t k = a.dims[a.getRank() - 1];
  int64_t kb = b.dims[b.getRank() - 2];
  if (k != kb) {
    ctx.errorAtInputs(diag::err_matmul_inner, a.str(), b.str(), k, kb);
    return std::nullopt;
  }
  // The leading (stack) axes broadcast as NumPy's do.
  auto dims = broadcastDims(ctx, "multiply the stacks of", a,
                            llvm::ArrayRef<int64_t>(a.dims).drop_back(2), b,
                            llvm::ArrayRef<int64_t>(b.dims).drop_back(2));
  if (!dims)
    return std::nullopt;
  dims->push_back(a.dims[a.getRank() - 2]);
  dims->push_back(b.dims.back());
  return ctx.makeType(*dims);
}

/// Cost of matmul: each output element is a dot product of length k, the
/// first operand's last axis (as fvcore counts torch.matmul); no FLOPs
/// besides.
static std::optional<OpCost>
countMatmulCost(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs) {
  auto macs = countDotProductMacs(layer, inputs);
  if (!macs)
    return std::nullopt;
  OpCost cost;
  cost.macs = *macs;
  return cost;
}

/// Cost of a dense layer on any rank: every output element is a dot
/// product over the input's last axis, in_features MACs
/// (torch.nn.Linear: output.numel() * in_features), as matmul's; the bias
/// adds one FLOP per output element.
static std::optional<OpCost>
countDenseCost(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs) {
  std::optional<OpCost> cost = countMatmulCost(layer, inputs);
  if (!cost)
    return std::nullopt;
  const Attribute *bias = layer.getAttribute("bias");
  if (!bias || bias->value.getBool())
    cost->flops = *layer.type.getNumElements(); // checked by countDotProductMacs
  return cost;
}

void ops::addDenseOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{
      "dense",
      OpFamily::Dense,
      "fully connected layer on the last axis (torch.nn.Linear)",
      {tensor("x"), required("units", ArgType::Int, ArgConstraint::Positive),
       withDefault("bias", ArgType::Bool, Value::boolean(true)),
       keywordOnly("weight", ArgType::Weight)},
      0,
      OutputStorage::New,
      inferDenseShape,
      countDenseParams});
  ops.back().weightShape = getDenseWeightShape;
  ops.back().saves = {SavedTensors::InputAsMatrix};
  ops.back().countCost = countDenseCost;
  ops.back().summary = {{{"units", SummaryStyle::Value}}};
  ops.push_back(OpDef{
      "embedding",
      OpFamily::Dense,
      "looks up a row of a vocab x dim table for each index "
      "(torch.nn.Embedding); the indices are i32 or i64",
      {tensor("ids"), required("vocab", ArgType::Int, ArgConstraint::Positive),
       required("dim", ArgType::Int, ArgConstraint::Positive),
       keywordOnly("weight", ArgType::Weight)},
      0,
      OutputStorage::New,
      inferEmbeddingShape,
      countEmbeddingParams});
  ops.back().weightShape = getEmbeddingWeightShape;
  ops.back().inputTypes = InputTypes::Index;
  ops.back().summary = {{{"vocab", SummaryStyle::Value},
                         {"dim", SummaryStyle::Value}}};
  // The backward scatters into the table by index: torch keeps the
  // indices, the input tensor, at their own width (8 bytes for int64),
  // once however many lookups share them.
  ops.back().saves = {SavedTensors::Input};
  ops.push_back(OpDef{
      "matmul",
      OpFamily::Dense,
      "matrix product of each sample's [..., n, k] and [..., k, m], the "
      "leading axes broadcast (torch.matmul); no parameters",
      {tensor("a"), tensor("b")},
      0,
      OutputStorage::New,
      inferMatmulShape,
      nullptr});
  // The backward of a product needs both factors.
  ops.back().saves = {SavedTensors::Inputs};
  ops.back().countCost = countMatmulCost;
}
