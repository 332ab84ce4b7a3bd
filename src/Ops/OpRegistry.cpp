//===- OpRegistry.cpp - the registry, OpContext and shared helpers --------===//
//
// Assembles the registry from the family files once, on first use, and
// implements the pieces every family shares.
//
//===----------------------------------------------------------------------===//
#include "netc/Ops/OpRegistry.h"

#include "Families.h"

#include "netc/Basic/CheckedMath.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace netc;
using namespace netc::ops;

llvm::StringRef netc::getFamilyName(OpFamily family) {
  switch (family) {
  case OpFamily::Input:
    return "input";
  case OpFamily::Parameter:
    return "parameter";
  case OpFamily::Convolution:
    return "convolution";
  case OpFamily::Pooling:
    return "pooling";
  case OpFamily::Reduction:
    return "reduction";
  case OpFamily::Dense:
    return "dense";
  case OpFamily::Normalization:
    return "normalization";
  case OpFamily::Activation:
    return "activation";
  case OpFamily::Regularization:
    return "regularization";
  case OpFamily::Reshape:
    return "reshape";
  case OpFamily::Resize:
    return "resize";
  case OpFamily::Merge:
    return "merge";
  case OpFamily::Attention:
    return "attention";
  }
  return "other";
}

namespace {
/// The registered ops and a name index over them.
struct Registry {
  std::vector<OpDef> ops;
  llvm::StringMap<unsigned> byName;

  Registry() {
    addInputOp(ops);
    addConvolutionOps(ops);
    addPoolingOps(ops);
    addDenseOps(ops);
    addNormalizationOps(ops);
    addActivationOps(ops);
    addReshapeOps(ops);
    addResizeOps(ops);
    addMergeOps(ops);
    addAttentionOps(ops);
    for (unsigned i = 0; i < ops.size(); ++i)
      byName[ops[i].name] = i;
  }
};
} // namespace

static const Registry &getRegistry() {
  static const Registry registry;
  return registry;
}

const OpDef *netc::lookupOp(llvm::StringRef name) {
  const Registry &r = getRegistry();
  auto it = r.byName.find(name);
  return it == r.byName.end() ? nullptr : &r.ops[it->second];
}

llvm::ArrayRef<OpDef> netc::getAllOps() { return getRegistry().ops; }

const OpDef &netc::getInputOp() { return *lookupOp("input"); }
const OpDef &netc::getParamOp() { return *lookupOp("param"); }
const OpDef &netc::getBufferOp() { return *lookupOp("buffer"); }

const ArgSpec *OpDef::findArg(llvm::StringRef argName) const {
  int i = findArgIndex(argName);
  return i < 0 ? nullptr : &args[i];
}

int OpDef::findArgIndex(llvm::StringRef argName) const {
  for (unsigned i = 0; i < args.size(); ++i)
    if (args[i].name == argName)
      return i;
  return -1;
}

unsigned OpDef::getNumTensorArgs() const {
  unsigned n = 0;
  while (n < args.size() && args[n].type == ArgType::Tensor)
    ++n;
  return n;
}

std::string OpDef::getSignature() const {
  std::string s = name + "(";
  for (unsigned i = 0; i < args.size(); ++i) {
    if (i)
      s += ", ";
    if (args[i].keywordOnly && (i == 0 || !args[i - 1].keywordOnly))
      s += "*, ";
    s += args[i].name.str();
    if (!args[i].defaultValue.isUnknown())
      s += "=" + args[i].defaultValue.str();
    else if (args[i].optional)
      s += "=?";
  }
  return s + ")";
}

OutputStorage
OpDef::resolveStorage(llvm::ArrayRef<Attribute> attributes) const {
  if (storageOverride)
    if (std::optional<OutputStorage> storage = storageOverride(attributes))
      return *storage;
  if (storage == OutputStorage::InPlace)
    for (const Attribute &a : attributes)
      if (a.name == "inplace" && a.value.getKind() == Value::Kind::Bool &&
          !a.value.getBool())
        return OutputStorage::New;
  return storage;
}

//===----------------------------------------------------------------------===//
// OpContext
//===----------------------------------------------------------------------===//

