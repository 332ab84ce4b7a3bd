//===- Merge.cpp - element-wise add and mul, concat, split, chunk, crop ----===//
//
// The graph ops that join and part tensors:
//   add(a, b), mul(a, b)    element-wise, NumPy broadcasting on per-sample
//                           shapes (the `+` and `*` operators on tensors)
//   mul_scalar(x, factor)   every element times a number (`x * 0.125`,
//                           `x / 8`)
//   where(cond, a, b)       a where the bool condition holds, else b
//                           (torch.where); a and b tensors or numbers, all
//                           three broadcast together
//   concat(a, b, ..., axis=0)  joins along an axis (channels by default)
//   split(x, sizes, axis=0)    parts of the given sizes (torch.split)
//   chunk(x, n, axis=0)        n parts of ceil(len/n) (torch.chunk: the last
//                              may be smaller, and there may be fewer than n)
//   center_crop(x, (h, w))     the centre of the spatial axes (U-Net's crop)
// split, chunk and center_crop return views, as torch's slicing does.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

/// NumPy broadcasting of all inputs' shapes (right-aligned).
static std::optional<TensorType> inferBroadcastShape(OpContext &ctx) {
  const TensorType &a = ctx.getInput(0);
  const TensorType &b = ctx.getInput(1);
  auto dims = broadcastDims(ctx, ctx.getOpName() == "add" ? "add" : "multiply",
                            a, a.dims, b, b.dims);
  if (!dims)
    return std::nullopt;
  return ctx.makeType(*dims);
}

/// The element type of where's output: a and b promoted as torch.where
/// promotes them (a float number with integer tensors gives f32; two
/// numbers give f32, or i64 when both are integers).
static DType getWhereType(OpContext &ctx) {
  std::optional<DType> dtype;
  bool floatNumber = false;
  for (llvm::StringRef name : {"a", "b"}) {
    int i = ctx.findInput(name);
    if (i < 0)
      floatNumber |= ctx.get(name).isFloat();
    else
      dtype = dtype ? promoteTypes(*dtype, ctx.getInput(i).dtype)
                    : ctx.getInput(i).dtype;
  }
  if (!dtype)
    return floatNumber ? DType::F32 : DType::I64;
  return floatNumber && !isFloatingPoint(*dtype) ? DType::F32 : *dtype;
}

/// where(cond, a, b): the condition must be bool; a and b broadcast with
/// each other, and the condition with both (a number counts as a tensor
/// of no axes).
static std::optional<TensorType> inferWhereShape(OpContext &ctx) {
  const TensorType &cond = ctx.getInput(0);
  if (cond.dtype != DType::Bool) {
    ctx.errorAtInput(0, diag::err_input_element_type, ctx.getOpName(),
                     "a bool", ctx.getInputName(0),
                     getDTypeName(cond.dtype));
    return std::nullopt;
  }
  TensorType values;
  bool first = true;
  for (llvm::StringRef name : {"a", "b"}) {
    int i = ctx.findInput(name);
    if (i < 0)
      continue;
    const TensorType &value = ctx.getInput(i);
    if (first) {
      values = value;
      first = false;
      continue;
    }
    auto dims = broadcastDims(ctx, "choose between", values, values.dims,
                              value, value.dims);
    if (!dims)
      return std::nullopt;
    values.dims = *dims;
  }
  auto dims = broadcastDims(ctx, "broadcast the condition", cond, cond.dims,
                            values, values.dims);
  if (!dims)
    return std::nullopt;
  auto type = ctx.makeType(*dims);
  if (type)
    type->dtype = getWhereType(ctx);
  return type;
}

/// Normalises an axis (negative counts from the end); reports it if out of
/// range for \p type.
static std::optional<unsigned> resolveAxis(OpContext &ctx,
                                           const TensorType &type) {
  int64_t axis = ctx.getInt("axis");
  int64_t rank = type.getRank();
  if (axis < -rank || axis >= rank) {
    ctx.errorAtArg("axis", diag::err_axis_out_of_range, axis, type.str(),
                   rank);
    return std::nullopt;
  }
  return static_cast<unsigned>(axis < 0 ? axis + rank : axis);
}

