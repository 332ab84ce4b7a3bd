//===- OpRegistry.h - every layer kind, defined once ------------*- C++ -*-===//
//
// A layer kind is one OpDef: its name, family, one-line doc, signature
// (positional and keyword arguments with types, constraints and defaults),
// how its output is stored, its shape rule, its parameter rule, what it keeps
// for backward and its cost rule (MACs and other FLOPs, docs/macs.md).
// Adding a layer kind means adding one entry in the family file under
// src/Ops/ and its tests; the checker, the memory model and every backend
// read the entry.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"
#include "netc/Graph/Graph.h"
#include "netc/Graph/Tensor.h"
#include "netc/Graph/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netc {

/// Groups of layer kinds, used for colours and docs.
enum class OpFamily {
  Input,
  /// A declared `param` or `buffer`, or a constant (`causal_mask`):
  /// weights, not activations.
  Parameter,
  Convolution,
  Pooling,
  /// Averages over axes of any tensor (mean): not a feature map's pooling.
  Reduction,
  Dense,
  Normalization,
  Activation,
  Regularization,
  Reshape,
  Resize,
  Merge,
  /// Attention over tokens.
  Attention,
};

/// The family's name as shown to users ("convolution").
llvm::StringRef getFamilyName(OpFamily family);

/// What an argument accepts.
enum class ArgType {
  Tensor,     ///< a tensor value
  Int,        ///< an integer
  Number,     ///< an integer or a float
  Bool,       ///< true or false
  String,     ///< one of ArgSpec::choices
  IntOrTuple, ///< an integer, or a tuple of integers (one per spatial axis)
  IntTuple,   ///< a tuple of integers of any length (or one integer)
  Padding,    ///< an integer, a tuple of integers, "same" or "valid"
  /// Another layer's weight, shared (tied): `weight=tok.weight`.
  Weight,
  /// A tensor, or a number standing for a tensor of that value broadcast
  /// to every element (`where(mask, s, -1e9)`); a tensor is an input of
  /// the layer, a number one of its attributes.
  TensorOrNumber,
};

/// A value restriction checked when arguments are bound.
enum class ArgConstraint {
  None,
  Positive,    ///< every integer > 0
  NonNegative, ///< every integer >= 0
  Probability, ///< a number in [0, 1]
};

/// One parameter of an op's signature.
struct ArgSpec {
  llvm::StringLiteral name;
  ArgType type;
  ArgConstraint constraint = ArgConstraint::None;
  /// The default; Unknown means "required" unless `optional` is set.
  Value defaultValue = Value::unknown();
  /// Optional with no fixed default: the rule derives it (pool stride).
  bool optional = false;
  /// For ArgType::String (and Padding strings): the accepted spellings.
  std::vector<llvm::StringLiteral> choices = {};
  /// Given only by keyword (`weight=tok.weight`); such parameters come
  /// last, and the signature shows them after `*`, as Python does.
  bool keywordOnly = false;

  bool isRequired() const { return defaultValue.isUnknown() && !optional; }
};

class OpContext;

/// The tensors torch.autograd keeps of a layer for its backward pass, as
/// torch 1.13 does (the pytorch memory model, docs/memory.md); parameters
/// are model states and never counted here.
enum class SavedTensors {
  None,   ///< nothing (add, concat, padding, resizing, views)
  Input,  ///< input 0 (convolution, pooling, normalisation)
  /// Input 0 as a view with a unit axis inserted, counted apart from it as
  /// torch keeps it: 1-D pooling runs the 2-D kernel on [N, C, 1, L].
  InputWithUnitAxis,
  Inputs, ///< every tensor input (mul)
  /// Input 0 seen as a matrix: the same tensor when it has one axis per
  /// sample, else a reshaped view that counts on its own (dense); only
  /// when the layer's weight is trained (for the weight's gradient).
  InputAsMatrix,
  Output, ///< the output (relu, sigmoid, tanh, softmax)
  /// Input 0 when out of place, the output when in place (leaky_relu, elu).
  InputOrOutputInPlace,
  /// Input 0 when out of place, a copy of it when in place (relu6, silu).
  InputOrCopyInPlace,
  /// A copy of input 0 that the layer makes and keeps, never shared with
  /// other layers' saves: nn.MultiheadAttention's [L * N, E] input to its
  /// projections, a copy of its transposed input once torch's batch N is
  /// more than 1 (at one sample of one sequence, a view of another shape).
  InputCopy,
  /// Every tensor input and the output (flash attention).
  InputsAndOutput,
};