void OpContext::suggestWrappingInput(DiagnosticBuilder &builder, unsigned i,
                                     llvm::StringRef function,
                                     bool onNote) const {
  llvm::SMRange arg = tensors[i].argRange;
  if (!arg.isValid())
    return;
  auto fixIt = [&](llvm::SMLoc at, std::string text) {
    if (onNote)
      builder.noteFixIt(llvm::SMRange(at, at), text);
    else
      builder.fixIt(llvm::SMRange(at, at), text);
  };
  if (arg.Start.getPointer() < callRange.Start.getPointer()) {
    // `x |> dense(10)`: the piped value is outside the call.
    fixIt(callRange.Start, (function + " |> ").str());
    return;
  }
  fixIt(arg.Start, (function + "(").str());
  fixIt(arg.End, ")");
}

int OpContext::findInput(llvm::StringRef argName) const {
  int arg = op.findArgIndex(argName);
  for (unsigned i = 0; i < tensors.size(); ++i)
    if (arg >= 0 && tensors[i].arg == static_cast<unsigned>(arg))
      return i;
  return -1;
}

const Value &OpContext::get(llvm::StringRef name) const {
  static const Value none;
  int i = op.findArgIndex(name);
  if (i < 0)
    return none;
  return args[i].value;
}

llvm::SMRange OpContext::getArgRange(llvm::StringRef name) const {
  int i = op.findArgIndex(name);
  if (i >= 0 && args[i].range.isValid())
    return args[i].range;
  return callRange;
}

std::optional<llvm::SmallVector<int64_t, 4>>
OpContext::getPerAxis(llvm::StringRef name, unsigned count) {
  const Value &v = get(name);
  llvm::SmallVector<int64_t, 4> values;
  if (v.isInt()) {
    values.assign(count, v.getInt());
    return values;
  }
  if (v.isTuple() && v.getElements().size() == count) {
    for (const Value &e : v.getElements())
      values.push_back(e.getInt());
    return values;
  }
  size_t got = v.isTuple() ? v.getElements().size() : 0;
  errorAtArg(name, diag::err_tuple_length, name, op.name, count,
             count == 1 ? "" : "s", got);
  return std::nullopt;
}

std::optional<int64_t> OpContext::mul(int64_t a, int64_t b,
                                      llvm::StringRef what) {
  auto r = checkedMul(a, b);
  if (!r)
    error(diag::err_overflow, what);
  return r;
}

std::optional<int64_t> OpContext::add(int64_t a, int64_t b,
                                      llvm::StringRef what) {
  auto r = checkedAdd(a, b);
  if (!r)
    error(diag::err_overflow, what);
  return r;
}

/// True when an op taking \p types accepts an input of \p dtype.
static bool acceptsElementType(InputTypes types, DType dtype) {
  switch (types) {
  case InputTypes::Float:
    return isFloatingPoint(dtype);
  case InputTypes::FloatOrInteger:
    return dtype != DType::Bool;
  case InputTypes::Any:
    return true;
  case InputTypes::Index:
    return dtype == DType::I32 || dtype == DType::I64;
  }
  return false;
}

/// What \p types asks for, for err_input_element_type ("a floating-point").
static llvm::StringRef describeElementTypes(InputTypes types) {
  switch (types) {
  case InputTypes::Float:
    return "a floating-point";
  case InputTypes::FloatOrInteger:
    return "a floating-point or integer";
  case InputTypes::Any:
    return "any";
  case InputTypes::Index:
    return "an i32 or i64";
  }
  return "";
}

bool OpContext::checkElementTypes() {
  for (unsigned i = 0; i < tensors.size(); ++i) {
    DType dtype = tensors[i].type->dtype;
    if (acceptsElementType(op.inputTypes, dtype))
      continue;
    errorAtInput(i, diag::err_input_element_type, op.name,
                 describeElementTypes(op.inputTypes), tensors[i].producerName,
                 getDTypeName(dtype));
    return false;
  }
  return true;
}