static std::optional<TensorType> inferConcatShape(OpContext &ctx) {
  const TensorType &first = ctx.getInput(0);
  auto axis = resolveAxis(ctx, first);
  if (!axis)
    return std::nullopt;
  TensorType out = first;
  for (unsigned i = 1; i < ctx.getNumInputs(); ++i) {
    const TensorType &next = ctx.getInput(i);
    std::string problem;
    if (next.getRank() != first.getRank())
      problem = "their ranks differ";
    else
      for (unsigned d = 0; d < first.getRank() && problem.empty(); ++d)
        if (d != *axis && next.dims[d] != first.dims[d])
          problem = "axis " + std::to_string(d) + " differs (" +
                    std::to_string(first.dims[d]) + " vs " +
                    std::to_string(next.dims[d]) + ")";
    if (!problem.empty()) {
      ctx.errorAtInputs(diag::err_concat_shapes, first.str(), next.str(),
                        *axis, problem);
      return std::nullopt;
    }
    auto sum = ctx.add(out.dims[*axis], next.dims[*axis], "concat's output");
    if (!sum)
      return std::nullopt;
    out.dims[*axis] = *sum;
  }
  return ctx.makeType(out.dims);
}

static std::optional<std::vector<TensorType>> inferSplitShapes(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  auto axis = resolveAxis(ctx, in);
  if (!axis)
    return std::nullopt;
  const Value &sizes = ctx.get("sizes");
  std::vector<int64_t> parts;
  if (sizes.isInt()) {
    // An integer is the size of every part (torch.split), the last smaller.
    for (int64_t done = 0; done < in.dims[*axis]; done += sizes.getInt())
      parts.push_back(std::min(sizes.getInt(), in.dims[*axis] - done));
  } else {
    int64_t total = 0;
    for (const Value &v : sizes.getElements()) {
      parts.push_back(v.getInt());
      auto sum = checkedAdd(total, v.getInt());
      total = sum ? *sum : INT64_MAX;
    }
    if (total != in.dims[*axis]) {
      ctx.errorAtArg("sizes", diag::err_split_sizes, sizes.str(), total, *axis,
                     in.str(), in.dims[*axis]);
      return std::nullopt;
    }
  }
  std::vector<TensorType> outs;
  for (int64_t part : parts) {
    TensorType t = in;
    t.dims[*axis] = part;
    outs.push_back(t);
  }
  return outs;
}

static std::optional<std::vector<TensorType>> inferChunkShapes(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  auto axis = resolveAxis(ctx, in);
  if (!axis)
    return std::nullopt;
  int64_t n = ctx.getInt("n");
  int64_t length = in.dims[*axis];
  int64_t size = ceilDiv(length, n);
  std::vector<TensorType> outs;
  for (int64_t done = 0; done < length; done += size) {
    TensorType t = in;
    t.dims[*axis] = std::min(size, length - done);
    outs.push_back(t);
  }
  return outs;
}

static std::optional<TensorType> inferCenterCropShape(OpContext &ctx) {
  if (!requireMinRank(ctx, 2, "a channels-first input with spatial axes, "
                              "such as [C, H, W]"))
    return std::nullopt;
  const TensorType &in = ctx.getInput();
  unsigned spatial = in.getRank() - 1;
  auto size = ctx.getPerAxis("size", spatial);
  if (!size)
    return std::nullopt;
  llvm::ArrayRef<int64_t> inSpatial = llvm::ArrayRef<int64_t>(in.dims).drop_front();
  for (unsigned i = 0; i < spatial; ++i)
    if ((*size)[i] > inSpatial[i]) {
      ctx.errorAtArg("size", diag::err_crop_too_large, joinDims(*size),
                     joinDims(inSpatial));
      return std::nullopt;
    }
  llvm::SmallVector<int64_t, 4> dims{in.dims[0]};
  dims.append(size->begin(), size->end());
  return ctx.makeType(dims);
}