/// Bytes of element types the pytorch model counts in.
struct SavedWidths {
  int64_t activation = 4; ///< activations (2 in mixed precision)
  int64_t statistics = 4; ///< normalisation statistics (f32, or f64)
};

/// What a SavedExtraRule is told of the run: the widths, and whether the
/// layer's first tensor input carries a gradient. It does not when it is a
/// network input or made only by layers without trained weights; torch then
/// keeps nothing that only that gradient needs (moe's gather indices). A
/// rule that needs only the widths takes a `const SavedWidths &`.
struct SavedRuleContext : SavedWidths {
  bool inputNeedsGrad = true;
};

/// Per-sample bytes an op keeps besides tensors of the network: batchnorm
/// statistics, pooling indices, dropout masks. Returns nullopt on overflow.
/// Gets the layer, the types of its tensor inputs (in argument order) and
/// the context (the widths, at the least).
using SavedExtraRule = std::function<std::optional<int64_t>(
    const Layer &, llvm::ArrayRef<const TensorType *>,
    const SavedRuleContext &)>;

/// What an op keeps for backward.
struct BackwardSaves {
  SavedTensors tensors = SavedTensors::None;
  /// Null when the op keeps nothing else.
  SavedExtraRule extra = nullptr;
  /// What `extra` keeps, in words, for docs and --explain ("4C
  /// statistics").
  std::string doc = {};
  /// Set when what is kept depends on the layer's attributes (attention's
  /// impl): chooses instead of `tensors`.
  /// Gets the layer and the types of its tensor inputs.
  std::function<SavedTensors(const Layer &, llvm::ArrayRef<const TensorType *>)>
      select = nullptr;
};

/// The element types an op takes (docs/language.md#inputs).
enum class InputTypes {
  Float,          ///< floating point only: layers, most activations, pooling
  FloatOrInteger, ///< also integers, not bool: relu, relu6, average pooling
  Any,            ///< also bool: views, concat, add, mul, padding
  Index,          ///< i32 or i64 only: embedding's indices
};

/// The arithmetic of one layer in one forward pass of one sample, in
/// inference mode (docs/macs.md gives every op's convention).
struct OpCost {
  /// Multiply-accumulates of convolutions, transposed convolutions and
  /// dense layers: the figure torchvision publishes as GFLOPS.
  int64_t macs = 0;
  /// Every other floating-point operation, counted apart from the MACs:
  /// bias additions, pooling, normalisation, activations, element-wise add
  /// and mul, softmax, interpolation.
  int64_t flops = 0;
};

/// Counts a layer's cost from its attributes, its output type and the types
/// of its tensor inputs (in argument order); nullopt on overflow.
using CostRule = std::function<std::optional<OpCost>(
    const Layer &, llvm::ArrayRef<const TensorType *>)>;

/// How an argument shows in an op's one-line summary, the way papers write
/// layers: "conv2d 3x3/2, 64", "maxpool2d 3x3/2", "adaptive_avgpool2d to
/// 7x7", "dense 1000", "conv2d 3x3, 32, groups 32".
enum class SummaryStyle {
  Value,        ///< the value as written: "64"
  Window,       ///< one number per spatial axis: "3x3"; see SummaryArg::stride
  Target,       ///< "to 7x7"
  IfNotDefault, ///< "groups 32", "dilation 2x2": only when not the default
};

/// One argument of an op's summary.
struct SummaryArg {
  llvm::StringLiteral name;
  SummaryStyle style;
  /// For Window: the argument appended as "/2" unless it is 1 on every axis.
  llvm::StringLiteral stride = "";
};

/// Infers the output type; returns nullopt after reporting an error.
using ShapeRule = std::function<std::optional<TensorType>(OpContext &)>;
/// Infers the types of an op with several outputs (split, chunk).
using MultiShapeRule =
    std::function<std::optional<std::vector<TensorType>>(OpContext &)>;
