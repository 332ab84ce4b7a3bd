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
// moe(x, experts, top_k, hidden) is a sparse mixture of experts as Mixtral
// has it (transformers' MixtralSparseMoeBlock): a bias-free router
// [experts, dim] scores each token, a softmax (in f32) over the experts
// picks the top_k, their weights renormalised to sum to 1, and each of
// those experts, a SwiGLU MLP w2(silu(w1(x)) * w3(x)) with w1 and w3
// [hidden, dim] and w2 [dim, hidden], bias-free, adds its output times its
// weight. Every token goes to exactly top_k experts, so its MACs, and what
// training keeps of it, do not depend on the routing; of the parameters it
// uses only the router's and top_k experts' (the active parameters), the
// others are idle for it (ParamCount::idle).
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

/// The sizes of a checked moe layer.
struct MoeSizes {
  int64_t tokens = 0; ///< every axis but the last, multiplied
  int64_t dim = 0, hidden = 0, experts = 0, topK = 0;
};

static std::optional<MoeSizes>
getMoeSizes(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.size() != 1 || inputs[0]->dims.empty())
    return std::nullopt;
  llvm::ArrayRef<int64_t> dims = inputs[0]->dims;
  auto tokens = checkedProduct(dims.drop_back());
  if (!tokens)
    return std::nullopt;
  MoeSizes s;
  s.tokens = *tokens;
  s.dim = dims.back();
  for (const Attribute &a : layer.attributes) {
    if (!a.value.isInt())
      continue;
    if (a.name == "experts")
      s.experts = a.value.getInt();
    else if (a.name == "top_k")
      s.topK = a.value.getInt();
    else if (a.name == "hidden")
      s.hidden = a.value.getInt();
  }
  return s;
}

static std::optional<TensorType> inferMoeShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 1, "an input with at least one axis"))
    return std::nullopt;
  int64_t experts = ctx.getInt("experts"), topK = ctx.getInt("top_k");
  if (topK > experts) {
    ctx.errorAtArg("top_k", diag::err_moe_top_k, topK, experts);
    return std::nullopt;
  }
  return ctx.getInput();
}

/// The router's experts x dim, and 3 x dim x hidden per expert; all but
/// top_k experts are idle for a token.
static std::optional<ParamCount> countMoeParams(OpContext &ctx,
                                                const TensorType &) {
  int64_t dim = ctx.getInput().dims.back();
  int64_t experts = ctx.getInt("experts"), topK = ctx.getInt("top_k");
  auto expert = ctx.mul(dim, ctx.getInt("hidden"), "the weight count of an expert");
  expert = expert ? ctx.mul(*expert, 3, "the weight count of an expert")
                  : std::nullopt;
  auto allExperts = expert ? ctx.mul(*expert, experts, "the weight count of moe's experts")
                         : std::nullopt;
  auto router = ctx.mul(dim, experts, "the router's weight count");
  auto total = allExperts && router
                   ? ctx.add(*allExperts, *router, "the parameter count")
                   : std::nullopt;
  if (!total)
    return std::nullopt;
  ParamCount count;
  count.trainable = *total;
  count.idle = *expert * (experts - topK); // at most the experts' count
  return count;
}

/// Per token: the router (dim x experts MACs, a 5-FLOP softmax per expert,
/// 2 FLOPs per routed weight to renormalise), and per routed expert its
/// three projections (3 x dim x hidden MACs), the SiLU and the product
/// (hidden each), the scaling by its weight and the sum into the output
/// (dim each).
static std::optional<OpCost>
countMoeCost(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs) {
  auto s = getMoeSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  auto expertMacs = checkedProduct({3, s->dim, s->hidden, s->topK});
  auto routerMacs = checkedMul(s->dim, s->experts);
  auto expertFlops = checkedMul(s->topK, 2 * s->hidden + 2 * s->dim + 2);
  if (!expertMacs || !routerMacs || !expertFlops)
    return std::nullopt;
  auto macs = checkedAdd(*expertMacs, *routerMacs);
  auto flops = checkedAdd(*expertFlops, 5 * s->experts);
  macs = macs ? checkedMul(*macs, s->tokens) : std::nullopt;
  flops = flops ? checkedMul(*flops, s->tokens) : std::nullopt;
  if (!macs || !flops)
    return std::nullopt;
  return OpCost{*macs, *flops};
}

/// Besides the input (the router's, kept as a matrix when it is trained),
/// per token, measured in torch 1.13 on transformers' Mixtral block
/// (tools/torch_moe_reference.py): for each of the top_k experts its
/// gathered input (dim), w1's output (the SiLU's input), the SiLU's and
/// w3's outputs and their product (w2's input; hidden each), w2's output,
/// its scaled copy (dim each) and the routing weight (1), at the activation
/// width; with the weights frozen the gathered input and w2's input are
/// not kept. Always in f32: the router's probabilities (experts) and the
/// renormalisation's top_k weights and their sum (top_k + 1). In int64:
/// the top_k indices of the choice and, per routed expert, the four index
/// tensors of its gather, its weight's lookup and its index_add; the
/// gather's only when the input carries a gradient (random networks found
/// a moe on a network input, which keeps three).
static std::optional<int64_t>
countMoeSavedExtra(const Layer &layer, llvm::ArrayRef<const TensorType *> inputs,
                   const SavedRuleContext &context) {
  auto s = getMoeSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  bool trained = layer.params.trainable > 0;
  int64_t perExpert = trained ? 3 * s->dim + 4 * s->hidden + 1
                              : 2 * s->dim + 3 * s->hidden + 1;
  auto activations = checkedProduct({s->topK, perExpert, context.activation});
  auto router = checkedMul(s->experts + s->topK + 1, 4);
  auto indices = checkedMul(s->topK, (context.inputNeedsGrad ? 5 : 4) * 8);
  if (!activations || !router || !indices)
    return std::nullopt;
  auto perToken = checkedAdd(*activations, *router);
  perToken = perToken ? checkedAdd(*perToken, *indices) : std::nullopt;
  return perToken ? checkedMul(*perToken, s->tokens) : std::nullopt;
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
      "moe",
      OpFamily::Dense,
      "sparse mixture of SwiGLU experts on the last axis, as Mixtral's: a "
      "router sends each token to top_k of the experts, each a bias-free "
      "w2(silu(w1(x)) * w3(x)) of width hidden",
      {tensor("x"), required("experts", ArgType::Int, ArgConstraint::Positive),
       required("top_k", ArgType::Int, ArgConstraint::Positive),
       required("hidden", ArgType::Int, ArgConstraint::Positive)},
      0,
      OutputStorage::New,
      inferMoeShape,
      countMoeParams});
  ops.back().saves = {SavedTensors::InputAsMatrix, countMoeSavedExtra,
                      "per token, for each routed expert its gathered input, "
                      "its SwiGLU's tensors and its scaled output; the "
                      "router's probabilities and routing indices"};
  ops.back().countCost = countMoeCost;
  ops.back().summary = {{{"experts", SummaryStyle::Value},
                         {"top_k", SummaryStyle::IfNotDefault}}};
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
  ops.back().sameFloatInputs = true;
}
