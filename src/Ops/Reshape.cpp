//===- Reshape.cpp - the declaration pseudo-ops, flatten, transpose, reshape ===//
//
// flatten, transpose, permute, reshape, select and slice change only how
// elements are indexed; their outputs
// are views of their inputs and take no memory of their own. `input`,
// `param` and `buffer` are the pseudo-ops of declared tensors: they have
// registry entries so that tables and diagrams treat them like any layer,
// but they cannot be called.
//
//===----------------------------------------------------------------------===//
#include "Families.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::ops;

void ops::addInputOp(std::vector<OpDef> &ops) {
  ops.push_back(OpDef{"input",
                      OpFamily::Input,
                      "a network input, declared with `input NAME: [dims]`",
                      {},
                      0,
                      OutputStorage::New,
                      nullptr,
                      nullptr,
                      /*callable=*/false});
  ops.push_back(OpDef{"param",
                      OpFamily::Parameter,
                      "a trainable tensor of the network, declared with "
                      "`param NAME: [dims]`",
                      {},
                      0,
                      OutputStorage::New,
                      nullptr,
                      nullptr,
                      /*callable=*/false});
  ops.push_back(OpDef{"buffer",
                      OpFamily::Parameter,
                      "a tensor of the network that is not trained, declared "
                      "with `buffer NAME: [dims]`",
                      {},
                      0,
                      OutputStorage::New,
                      nullptr,
                      nullptr,
                      /*callable=*/false});
}

static std::optional<TensorType> inferFlattenShape(OpContext &ctx) {
  // The element count is known not to overflow: the input type exists.
  return ctx.makeType({*ctx.getInput().getNumElements()});
}

static std::optional<TensorType> inferTransposeShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t rank = in.getRank();
  int64_t axes[2];
  const char *names[2] = {"axis0", "axis1"};
  for (unsigned i = 0; i < 2; ++i) {
    int64_t axis = ctx.getInt(names[i]);
    if (axis < -rank || axis >= rank) {
      ctx.errorAtArg(names[i], diag::err_axis_out_of_range, axis, in.str(),
                     rank);
      return std::nullopt;
    }
    axes[i] = axis < 0 ? axis + rank : axis;
  }
  llvm::SmallVector<int64_t, 4> dims(in.dims.begin(), in.dims.end());
  std::swap(dims[axes[0]], dims[axes[1]]);
  return ctx.makeType(dims);
}

static std::optional<TensorType> inferPermuteShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t rank = in.getRank();
  const Value &axesValue = ctx.get("axes");
  llvm::SmallVector<int64_t, 4> axes;
  if (axesValue.isInt())
    axes.push_back(axesValue.getInt());
  else
    for (const Value &e : axesValue.getElements())
      axes.push_back(e.getInt());
  // Each axis once, counted from 0 or from the end, as torch.permute.
  llvm::SmallVector<bool, 4> seen(rank, false);
  bool ok = static_cast<int64_t>(axes.size()) == rank;
  for (int64_t &axis : axes) {
    if (!ok || axis < -rank || axis >= rank) {
      ok = false;
      break;
    }
    axis = axis < 0 ? axis + rank : axis;
    ok = !seen[axis];
    seen[axis] = true;
  }
  if (!ok) {
    ctx.errorAtArg("axes", diag::err_permute_axes, axesValue.str(), in.str(),
                   rank, rank - 1);
    return std::nullopt;
  }
  llvm::SmallVector<int64_t, 4> dims;
  for (int64_t axis : axes)
    dims.push_back(in.dims[axis]);
  return ctx.makeType(dims);
}

static std::optional<TensorType> inferReshapeShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  const Value &shape = ctx.get("shape");
  llvm::SmallVector<int64_t, 4> dims;
  if (shape.isInt())
    dims.push_back(shape.getInt());
  else
    for (const Value &e : shape.getElements())
      dims.push_back(e.getInt());
  int inferred = -1;
  int64_t known = 1;
  for (unsigned i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (inferred >= 0) {
        ctx.errorAtArg("shape", diag::err_reshape_multiple_infer,
                       shape.str());
        return std::nullopt;
      }
      inferred = i;
      continue;
    }
    if (dims[i] <= 0) {
      ctx.errorAtArg("shape", diag::err_reshape_bad_dim, dims[i]);
      return std::nullopt;
    }
    auto product = checkedMul(known, dims[i]);
    if (!product) {
      ctx.errorAtArg("shape", diag::err_overflow,
                     "the element count of " + shape.str());
      return std::nullopt;
    }
    known = *product;
  }
  int64_t total = *in.getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) {
      ctx.errorAtInput(0, diag::err_reshape_elements, in.str(), total,
                       shape.str());
      return std::nullopt;
    }
    dims[inferred] = total / known;
  } else if (known != total) {
    ctx.errorAtInput(0, diag::err_reshape_elements, in.str(), total,
                     shape.str());
    return std::nullopt;
  }
  return ctx.makeType(dims);
}

