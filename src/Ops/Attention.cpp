//===- Attention.cpp - scaled dot-product attention -----------------------===//
//
// rope(x, heads) rotates each head's features by its token's position
// (rotary position embedding, Su et al. 2021, as Llama applies it to
// queries and keys): same shape, no parameters; its cosines and sines are
// constants of the call, so it keeps nothing per sample.
//
// attention(q, k, v, heads) is torch's scaled_dot_product_attention on
// tokens-major tensors, as the linear projections make them: q is
// [..., L, heads * d], k is [..., S, kv_heads * d] and v is
// [..., S, kv_heads * dv]; each head's queries attend over the keys
// (softmax(q k^T * scale) v), and the heads are joined again:
// [..., L, heads * dv]. With kv_heads < heads (grouped-query attention, as
// in Llama 2 70B and Llama 3), each key and value head serves
// heads / kv_heads query heads. No parameters: the projections are dense
// layers around it.
//
// What it keeps for backward depends on impl (docs/memory.md):
//   - "math", torch's reference path: q, k and v (k and v repeated per
//     query head when grouped), the softmax probabilities (heads L S), and
//     with dropout the dropped probabilities and a 1-byte mask: the 5as^2b
//     term of Korthikanti et al. 2022 at 16-bit widths.
//   - "flash" (FlashAttention): q, k, v, the output, and the log-sum-exp
//     of each query row (heads L floats, f32); the probabilities are
//     recomputed in the backward pass.
//
// multihead_attention(x, dim, heads, kv_heads, bias, dropout, causal) is
// torch.nn.MultiheadAttention on tokens-major x [..., L, dim] (self-
// attention, batch_first): the query, key and value projections (torch's
// in_proj_weight [3 dim, dim] and in_proj_bias [3 dim]; with kv_heads <
// heads, q [dim, dim] and k, v [kv_heads dim / heads, dim] each), the
// attention of the attention op's math path, and out_proj [dim, dim] with
// its bias. It keeps for backward what those layers keep: x (the three
// projections' input, once), q, k and v, the probabilities (with dropout
// also the dropped ones and a 1-byte mask), grouped k and v repeated per
// head, and the attention's output (out_proj's input).
//
// causal_mask(n) is the constant bool [n, n] mask of causal attention,
// torch.tril(torch.ones(n, n, dtype=torch.bool)): true where a query may
// see a key (at or before it). For where(mask, scores, -1e9). It is made
// once, not per sample, and is not trained: a layer of the parameter
// family, as a buffer is (weights, not activations), but counted in no
// column, as a buffer registered with persistent=False is in no
// state_dict.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

namespace {
/// The sizes of one attention call, from its attributes and input types.
struct AttentionSizes {
  int64_t batch = 1; ///< the product of the leading axes
  int64_t heads = 1, kvHeads = 1;
  int64_t queries = 0, keys = 0;  ///< L and S
  int64_t headDim = 0, valueDim = 0; ///< d and dv
};
} // namespace

static int64_t getIntAttribute(const Layer &layer, llvm::StringRef name,
                               int64_t otherwise) {
  const Attribute *a = layer.getAttribute(name);
  return a && a->value.isInt() ? a->value.getInt() : otherwise;
}

/// The sizes of a checked attention layer; nullopt on overflow.
static std::optional<AttentionSizes>
getAttentionSizes(const Layer &layer,
                  llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.size() != 3 || inputs[0]->getRank() < 2 ||
      inputs[1]->getRank() < 2 || inputs[2]->getRank() < 2)
    return std::nullopt;
  AttentionSizes s;
  s.heads = getIntAttribute(layer, "heads", 1);
  s.kvHeads = getIntAttribute(layer, "kv_heads", s.heads);
  const TensorType &q = *inputs[0], &k = *inputs[1], &v = *inputs[2];
  auto lead = checkedProduct(llvm::ArrayRef<int64_t>(q.dims).drop_back(2));
  if (!lead)
    return std::nullopt;
  s.batch = *lead;
  s.queries = q.dims[q.getRank() - 2];
  s.keys = k.dims[k.getRank() - 2];
  s.headDim = q.dims.back() / s.heads;
  s.valueDim = v.dims.back() / s.kvHeads;
  return s;
}