/// The shape of a layer's weight matrix as torch stores it ([units, in]
/// for dense, [vocab, dim] for embedding), from its attributes and the
/// types of its tensor inputs; what tying compares.
using WeightShapeRule = std::function<llvm::SmallVector<int64_t, 4>(
    llvm::ArrayRef<Attribute>, llvm::ArrayRef<const TensorType *>)>;
/// Counts parameters; returns nullopt after reporting an overflow.
using ParamRule =
    std::function<std::optional<ParamCount>(OpContext &, const TensorType &)>;

/// The single definition of a layer kind.
struct OpDef {
  std::string name;
  OpFamily family;
  /// One line saying what the layer does.
  std::string doc;
  /// The signature; tensor arguments come first.
  std::vector<ArgSpec> args;
  /// Spatial axes the op works on (2 for conv2d); 0 if not spatial.
  unsigned spatialRank = 0;
  /// How the output is stored. Ops stored InPlace take an `inplace`
  /// argument (default true); inplace=false makes a new tensor, as
  /// torch.nn.ReLU() does without inplace=True.
  OutputStorage storage = OutputStorage::New;
  ShapeRule inferShape;
  /// Null for ops without parameters.
  ParamRule countParams;
  /// False for pseudo-ops that cannot be called (`input`).
  bool callable = true;
  /// True when the first (tensor) parameter takes every positional tensor
  /// argument: concat(a, b, c, axis=0).
  bool variadic = false;
  /// Set instead of inferShape for ops with several outputs; each output
  /// becomes a layer.
  MultiShapeRule inferOutputs = nullptr;
  /// Set when the storage depends on other attributes than `inplace`:
  /// dropout with p=0 returns its input (a view); null otherwise.
  std::function<std::optional<OutputStorage>(llvm::ArrayRef<Attribute>)>
      storageOverride = nullptr;
  /// True when the op's tensor inputs meet in a product that does not
  /// promote element types (torch.bmm): their floating-point types must be
  /// equal (matmul, attention).
  bool sameFloatInputs = false;
  /// True when, in eval mode, the op returns its input itself whatever its
  /// storage in training (F.dropout with training=False): nothing may write
  /// in place through it into a tensor that must not be written.
  bool aliasesInputInEval = false;
  /// The weight another layer can share (`weight=x.weight`); null for ops
  /// without one. An op with a `weight` argument of ArgType::Weight uses
  /// another layer's instead of its own, and does not count it.
  WeightShapeRule weightShape = nullptr;
  /// What autograd keeps for the backward pass (the pytorch memory model).
  BackwardSaves saves = {};
  /// MACs and other FLOPs; null for ops that do no arithmetic (inputs,
  /// views, concat, padding).
  CostRule countCost = nullptr;
  /// The element types the op's tensor inputs may have, as torch 1.13's
  /// CPU kernels accept them; checked before the shape rule runs.
  InputTypes inputTypes = InputTypes::Float;
  /// The key arguments of the op's one-line summary (diagram labels), in
  /// order, each shown when the layer has it; empty for the op's name
  /// alone; nullopt for the arguments written in the call, as name=value
  /// ("dropout p=0.5", "softmax axis=-1").
  std::optional<std::vector<SummaryArg>> summary = std::nullopt;

  /// The argument named \p argName, or null.
  const ArgSpec *findArg(llvm::StringRef argName) const;
  /// Index of \p argName in args, or -1.
  int findArgIndex(llvm::StringRef argName) const;
  /// Number of leading tensor arguments.
  unsigned getNumTensorArgs() const;
  /// "conv2d(x, out_channels, kernel, stride=1, ...)".
  std::string getSignature() const;
  /// The storage of a layer of this op with \p attributes (inplace=false
  /// turns InPlace into New).
  OutputStorage resolveStorage(llvm::ArrayRef<Attribute> attributes) const;
};

/// Returns the op named \p name, or null.
const OpDef *lookupOp(llvm::StringRef name);
/// Every registered op, in registration order.
llvm::ArrayRef<OpDef> getAllOps();
/// The pseudo-op of network inputs.
const OpDef &getInputOp();
/// The pseudo-ops of declared trainable tensors (`param`) and tensors that
/// are not trained (`buffer`).
const OpDef &getParamOp();
const OpDef &getBufferOp();