static std::optional<TensorType> inferSelectShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  // One sample's rank-1 tensor would give a scalar, which netc does not
  // have (x[0] of [768] in torch picks across the batch).
  if (!requireMinRank(ctx, 2, "a tensor with at least two axes, such as "
                              "[tokens, dim]"))
    return std::nullopt;
  int64_t rank = in.getRank();
  int64_t axis = ctx.getInt("axis");
  if (axis < -rank || axis >= rank) {
    ctx.errorAtArg("axis", diag::err_axis_out_of_range, axis, in.str(), rank);
    return std::nullopt;
  }
  if (axis < 0)
    axis += rank;
  int64_t size = in.dims[axis];
  int64_t index = ctx.getInt("index");
  if (index < -size || index >= size) {
    ctx.errorAtArg("index", diag::err_select_out_of_range, index, axis,
                   in.str(), size);
    return std::nullopt;
  }
  llvm::SmallVector<int64_t, 4> dims(in.dims.begin(), in.dims.end());
  dims.erase(dims.begin() + axis);
  return ctx.makeType(dims);
}

/// slice(x, start, end, axis=0): entries start to end - 1 of an axis, each
/// bound counted from the end when negative, as Python's; unlike Python,
/// a bound past the axis and an empty run are errors.
static std::optional<TensorType> inferSliceShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t rank = in.getRank();
  int64_t axis = ctx.getInt("axis");
  if (axis < -rank || axis >= rank) {
    ctx.errorAtArg("axis", diag::err_axis_out_of_range, axis, in.str(), rank);
    return std::nullopt;
  }
  if (axis < 0)
    axis += rank;
  int64_t size = in.dims[axis];
  int64_t bounds[2];
  const char *names[2] = {"start", "end"};
  for (unsigned i = 0; i < 2; ++i) {
    int64_t bound = ctx.getInt(names[i]);
    if (bound < -size || bound > size) {
      ctx.errorAtArg(names[i], diag::err_slice_out_of_range, names[i], bound,
                     axis, in.str(), size);
      return std::nullopt;
    }
    bounds[i] = bound < 0 ? bound + size : bound;
  }
  if (bounds[0] >= bounds[1]) {
    ctx.error(diag::err_slice_empty, ctx.getInt("start"), ctx.getInt("end"),
              axis, in.str(), bounds[0], bounds[1]);
    return std::nullopt;
  }
  llvm::SmallVector<int64_t, 4> dims(in.dims.begin(), in.dims.end());
  dims[axis] = bounds[1] - bounds[0];
  return ctx.makeType(dims);
}

void ops::addReshapeOps(std::vector<OpDef> &ops) {
  using namespace sig;
  ops.push_back(OpDef{"flatten",
                      OpFamily::Reshape,
                      "all axes into one: [C, H, W] to [C*H*W] "
                      "(torch.nn.Flatten); a view",
                      {tensor("x")},
                      0,
                      OutputStorage::View,
                      inferFlattenShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{"transpose",
                      OpFamily::Reshape,
                      "swaps two axes (default the last two: a matrix's "
                      "transpose) (torch.transpose); a view",
                      {tensor("x"),
                       withDefault("axis0", ArgType::Int, Value::integer(-2)),
                       withDefault("axis1", ArgType::Int, Value::integer(-1))},
                      0,
                      OutputStorage::View,
                      inferTransposeShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{"permute",
                      OpFamily::Reshape,
                      "reorders the axes: output axis i is input axis "
                      "axes[i] (torch.permute); a view",
                      {tensor("x"), required("axes", ArgType::IntTuple)},
                      0,
                      OutputStorage::View,
                      inferPermuteShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{"reshape",
                      OpFamily::Reshape,
                      "the same elements in a new shape; at most one -1 is "
                      "inferred; a view",
                      {tensor("x"), required("shape", ArgType::IntTuple)},
                      0,
                      OutputStorage::View,
                      inferReshapeShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{"select",
                      OpFamily::Reshape,
                      "the entry `index` of an axis, which goes away: "
                      "x[0] of [197, 768] is [768] (torch.select; x[:, 0] "
                      "with the batch); a view",
                      {tensor("x"), required("index", ArgType::Int),
                       withDefault("axis", ArgType::Int, Value::integer(0))},
                      0,
                      OutputStorage::View,
                      inferSelectShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
  ops.push_back(OpDef{"slice",
                      OpFamily::Reshape,
                      "entries start to end - 1 of an axis: x[1:] of [197, "
                      "768] is [196, 768] (x[:, 1:] with the batch); a "
                      "negative bound counts from the end; a view",
                      {tensor("x"), required("start", ArgType::Int),
                       required("end", ArgType::Int),
                       withDefault("axis", ArgType::Int, Value::integer(0))},
                      0,
                      OutputStorage::View,
                      inferSliceShape,
                      nullptr});
  ops.back().inputTypes = InputTypes::Any;
}