/// batch * heads * L * S: the number of attention scores.
static std::optional<int64_t> countScores(const AttentionSizes &s) {
  return checkedProduct({s.batch, s.heads, s.queries, s.keys});
}

/// Reports input \p i unless it is tokens-major, with at least two axes
/// ([tokens, features]); false after reporting.
static bool checkTokensMajor(OpContext &ctx, unsigned i) {
  if (ctx.getInput(i).getRank() >= 2)
    return true;
  ctx.errorAtInput(i, diag::err_input_rank, ctx.getOpName(),
                   "tokens-major inputs with at least two axes, such as "
                   "[tokens, features]",
                   ctx.getInput(i).str());
  return false;
}

static std::optional<TensorType> inferAttentionShape(OpContext &ctx) {
  static const char *const names[] = {"queries", "keys", "values"};
  for (unsigned i = 0; i < 3; ++i)
    if (!checkTokensMajor(ctx, i))
      return std::nullopt;
  const TensorType &q = ctx.getInput(0), &k = ctx.getInput(1),
                   &v = ctx.getInput(2);
  // The leading axes (all but tokens and features) must agree.
  for (unsigned i = 1; i < 3; ++i) {
    const TensorType &t = ctx.getInput(i);
    if (llvm::ArrayRef<int64_t>(t.dims).drop_back(2) !=
        llvm::ArrayRef<int64_t>(q.dims).drop_back(2)) {
      ctx.errorAtInput(i, diag::err_attention_leading_axes, names[i], t.str(),
                       q.str());
      return std::nullopt;
    }
  }
  int64_t heads = ctx.getInt("heads");
  int64_t kvHeads = ctx.has("kv_heads") ? ctx.getInt("kv_heads") : heads;
  if (heads % kvHeads != 0) {
    ctx.errorAtArg("kv_heads", diag::err_attention_kv_heads, heads, kvHeads);
    return std::nullopt;
  }
  struct Split {
    unsigned input;
    int64_t heads;
    llvm::StringLiteral arg;
  };
  for (Split split : {Split{0, heads, "heads"}, Split{1, kvHeads, "kv_heads"},
                      Split{2, kvHeads, "kv_heads"}}) {
    int64_t features = ctx.getInput(split.input).dims.back();
    if (features % split.heads != 0) {
      ctx.errorAtInput(split.input, diag::err_attention_split,
                       names[split.input], ctx.getInput(split.input).str(),
                       features, split.heads, split.arg);
      return std::nullopt;
    }
  }
  int64_t headDim = q.dims.back() / heads;
  int64_t keyDim = k.dims.back() / kvHeads;
  if (headDim != keyDim) {
    ctx.errorAtInput(1, diag::err_attention_head_dim, headDim, keyDim);
    return std::nullopt;
  }
  int64_t keys = k.dims[k.getRank() - 2];
  int64_t values = v.dims[v.getRank() - 2];
  if (keys != values) {
    ctx.errorAtInput(2, diag::err_attention_kv_tokens, k.str(), v.str());
    return std::nullopt;
  }
  llvm::SmallVector<int64_t, 4> dims(q.dims.begin(), q.dims.end());
  auto joined = ctx.mul(heads, v.dims.back() / kvHeads, "the output width");
  if (!joined)
    return std::nullopt;
  dims.back() = *joined;
  return ctx.makeType(dims);
}

/// q k^T and the probabilities times v: L S d + L S dv MACs per head, as
/// fvcore and a dispatch-level counter count the two batched products
/// (the causal mask does not change them: the products are computed whole
/// by the math path). The scale, the mask and the softmax (5 per score)
/// are FLOPs.
static std::optional<OpCost>
countAttentionCost(const Layer &layer,
                   llvm::ArrayRef<const TensorType *> inputs) {
  auto s = getAttentionSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  auto scores = countScores(*s);
  if (!scores)
    return std::nullopt;
  auto macs = checkedMul(*scores, s->headDim + s->valueDim);
  const Attribute *causal = layer.getAttribute("causal");
  int64_t perScore = 1 + 5 + (causal && causal->value.getBool() ? 1 : 0);
  auto flops = checkedMul(*scores, perScore);
  if (!macs || !flops)
    return std::nullopt;
  return OpCost{*macs, *flops};
}