/// The cost of layer \p id of \p graph by its op's CostRule (zero without
/// one); nullopt on overflow.
std::optional<OpCost> computeLayerCost(const Graph &graph, LayerId id);

/// What the checker knows about one tensor argument of a call.
struct TensorArgInfo {
  const TensorType *type;
  /// The op of the layer that made the tensor.
  const OpDef *producerOp;
  /// The producing layer's name and where it was defined (for notes).
  std::string producerName;
  llvm::SMRange producerRange;
  /// The argument expression in the call.
  llvm::SMRange argRange;
  /// The index of the signature parameter the tensor is bound to.
  unsigned arg = 0;
};

/// One bound argument of a call.
struct BoundArg {
  Value value;
  /// The argument expression; invalid when the default is used.
  llvm::SMRange range;
  bool given = false;
};

/// The view of a call that shape and parameter rules work with: typed
/// arguments, tensor inputs, and located diagnostics.
class OpContext {
public:
  OpContext(const OpDef &op, DiagnosticEngine &diags, llvm::SMRange callRange,
            std::vector<TensorArgInfo> tensors, std::vector<BoundArg> args)
      : op(op), diags(diags), callRange(callRange),
        tensors(std::move(tensors)), args(std::move(args)) {}

  const OpDef &getOp() const { return op; }
  llvm::StringRef getOpName() const { return op.name; }
  const TensorType &getInput(unsigned i = 0) const { return *tensors[i].type; }
  /// The whole call.
  llvm::SMRange getCallRange() const { return callRange; }
  /// The op of the layer that made tensor input \p i.
  const OpDef &getInputProducer(unsigned i = 0) const {
    return *tensors[i].producerOp;
  }
  unsigned getNumInputs() const { return tensors.size(); }
  /// The index of the tensor input bound to argument \p argName, or -1
  /// when that argument is not a tensor (a number given for a
  /// TensorOrNumber argument).
  int findInput(llvm::StringRef argName) const;
  /// The name of tensor input \p i as the source writes it (for messages).
  llvm::StringRef getInputName(unsigned i) const {
    return tensors[i].producerName;
  }

  /// The bound value of argument \p name (Unknown if absent).
  const Value &get(llvm::StringRef name) const;
  /// True when \p name was given or has a default.
  bool has(llvm::StringRef name) const { return !get(name).isUnknown(); }
  int64_t getInt(llvm::StringRef name) const { return get(name).getInt(); }
  double getNumber(llvm::StringRef name) const {
    return get(name).getNumber();
  }
  bool getBool(llvm::StringRef name) const { return get(name).getBool(); }
  llvm::StringRef getString(llvm::StringRef name) const {
    return get(name).getString();
  }
  /// An int or tuple argument as one value per spatial axis (\p count of
  /// them); reports a wrong tuple length and returns nullopt.
  std::optional<llvm::SmallVector<int64_t, 4>>
  getPerAxis(llvm::StringRef name, unsigned count);
  /// Where argument \p name is written (the call when it is defaulted).
  llvm::SMRange getArgRange(llvm::StringRef name) const;

  /// Reports the first tensor input whose element type the op does not take
  /// (OpDef::inputTypes); true when all is well.
  bool checkElementTypes();

  /// Reports an error at the call.
  template <typename... Ts> DiagnosticBuilder error(diag::Kind kind, Ts &&...a) {
    DiagnosticBuilder builder =
        diags.report(callRange.Start, kind, std::forward<Ts>(a)...);
    builder.range(callRange);
    return builder;
  }
  /// Reports a warning at the call.
  template <typename... Ts>
  DiagnosticBuilder warning(diag::Kind kind, Ts &&...a) {
    return error(kind, std::forward<Ts>(a)...);
  }
  /// Reports an error at argument \p argName.
  template <typename... Ts>
  DiagnosticBuilder errorAtArg(llvm::StringRef argName, diag::Kind kind,
                               Ts &&...a) {
    llvm::SMRange r = getArgRange(argName);
    DiagnosticBuilder builder =
        diags.report(r.Start, kind, std::forward<Ts>(a)...);
    builder.range(r);
    return builder;
  }
  /// Reports an error about tensor input \p i: at the call, underlining the
  /// argument, with a note where the input's value was defined.
  template <typename... Ts>
  DiagnosticBuilder errorAtInput(unsigned i, diag::Kind kind, Ts &&...a) {
    const TensorArgInfo &t = tensors[i];
    auto builder = diags.report(callRange.Start, kind, std::forward<Ts>(a)...);
    builder.range(callRange);
    if (t.argRange.isValid() && t.argRange.Start != callRange.Start)
      builder.range(t.argRange);
    addProducerNote(builder, t);
    return builder;
  }

