//===- Activation.cpp - element-wise activations and softmax --------------===//
//
// Element-wise activations keep the shape, have no parameters and are
// applied in place (as Caffe and the CS231n tables count them: listed, but no
// activation memory of their own) unless called with inplace=false. softmax
// normalises along an axis; it is not element-wise, so its output is a new
// tensor. What each keeps for backward was measured on torch 1.13 with
// saved_tensors_hooks (docs/memory.md).
//
//===----------------------------------------------------------------------===//
#include "Families.h"

using namespace netc;
using namespace netc::ops;

static std::optional<TensorType> inferSoftmaxShape(OpContext &ctx) {
  const TensorType &in = ctx.getInput();
  int64_t axis = ctx.getInt("axis");
  int64_t rank = in.getRank();
  if (axis < -rank || axis >= rank) {
    ctx.errorAtArg("axis", diag::err_axis_out_of_range, axis, in.str(), rank);
    return std::nullopt;
  }
  return in;
}

void ops::addActivationOps(std::vector<OpDef> &ops) {
  using namespace sig;
  struct Simple {
    const char *name;
    const char *doc;
    SavedTensors saves;
    /// torch clamps integers too; sigmoid and tanh of integers give f32,
    /// which an in-place call cannot store, so they take floats only.
    InputTypes inputTypes = InputTypes::Float;
  };
  static const Simple simple[] = {
      {"relu", "max(x, 0)", SavedTensors::Output, InputTypes::FloatOrInteger},
      {"relu6", "min(max(x, 0), 6)", SavedTensors::InputOrCopyInPlace,
       InputTypes::FloatOrInteger},
      {"gelu", "Gaussian error linear unit", SavedTensors::InputOrCopyInPlace},
      {"sigmoid", "1 / (1 + exp(-x))", SavedTensors::Output},
      {"tanh", "hyperbolic tangent", SavedTensors::Output},
      {"silu", "x * sigmoid(x) (also called swish)", SavedTensors::InputOrCopyInPlace},
      {"hardswish", "x * relu6(x + 3) / 6", SavedTensors::InputOrCopyInPlace},
      {"hardsigmoid", "relu6(x + 3) / 6", SavedTensors::InputOrCopyInPlace},
  };
  for (const Simple &s : simple)
    ops.push_back(OpDef{s.name,
                        OpFamily::Activation,
                        std::string("element-wise ") + s.doc +
                            "; in place unless inplace=false",
                        {tensor("x"), inplaceFlag()},
                        0,
                        OutputStorage::InPlace,
                        sameShape,
                        nullptr});
  // One FLOP per element for every element-wise activation, however many
  // operations its formula spells (docs/macs.md).
  for (size_t i = 0; i < std::size(simple); ++i) {
    OpDef &op = ops[ops.size() - std::size(simple) + i];
    op.saves = {simple[i].saves};
    op.countCost = flopsPerOutputElement(1);
    op.inputTypes = simple[i].inputTypes;
  }
  ops.push_back(OpDef{
      "leaky_relu",
      OpFamily::Activation,
      "element-wise x if x > 0 else slope * x; in place unless inplace=false",
      {tensor("x"), withDefault("slope", ArgType::Number, Value::floating(0.01)),
       inplaceFlag()},
      0,
      OutputStorage::InPlace,
      sameShape,
      nullptr});
  ops.back().saves = {SavedTensors::InputOrOutputInPlace};
  ops.back().countCost = flopsPerOutputElement(1);
  ops.push_back(OpDef{
      "elu",
      OpFamily::Activation,
      "element-wise x if x > 0 else alpha * (exp(x) - 1); in place unless inplace=false",
      {tensor("x"), withDefault("alpha", ArgType::Number, Value::floating(1.0)),
       inplaceFlag()},
      0,
      OutputStorage::InPlace,
      sameShape,
      nullptr});
  ops.back().saves = {SavedTensors::InputOrOutputInPlace};
  ops.back().countCost = flopsPerOutputElement(1);
  ops.push_back(OpDef{
      "softmax",
      OpFamily::Activation,
      "exp(x) / sum(exp(x)) along an axis (default the last); a new tensor",
      {tensor("x"), withDefault("axis", ArgType::Int, Value::integer(-1))},
      0,
      OutputStorage::New,
      inferSoftmaxShape,
      nullptr});
  ops.back().saves = {SavedTensors::Output};
  // Maximum, subtraction, exponential, sum and division: 5 per element, as
  // TensorFlow's profiler and fvcore count softmax.
  ops.back().countCost = flopsPerOutputElement(5);
}