static bool isFlash(const Layer &layer) {
  const Attribute *impl = layer.getAttribute("impl");
  return impl && impl->value.getString() == "flash";
}

/// Besides q, k and v (and, for flash, the output): see the file comment.
static std::optional<int64_t>
countAttentionSavedExtra(const Layer &layer,
                         llvm::ArrayRef<const TensorType *> inputs,
                         const SavedWidths &widths) {
  auto s = getAttentionSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  if (isFlash(layer)) {
    // The log-sum-exp of each query row of each head, in f32.
    return checkedProduct({s->batch, s->heads, s->queries, 4});
  }
  auto scores = countScores(*s);
  if (!scores)
    return std::nullopt;
  // The probabilities; with dropout also the dropped ones and the mask.
  const Attribute *dropout = layer.getAttribute("dropout");
  bool dropped = dropout && dropout->value.getNumber() > 0;
  int64_t perScore = widths.activation +
                     (dropped ? widths.activation + 1 : 0);
  auto bytes = checkedMul(*scores, perScore);
  // Grouped keys and values are repeated to one per query head; the
  // repeats are kept besides the inputs.
  auto repeats = checkedProduct({s->batch, s->heads - s->kvHeads, s->keys,
                                 s->headDim + s->valueDim,
                                 widths.activation});
  if (!bytes || !repeats)
    return std::nullopt;
  return checkedAdd(*bytes, *repeats);
}

static std::optional<TensorType> inferRopeShape(OpContext &ctx) {
  if (!checkTokensMajor(ctx, 0))
    return std::nullopt;
  const TensorType &x = ctx.getInput();
  int64_t features = x.dims.back();
  int64_t heads = ctx.getInt("heads");
  if (features % heads != 0 || (features / heads) % 2 != 0) {
    ctx.errorAtInput(0, diag::err_rope_split, x.str(), features, heads);
    return std::nullopt;
  }
  return x;
}

/// The sizes of a checked multihead_attention layer: as attention's, with
/// q, k and v the projections of input 0.
static std::optional<AttentionSizes>
getMultiheadSizes(const Layer &layer,
                  llvm::ArrayRef<const TensorType *> inputs) {
  if (inputs.size() != 1 || inputs[0]->getRank() < 2)
    return std::nullopt;
  const TensorType &x = *inputs[0];
  auto lead = checkedProduct(llvm::ArrayRef<int64_t>(x.dims).drop_back(2));
  if (!lead)
    return std::nullopt;
  AttentionSizes s;
  s.batch = *lead;
  s.heads = getIntAttribute(layer, "heads", 1);
  s.kvHeads = getIntAttribute(layer, "kv_heads", s.heads);
  s.queries = s.keys = x.dims[x.getRank() - 2];
  s.headDim = s.valueDim = x.dims.back() / s.heads;
  return s;
}

static std::optional<TensorType> inferMultiheadShape(OpContext &ctx) {
  if (!checkTokensMajor(ctx, 0))
    return std::nullopt;
  const TensorType &x = ctx.getInput();
  int64_t dim = ctx.getInt("dim");
  if (x.dims.back() != dim) {
    ctx.errorAtInput(0, diag::err_mha_features, x.str(), x.dims.back(), dim);
    return std::nullopt;
  }
  int64_t heads = ctx.getInt("heads");
  int64_t kvHeads = ctx.has("kv_heads") ? ctx.getInt("kv_heads") : heads;
  if (dim % heads != 0) {
    ctx.errorAtArg("heads", diag::err_mha_heads, dim, heads);
    return std::nullopt;
  }
  if (heads % kvHeads != 0) {
    ctx.errorAtArg("kv_heads", diag::err_attention_kv_heads, heads, kvHeads);
    return std::nullopt;
  }
  return x;
}