void ops::addMergeOps(std::vector<OpDef> &ops) {
  using namespace sig;
  for (const char *name : {"add", "mul"}) {
    bool isAdd = llvm::StringRef(name) == "add";
    ops.push_back(OpDef{name,
                        OpFamily::Merge,
                        isAdd ? "element-wise sum with NumPy broadcasting (the "
                                "`+` operator on tensors)"
                              : "element-wise product with NumPy broadcasting "
                                "(the `*` operator on tensors)",
                        {tensor("a"), tensor("b")},
                        0,
                        OutputStorage::New,
                        inferBroadcastShape,
                        nullptr});
    // The product's backward needs both factors; the sum's needs neither.
    if (!isAdd)
      ops.back().saves = {SavedTensors::Inputs};
    // One addition or multiplication per (broadcast) output element.
    ops.back().countCost = flopsPerOutputElement(1);
    ops.back().inputTypes = InputTypes::Any;
  }
  OpDef scale{"mul_scalar",
              OpFamily::Merge,
              "every element times a number (the `*` and `/` operators "
              "between a tensor and a number: x * 0.125, x / 8)",
              {tensor("x"), required("factor", ArgType::Number)},
              0,
              OutputStorage::New,
              sameShape,
              nullptr};
  // torch keeps only the number (an 8-byte scalar, not counted), no tensor.
  scale.countCost = flopsPerOutputElement(1);
  ops.push_back(std::move(scale));
  OpDef where{"where",
              OpFamily::Merge,
              "a where the bool condition holds, else b (torch.where); a and "
              "b are tensors or numbers (where(mask, scores, -1e9)), "
              "broadcast with the condition",
              {tensor("cond"), required("a", ArgType::TensorOrNumber),
               required("b", ArgType::TensorOrNumber)},
              0,
              OutputStorage::New,
              inferWhereShape,
              nullptr};
  // torch 1.13's WhereBackward0 keeps only the condition (measured).
  where.saves = {SavedTensors::Input};
  // One selection per (broadcast) output element.
  where.countCost = flopsPerOutputElement(1);
  where.inputTypes = InputTypes::Any;
  ops.push_back(std::move(where));
  OpDef concat{"concat",
               OpFamily::Merge,
               "joins tensors along an axis (default 0, the channels) "
               "(torch.cat)",
               {tensor("tensors"),
                withDefault("axis", ArgType::Int, Value::integer(0))},
               0,
               OutputStorage::New,
               inferConcatShape,
               nullptr};
  concat.variadic = true;
  concat.inputTypes = InputTypes::Any;
  ops.push_back(std::move(concat));
  OpDef split{"split",
              OpFamily::Reshape,
              "parts of the given sizes along an axis (torch.split); views",
              {tensor("x"),
               required("sizes", ArgType::IntTuple, ArgConstraint::Positive),
               withDefault("axis", ArgType::Int, Value::integer(0))},
              0,
              OutputStorage::View,
              nullptr,
              nullptr};
  split.inferOutputs = inferSplitShapes;
  split.inputTypes = InputTypes::Any;
  ops.push_back(std::move(split));
  OpDef chunk{"chunk",
              OpFamily::Reshape,
              "n parts of equal size along an axis, the last possibly smaller "
              "(torch.chunk); views",
              {tensor("x"), required("n", ArgType::Int, ArgConstraint::Positive),
               withDefault("axis", ArgType::Int, Value::integer(0))},
              0,
              OutputStorage::View,
              nullptr,
              nullptr};
  chunk.inferOutputs = inferChunkShapes;
  chunk.inputTypes = InputTypes::Any;
  ops.push_back(std::move(chunk));
  ops.push_back(OpDef{
      "center_crop",
      OpFamily::Reshape,
      "the centre (h, w) of the spatial axes (U-Net's copy-and-crop); a view",
      {tensor("x"),
       required("size", ArgType::IntOrTuple, ArgConstraint::Positive)},
      0,
      OutputStorage::View,
      inferCenterCropShape,
      nullptr});
  ops.back().inputTypes = InputTypes::Any;
}