std::optional<TensorType> OpContext::makeType(llvm::ArrayRef<int64_t> dims) {
  TensorType t;
  t.dtype = tensors.empty() ? DType::F32 : tensors[0].type->dtype;
  for (const TensorArgInfo &input : tensors)
    t.dtype = promoteTypes(t.dtype, input.type->dtype);
  t.dims.assign(dims.begin(), dims.end());
  if (t.getRank() > MaxTensorRank) {
    error(diag::err_rank_too_large, t.getRank(), MaxTensorRank);
    return std::nullopt;
  }
  if (!t.getNumElements()) {
    error(diag::err_overflow,
          "the element count of " + op.name + "'s output " + t.str());
    return std::nullopt;
  }
  return t;
}

//===----------------------------------------------------------------------===//
// Shared helpers for the family files
//===----------------------------------------------------------------------===//

std::optional<llvm::SmallVector<int64_t, 4>>
ops::broadcastDims(OpContext &ctx, llvm::StringRef verb, const TensorType &a,
                   llvm::ArrayRef<int64_t> aDims, const TensorType &b,
                   llvm::ArrayRef<int64_t> bDims) {
  size_t rank = std::max(aDims.size(), bDims.size());
  llvm::SmallVector<int64_t, 4> dims(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < aDims.size() ? aDims[aDims.size() - 1 - i] : 1;
    int64_t db = i < bDims.size() ? bDims[bDims.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      ctx.errorAtInputs(diag::err_broadcast, verb, a.str(), b.str(), da, db);
      return std::nullopt;
    }
    dims[rank - 1 - i] = da == 1 ? db : da;
  }
  return dims;
}

std::string ops::describeChannelsFirst(unsigned spatialRank) {
  switch (spatialRank) {
  case 1:
    return "a [C, L] input";
  case 2:
    return "a [C, H, W] input";
  case 3:
    return "a [C, D, H, W] input";
  default:
    return "a rank-" + std::to_string(spatialRank + 1) + " input";
  }
}

bool ops::requireChannelsFirst(OpContext &ctx, unsigned spatialRank) {
  if (ctx.getInput().getRank() == spatialRank + 1)
    return true;
  ctx.errorAtInput(0, diag::err_input_rank, ctx.getOpName(),
                   describeChannelsFirst(spatialRank), ctx.getInput().str());
  return false;
}

bool ops::requireMinRank(OpContext &ctx, unsigned minRank,
                         llvm::StringRef what) {
  if (ctx.getInput().getRank() >= minRank)
    return true;
  ctx.errorAtInput(0, diag::err_input_rank, ctx.getOpName(), what,
                   ctx.getInput().str());
  return false;
}

SavedExtraRule ops::savedBytesPerOutputElement(int64_t bytes) {
  return [bytes](const Layer &layer, llvm::ArrayRef<const TensorType *>,
                 const SavedWidths &) -> std::optional<int64_t> {
    auto elements = layer.type.getNumElements();
    if (!elements)
      return std::nullopt;
    return checkedMul(*elements, bytes);
  };
}

SavedExtraRule ops::savedStatistics(
    std::function<std::optional<int64_t>(const Layer &)> count) {
  return [count](const Layer &layer, llvm::ArrayRef<const TensorType *>,
                 const SavedWidths &widths) -> std::optional<int64_t> {
    auto n = count(layer);
    if (!n)
      return std::nullopt;
    return checkedMul(*n, widths.statistics);
  };
}

CostRule ops::flopsPerOutputElement(int64_t flops) {
  return [flops](const Layer &layer, llvm::ArrayRef<const TensorType *>)
             -> std::optional<OpCost> {
    auto elements = layer.type.getNumElements();
    if (!elements)
      return std::nullopt;
    auto total = checkedMul(*elements, flops);
    if (!total)
      return std::nullopt;
    return OpCost{0, *total};
  };
}

std::optional<llvm::SmallVector<int64_t, 4>>
ops::getPerAxisAttribute(const Layer &layer, llvm::StringRef name,
                         unsigned count) {
  const Attribute *a = layer.getAttribute(name);
  if (!a)
    return std::nullopt;
  llvm::SmallVector<int64_t, 4> values;
  if (a->value.isInt()) {
    values.assign(count, a->value.getInt());
    return values;
  }
  if (!a->value.isTuple() || a->value.getElements().size() != count)
    return std::nullopt;
  for (const Value &e : a->value.getElements())
    values.push_back(e.getInt());
  return values;
}