/// q [dim, dim], k and v [kv_heads * dim / heads, dim] each, out_proj
/// [dim, dim]; with bias, one per output feature of each.
static std::optional<ParamCount> countMultiheadParams(OpContext &ctx,
                                                      const TensorType &) {
  int64_t dim = ctx.getInt("dim"), heads = ctx.getInt("heads");
  int64_t kvHeads = ctx.has("kv_heads") ? ctx.getInt("kv_heads") : heads;
  int64_t kvDim = kvHeads * (dim / heads);
  // Output features of the four projections: dim + 2 kvDim + dim.
  auto features = checkedAdd(2 * dim, 2 * kvDim);
  auto weights = features ? checkedMul(*features, dim) : std::nullopt;
  if (!weights) {
    ctx.error(diag::err_overflow, "the weight count of multihead_attention");
    return std::nullopt;
  }
  ParamCount params;
  params.trainable = *weights + (ctx.getBool("bias") ? *features : 0);
  return params;
}

/// The four projections (MACs of dense layers, and their biases) and the
/// attention (as the attention op counts it).
static std::optional<OpCost>
countMultiheadCost(const Layer &layer,
                   llvm::ArrayRef<const TensorType *> inputs) {
  auto s = getMultiheadSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  int64_t dim = inputs[0]->dims.back();
  int64_t kvDim = s->kvHeads * s->headDim;
  auto tokens = checkedMul(s->batch, s->queries);
  auto scores = countScores(*s);
  if (!tokens || !scores)
    return std::nullopt;
  int64_t features = 2 * dim + 2 * kvDim;
  auto projections = checkedProduct({*tokens, features, dim});
  auto attention = checkedMul(*scores, s->headDim + s->valueDim);
  const Attribute *causal = layer.getAttribute("causal");
  const Attribute *bias = layer.getAttribute("bias");
  auto scoreFlops =
      checkedMul(*scores, 6 + (causal && causal->value.getBool() ? 1 : 0));
  auto biasFlops = checkedMul(*tokens, bias && bias->value.getBool() ? features : 0);
  if (!projections || !attention || !scoreFlops || !biasFlops)
    return std::nullopt;
  auto macs = checkedAdd(*projections, *attention);
  auto flops = checkedAdd(*scoreFlops, *biasFlops);
  if (!macs || !flops)
    return std::nullopt;
  return OpCost{*macs, *flops};
}

/// Besides x: q, k, v, the math path's probabilities (and dropout's), the
/// grouped repeats, and the attention's output.
static std::optional<int64_t>
countMultiheadSavedExtra(const Layer &layer,
                         llvm::ArrayRef<const TensorType *> inputs,
                         const SavedWidths &widths) {
  auto s = getMultiheadSizes(layer, inputs);
  if (!s)
    return std::nullopt;
  int64_t dim = inputs[0]->dims.back();
  int64_t kvDim = s->kvHeads * s->headDim;
  auto scores = countScores(*s);
  if (!scores)
    return std::nullopt;
  const Attribute *dropout = layer.getAttribute("dropout");
  bool dropped = dropout && dropout->value.getNumber() > 0;
  auto probabilities = checkedMul(
      *scores, widths.activation + (dropped ? widths.activation + 1 : 0));
  // q, k, v and the attention's output: 2 dim + 2 kvDim per token.
  auto tensors = checkedProduct(
      {s->batch, s->queries, 2 * dim + 2 * kvDim, widths.activation});
  auto repeats = checkedProduct({s->batch, s->heads - s->kvHeads, s->keys,
                                 s->headDim + s->valueDim, widths.activation});
  if (!probabilities || !tensors || !repeats)
    return std::nullopt;
  auto sum = checkedAdd(*probabilities, *tensors);
  return sum ? checkedAdd(*sum, *repeats) : std::nullopt;
}

static std::optional<TensorType> inferCausalMaskShape(OpContext &ctx) {
  int64_t n = ctx.getInt("n");
  if (!ctx.mul(n, n, "the element count of causal_mask's [n, n]"))
    return std::nullopt;
  TensorType mask;
  mask.dtype = DType::Bool;
  mask.dims = {n, n};
  return mask;
}