  /// Reports an error about all tensor inputs: at the call, with a note
  /// where each input's value was defined (broadcasting, concat).
  template <typename... Ts>
  DiagnosticBuilder errorAtInputs(diag::Kind kind, Ts &&...a) {
    DiagnosticBuilder builder =
        diags.report(callRange.Start, kind, std::forward<Ts>(a)...);
    builder.range(callRange);
    for (const TensorArgInfo &t : tensors)
      addProducerNote(builder, t);
    return builder;
  }

  /// Adds a fix-it to \p builder that passes tensor input \p i through
  /// \p function first: `x |> fn |> op(...)` in pipe form, `op(fn(x), ...)`
  /// otherwise. With \p onNote, on the builder's last note: shown, never
  /// applied by --fixit (a change of meaning the user must choose).
  void suggestWrappingInput(DiagnosticBuilder &builder, unsigned i,
                            llvm::StringRef function,
                            bool onNote = false) const;

  /// Checked arithmetic: on overflow, reports that \p what overflows.
  std::optional<int64_t> mul(int64_t a, int64_t b, llvm::StringRef what);
  std::optional<int64_t> add(int64_t a, int64_t b, llvm::StringRef what);
  /// Builds an output type with the inputs' element type, promoted as torch
  /// does when they differ (promoteTypes); reports element counts that
  /// overflow.
  std::optional<TensorType> makeType(llvm::ArrayRef<int64_t> dims);

private:
  /// Adds "'x' ([shape]) is defined here" at the producer of \p t.
  static void addProducerNote(DiagnosticBuilder &builder,
                              const TensorArgInfo &t) {
    if (t.producerRange.isValid())
      builder
          .note(t.producerRange.Start, diag::note_value_defined_here,
                t.producerName, t.type->str())
          .noteRange(t.producerRange);
  }

  const OpDef &op;
  DiagnosticEngine &diags;
  llvm::SMRange callRange;
  std::vector<TensorArgInfo> tensors;
  std::vector<BoundArg> args;
};

/// Helpers for writing signatures in the family files.
namespace sig {
inline ArgSpec tensor(llvm::StringLiteral name) {
  return {name, ArgType::Tensor};
}
inline ArgSpec required(llvm::StringLiteral name, ArgType type,
                        ArgConstraint c = ArgConstraint::None) {
  return {name, type, c};
}
inline ArgSpec withDefault(llvm::StringLiteral name, ArgType type, Value def,
                           ArgConstraint c = ArgConstraint::None) {
  return {name, type, c, std::move(def)};
}
inline ArgSpec derived(llvm::StringLiteral name, ArgType type,
                       ArgConstraint c = ArgConstraint::None) {
  return {name, type, c, Value::unknown(), /*optional=*/true};
}
/// An optional argument given only by keyword.
inline ArgSpec keywordOnly(llvm::StringLiteral name, ArgType type) {
  ArgSpec spec = derived(name, type);
  spec.keywordOnly = true;
  return spec;
}
inline ArgSpec choice(llvm::StringLiteral name, llvm::StringLiteral def,
                      std::vector<llvm::StringLiteral> choices) {
  return {name, ArgType::String, ArgConstraint::None, Value::string(def),
          false, std::move(choices)};
}
/// `inplace=true`: the flag of every op stored InPlace.
inline ArgSpec inplaceFlag() {
  return withDefault("inplace", ArgType::Bool, Value::boolean(true));
}
} // namespace sig

} // namespace netc