std::optional<int64_t> ops::checkedProduct(llvm::ArrayRef<int64_t> values) {
  std::optional<int64_t> product = 1;
  for (int64_t v : values)
    if (product)
      product = checkedMul(*product, v);
  return product;
}

std::optional<OpCost> netc::computeLayerCost(const Graph &graph, LayerId id) {
  const Layer &layer = graph.layers[id];
  if (!layer.op || !layer.op->countCost)
    return OpCost{};
  llvm::SmallVector<const TensorType *, 4> inputs;
  for (LayerId in : layer.inputs)
    inputs.push_back(&graph.layers[in].type);
  return layer.op->countCost(layer, inputs);
}

std::optional<TensorType> ops::sameShape(OpContext &ctx) {
  return ctx.getInput();
}

llvm::StringRef ops::getSpatialAxisName(unsigned spatialRank, unsigned axis) {
  static const char *const names[3][3] = {
      {"length"}, {"height", "width"}, {"depth", "height", "width"}};
  if (spatialRank >= 1 && spatialRank <= 3 && axis < spatialRank)
    return names[spatialRank - 1][axis];
  return "axis";
}

std::optional<llvm::SmallVector<int64_t, 4>>
ops::slidingWindowSizes(OpContext &ctx, llvm::ArrayRef<int64_t> kernel,
                        llvm::ArrayRef<int64_t> stride,
                        llvm::ArrayRef<AxisPadding> pads,
                        llvm::ArrayRef<int64_t> dilation, bool ceilMode) {
  const TensorType &in = ctx.getInput();
  unsigned n = kernel.size();
  // A (dilated) kernel wider than the padded input is the common mistake;
  // say it in those words before computing sizes.
  llvm::SmallVector<int64_t, 4> padded, effective;
  bool tooLarge = false;
  for (unsigned i = 0; i < n; ++i) {
    auto p = checkedAdd(in.dims[i + 1], pads[i].first);
    if (p)
      p = checkedAdd(*p, pads[i].second);
    auto span = checkedMul(dilation[i], kernel[i] - 1);
    if (!span || *span == INT64_MAX) {
      ctx.error(diag::err_overflow, "the dilated kernel of " + ctx.getOpName());
      return std::nullopt;
    }
    if (!p) {
      ctx.error(diag::err_overflow, "the padded input of " + ctx.getOpName());
      return std::nullopt;
    }
    padded.push_back(*p);
    effective.push_back(*span + 1);
    tooLarge |= effective.back() > padded.back();
  }
  if (tooLarge) {
    bool dilated = llvm::any_of(dilation, [](int64_t d) { return d != 1; });
    if (dilated)
      ctx.errorAtArg("kernel", diag::err_dilated_kernel_too_large,
                     ctx.getOpName(), joinDims(effective), joinDims(kernel),
                     joinDims(dilation), joinDims(padded));
    else
      ctx.errorAtArg("kernel", diag::err_kernel_too_large, ctx.getOpName(),
                     joinDims(effective), joinDims(padded));
    return std::nullopt;
  }
  llvm::SmallVector<int64_t, 4> sizes;
  for (unsigned i = 0; i < n; ++i) {
    int64_t numerator = padded[i] - effective[i];
    int64_t out = (ceilMode ? ceilDiv(numerator, stride[i])
                            : floorDiv(numerator, stride[i])) +
                  1;
    // With ceil_mode, the last window must start inside the input or the
    // left padding (PyTorch's rule).
    if (ceilMode && out > 0 &&
        (out - 1) * stride[i] >= in.dims[i + 1] + pads[i].first)
      --out;
    if (out <= 0) {
      ctx.error(diag::err_output_size_nonpositive, ctx.getOpName(),
                getSpatialAxisName(n, i), out, in.dims[i + 1], kernel[i],
                stride[i], pads[i].first, dilation[i]);
      return std::nullopt;
    }
    sizes.push_back(out);
  }
  return sizes;
}