void ops::addAttentionOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{
      "rope",
      OpFamily::Attention,
      "rotary position embedding of tokens-major [L, heads*d] queries or "
      "keys (Su et al. 2021, as in Llama); d must be even; no parameters",
      {tensor("x"), required("heads", ArgType::Int, ArgConstraint::Positive),
       withDefault("base", ArgType::Number, Value::floating(10000.0),
                   ArgConstraint::Positive)},
      0,
      OutputStorage::New,
      inferRopeShape,
      nullptr});
  // x cos + rotate(x) sin: two products and a sum per element.
  ops.back().countCost = flopsPerOutputElement(3);
  ops.push_back(OpDef{
      "attention",
      OpFamily::Attention,
      "scaled dot-product attention over heads (torch's "
      "scaled_dot_product_attention) of tokens-major q [L, heads*d], k "
      "[S, kv_heads*d] and v [S, kv_heads*dv]; no parameters",
      {tensor("q"), tensor("k"), tensor("v"),
       required("heads", ArgType::Int, ArgConstraint::Positive),
       derived("kv_heads", ArgType::Int, ArgConstraint::Positive),
       withDefault("causal", ArgType::Bool, Value::boolean(false)),
       withDefault("dropout", ArgType::Number, Value::floating(0.0),
                   ArgConstraint::Probability),
       derived("scale", ArgType::Number, ArgConstraint::Positive),
       choice("impl", "math", {"math", "flash"})},
      0,
      OutputStorage::New,
      inferAttentionShape,
      nullptr});
  ops.back().countCost = countAttentionCost;
  ops.back().sameFloatInputs = true;
  ops.back().saves = {SavedTensors::Inputs, countAttentionSavedExtra,
                      "the probabilities (with dropout, the dropped ones "
                      "and a 1-byte mask), or flash's log-sum-exp"};
  ops.back().saves.select = [](const Layer &layer,
                               llvm::ArrayRef<const TensorType *>) {
    return isFlash(layer) ? SavedTensors::InputsAndOutput
                          : SavedTensors::Inputs;
  };
  ops.push_back(OpDef{
      "multihead_attention",
      OpFamily::Attention,
      "self-attention with its projections, torch.nn.MultiheadAttention "
      "(batch_first) on tokens-major [L, dim]: q, k, v and output "
      "projections around the attention op's math path",
      {tensor("x"), required("dim", ArgType::Int, ArgConstraint::Positive),
       required("heads", ArgType::Int, ArgConstraint::Positive),
       derived("kv_heads", ArgType::Int, ArgConstraint::Positive),
       withDefault("bias", ArgType::Bool, Value::boolean(true)),
       withDefault("dropout", ArgType::Number, Value::floating(0.0),
                   ArgConstraint::Probability),
       withDefault("causal", ArgType::Bool, Value::boolean(false))},
      0,
      OutputStorage::New,
      inferMultiheadShape,
      countMultiheadParams});
  ops.back().countCost = countMultiheadCost;
  ops.back().saves = {SavedTensors::Input, countMultiheadSavedExtra,
                      "q, k, v, the probabilities (with dropout, the dropped "
                      "ones and a 1-byte mask) and the attention's output"};
  // nn.MultiheadAttention projects its input in torch's [L, N, E] layout,
  // a copy of the transposed input it keeps apart from any other layer's
  // (found by the random networks: a batchnorm keeping the same input);
  // the grouped variant projects the input itself.
  ops.back().saves.select = [](const Layer &layer,
                               llvm::ArrayRef<const TensorType *>) {
    int64_t heads = getIntAttribute(layer, "heads", 1);
    bool grouped = getIntAttribute(layer, "kv_heads", heads) != heads;
    return grouped ? SavedTensors::Input : SavedTensors::InputCopy;
  };
  ops.back().summary = {{{"heads", SummaryStyle::Value}}};
  // A constant: no parameters, no cost per sample, nothing kept.
  ops.push_back(OpDef{
      "causal_mask",
      OpFamily::Parameter,
      "the constant bool [n, n] mask of causal attention, true at and below "
      "the diagonal (torch.tril(torch.ones(n, n, dtype=torch.bool))); for "
      "where(mask, scores, -1e9); made once, not per sample",
      {required("n", ArgType::Int, ArgConstraint::Positive)},
      0,
      OutputStorage::New,
      inferCausalMaskShape,
      nullptr});
  ops.back().summary = {{{"n", SummaryStyle::Value}}};
}
