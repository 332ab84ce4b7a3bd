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

/// An element-wise activation: the input's shape, in place unless
/// inplace=false, one FLOP per element however many operations its formula
/// spells (docs/macs.md); \p parameter is its one number argument, if any.
static OpDef makeElementWise(const char *name, const char *formula,
                             SavedTensors saves, InputTypes inputTypes,
                             std::optional<ArgSpec> parameter = std::nullopt) {
  using namespace sig;
  std::vector<ArgSpec> args{tensor("x")};
  if (parameter)
    args.push_back(*parameter);
  args.push_back(inplaceFlag());
  OpDef op{name,
           OpFamily::Activation,
           std::string("element-wise ") + formula +
               "; in place unless inplace=false",
           std::move(args),
           0,
           OutputStorage::InPlace,
           sameShape,
           nullptr};
  op.saves = {saves};
  op.countCost = flopsPerOutputElement(1);
  op.inputTypes = inputTypes;
  return op;
}

void ops::addActivationOps(std::vector<OpDef> &ops) {
  using namespace sig;
  // torch clamps integers too; sigmoid and tanh of integers give f32, which
  // an in-place call cannot store, so they take floats only.
  const InputTypes Float = InputTypes::Float;
  const InputTypes Integer = InputTypes::FloatOrInteger;
  const SavedTensors Output = SavedTensors::Output;
  const SavedTensors Copy = SavedTensors::InputOrCopyInPlace;
  ops.push_back(makeElementWise("relu", "max(x, 0)", Output, Integer));
  ops.push_back(makeElementWise("relu6", "min(max(x, 0), 6)", Copy, Integer));
  // approximate="tanh" is GPT-2's and BERT's tanh form (torch.nn.GELU's
  // approximate); it keeps the same input for backward.
  ops.push_back(makeElementWise("gelu", "Gaussian error linear unit", Copy,
                                Float,
                                choice("approximate", "none",
                                       {"none", "tanh"})));
  ops.push_back(makeElementWise("sigmoid", "1 / (1 + exp(-x))", Output, Float));
  ops.push_back(makeElementWise("tanh", "hyperbolic tangent", Output, Float));
  ops.push_back(makeElementWise("silu", "x * sigmoid(x) (also called swish)",
                                Copy, Float));
  ops.push_back(makeElementWise("hardswish", "x * relu6(x + 3) / 6", Copy, Float));
  ops.push_back(makeElementWise("hardsigmoid", "relu6(x + 3) / 6", Copy, Float));
  ops.push_back(makeElementWise(
      "leaky_relu", "x if x > 0 else slope * x",
      SavedTensors::InputOrOutputInPlace, Float,
      withDefault("slope", ArgType::Number, Value::floating(0.01))));
  ops.push_back(makeElementWise(
      "elu", "x if x > 0 else alpha * (exp(x) - 1)",
      SavedTensors::InputOrOutputInPlace, Float,
      withDefault("alpha", ArgType::Number, Value::floating(1.0))));
  // Both normalise along an axis into a new tensor and keep only their
  // output for backward. Maximum, subtraction, exponential, sum, and a
  // division (softmax) or a logarithm (log_softmax): 5 per element, as
  // TensorFlow's profiler and fvcore count softmax.
  for (auto [name, doc] :
       {std::pair<const char *, const char *>{
            "softmax", "exp(x) / sum(exp(x)) along an axis (default the "
                       "last); a new tensor"},
        {"log_softmax", "log(softmax(x)) along an axis (default the last), "
                        "computed stably (torch.nn.LogSoftmax); a new "
                        "tensor"}}) {
    ops.push_back(OpDef{
        name,
        OpFamily::Activation,
        doc,
        {tensor("x"), withDefault("axis", ArgType::Int, Value::integer(-1))},
        0,
        OutputStorage::New,
        inferSoftmaxShape,
        nullptr});
    ops.back().saves = {SavedTensors::Output};
    ops.back().countCost = flopsPerOutputElement(5);
  }
}
