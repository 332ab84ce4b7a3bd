//===- Elaborator.h - expands and checks one network -------------*- C++ -*-===//
//
// Private to the check stage. Statements are in ElaborateStatements.cpp,
// expressions and compile-time values in ElaborateExpressions.cpp, calls of
// ops and blocks in ElaborateCalls.cpp, the binding of their arguments in
// BindArguments.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "NameSet.h"
#include "Program.h"

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Check/Checker.h"
#include "netc/Graph/Graph.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>

namespace netc::check {

/// The parameters a call is bound against, of an op or of a block
/// (BindArguments.cpp). A view of the op or block: what only messages need
/// is built when a message is.
class CallSignature {
public:
  /// An op called at \p callLoc (where its signature note points).
  CallSignature(const OpDef &op, llvm::SMLoc callLoc)
      : op(&op), loc(callLoc) {}
  /// A block (its signature note points at its name).
  explicit CallSignature(const ast::BlockDecl &block)
      : block(&block), loc(block.getName().range.Start) {}

  size_t size() const {
    return op ? op->args.size() : block->getParams().size();
  }
  llvm::StringRef getName(size_t i) const {
    return op ? llvm::StringRef(op->args[i].name)
              : llvm::StringRef(block->getParams()[i].name.name);
  }
  /// Parameters that can be given by position: all but an op's trailing
  /// keyword-only ones (`weight` of dense).
  size_t getNumPositional() const {
    if (!op)
      return size();
    size_t n = op->args.size();
    while (n > 0 && op->args[n - 1].keywordOnly)
      --n;
    return n;
  }
  bool isRequired(size_t i) const {
    return op ? op->args[i].isRequired() : !block->getParams()[i].defaultValue;
  }
  /// Offered as a "did you mean" for an unknown keyword: not an op's tensor
  /// parameters, which are rarely given by keyword.
  bool isSuggested(size_t i) const {
    return !op || op->args[i].type != ArgType::Tensor;
  }
  /// The first parameter takes every positional argument (concat).
  bool isVariadic() const { return op && op->variadic; }
  /// Where the signature note points.
  llvm::SMLoc getLoc() const { return loc; }
  /// How messages name the callee: "conv2d", "block 'stage'".
  std::string getCallee() const;
  /// The signature's text: "conv2d(x, out_channels, ...)", "stage(x, w=...)".
  std::string getText() const;

private:
  const OpDef *op = nullptr;
  const ast::BlockDecl *block = nullptr;
  llvm::SMLoc loc;
};

/// The `frozen=` keyword every call of an op or a block takes (no
/// signature has it; a block parameter may not be named so): when true,
/// every parameter of every layer the call makes is frozen, as --freeze
/// freezes them.
struct FrozenArg {
  bool frozen = false;
  /// Where it is written (invalid when it is not).
  llvm::SMRange range;
};

/// The reserved keyword of FrozenArg.
inline constexpr llvm::StringLiteral FrozenKeyword = "frozen";

/// Checks one bound argument (its parameter's index, and whether it was
/// given by keyword); false after reporting a bad value.
using ArgumentCheck =
    llvm::function_ref<bool(unsigned index, const BoundArg &arg, bool byKeyword)>;

/// Expands one network into its graph. The algorithm:
///   1. bind the network's parameters (defaults, or -D overrides);
///   2. run the statements in order: `input` declares a tensor layer,
///      assignments bind names (rebinding is allowed), `output` marks
///      layers, `if` and `for` run their bodies at compile time in the same
///      scope;
///   3. evaluate each expression to a Value: numbers, booleans, strings and
///      tuples are computed; a call of an op binds its arguments to the
///      registry signature (positional, keyword, defaults), type-checks them,
///      then the op's shape rule infers the output type and its parameter
///      rule counts parameters, making a Layer; a call of a block binds its
///      parameters in a new frame and runs the block's body, whose layers
///      are named under the call's scope (b.y, x.0.y);
///   4. a failed expression evaluates to Unknown, which silences everything
///      that depends on it; an error inside a block carries the call chain
///      as notes;
///   5. finally, warn about unused inputs and values and missing outputs.
class Elaborator {
public:
  Elaborator(Program &program, const ast::Network *network,
             DiagnosticEngine &diags, const CheckOptions &options,
             std::vector<bool> &definesUsed)
      : program(program), network(network), diags(diags), options(options),
        definesUsed(definesUsed) {}

  /// Runs the expansion; returns the (possibly partial) graph. When
  /// \p releasable is given (the network being run, owned by a caller that
  /// will not read it again), each statement of the body is freed once run.
  Graph run(ast::Network *releasable = nullptr);
  /// Evaluates every const of the program (in source order), so that a
  /// mistake in one is reported even if nothing uses it.
  void evaluateConsts();

private:
  /// A name binding.
  struct Binding {
    Value value;
    llvm::SMRange range;
  };
  /// One active network body or block call.
  struct Frame {
    /// The block being run, or null for the network body (and consts).
    const ast::BlockDecl *block = nullptr;
    llvm::StringMap<Binding> locals;
    /// The dotted prefix of layer names ("" for the network).
    std::string prefix;
    /// This call's scope in the graph, or -1.
    int scope = -1;
    /// Names of layers and scopes made in this frame.
    NameSet usedNames;
    /// The next counter to try for each base name (so naming stays linear).
    llvm::StringMap<unsigned> nextSuffix;
    /// The bound name(s) of the statement being run, joined with '_'.
    std::string statementTarget;
    /// The bound names of the statement being run, one per target.
    std::vector<std::string> statementTargets;
    /// Indices of the for loops running in this frame, outermost first.
    std::vector<int64_t> loopIndices;
    bool returned = false;
    Value returnValue;
  };

  /// Binds \p name in the current frame (and tells CheckOptions::observer).
  void bind(llvm::StringRef name, Binding binding) {
    if (options.observer)
      options.observer->bound(binding.range, binding.value);
    frame().locals[name] = std::move(binding);
  }

  // ElaborateStatements.cpp
  void runBody(llvm::ArrayRef<ast::StmtPtr> body);
  void runStatement(const ast::Stmt &stmt);
  void runTensorDecl(const ast::TensorDeclStmt &decl);
  void runOutput(const ast::OutputStmt &output);
  void runAssign(const ast::AssignStmt &assign);
  void runIf(const ast::IfStmt &ifStmt);
  void runFor(const ast::ForStmt &forStmt);
  void bindParameters();
  void warnUnused();
  /// Adds "in block ... called from here" notes for \p scope's call chain.
  void addScopeNotes(DiagnosticBuilder &builder, int scope);

  // ElaborateExpressions.cpp
  /// Evaluates \p expr. \p isResult is true for the top expression of a
  /// statement, whose layer takes the statement's bound name.
  Value evaluate(const ast::Expr &expr, bool isResult);
  Value evaluateName(const ast::NameExpr &name);
  Value evaluateConst(ConstEntry &entry, const ast::NameExpr &use);
  /// Evaluates a const, a parameter default or another value where layers
  /// cannot be called; with \p constsOnly, in a scope where only consts
  /// resolve.
  Value evaluateCompileTime(const ast::Expr &expr, bool constsOnly);
  Value evaluateUnary(const ast::UnaryExpr &unary);
  Value evaluateBinary(const ast::BinaryExpr &binary, bool isResult);
  Value evaluateMember(const ast::MemberExpr &member);
  Value evaluateIndex(const ast::IndexExpr &index, bool isResult);
  /// x[a:b]: the layer slice(x, a, b) on a tensor's first axis.
  Value evaluateSlice(const ast::SliceExpr &slice, bool isResult);
  /// min, max, channels, rank; nullopt if \p call is not a builtin.
  std::optional<Value> evaluateBuiltin(const ast::CallExpr &call);
  /// Evaluates a call argument and counts the tensors in it as used (even if
  /// the call then fails, so that no "never used" warning follows an error).
  Value evaluateArgument(const ast::Expr &expr);
  /// Counts the tensors in \p value as used.
  void markUsed(const Value &value);
  /// Checks that each weight the call ties to (`weight=tok.weight`) has the
  /// shape the op's own would have; reports a mismatch at the argument.
  bool checkTiedWeights(const OpDef &op, OpContext &ctx,
                        llvm::ArrayRef<Attribute> attributes);
  /// Checks the element types torch's kernels need equal: a layer's weights
  /// are in the network's type (getDefaultMemoryDType), and so must be its
  /// floating-point inputs; ops with OpDef::sameFloatInputs (matmul,
  /// attention) multiply tensors of one type. Reports a mismatch at the
  /// input.
  bool checkFloatTypesAgree(const OpDef &op, OpContext &ctx,
                            const ParamCount &params);

  // ElaborateCalls.cpp
  Value evaluateCall(const ast::CallExpr &call, bool isResult);
  /// Binds an op call: the binder, the op's type and value checks, then the
  /// defaults of what was not given.
  bool bindOpArguments(const ast::CallExpr &call, const OpDef &op,
                       std::vector<BoundArg> &bound, FrozenArg &frozen);
  /// Binds \p call's arguments to \p signature into \p bound (one per
  /// parameter; those not given are left so), checking each given one with
  /// \p check, and the `frozen=` keyword into \p frozen; false after any
  /// error (BindArguments.cpp).
  bool bindArguments(const ast::CallExpr &call, const CallSignature &signature,
                     std::vector<BoundArg> &bound, ArgumentCheck check,
                     FrozenArg &frozen);
  /// Binds `frozen=` (\p arg) into \p frozen; false after an error.
  bool bindFrozenArgument(const ast::Argument &arg,
                          const CallSignature &signature, FrozenArg &frozen);
  /// The layers of an op call whose arguments are bound: named by \p as
  /// if given, frozen if \p frozen says so.
  Value makeOpLayers(const ast::CallExpr &call, const OpDef &op,
                     std::vector<BoundArg> bound, const FrozenArg &frozen,
                     const ast::LayerName *as, bool isResult);
  /// Freezes the parameters of the layers from \p firstLayer on, which a
  /// call with \p frozen made; warns when they have none.
  void freezeCallLayers(size_t firstLayer, const FrozenArg &frozen,
                        const CallSignature &signature);
  /// lora(x, rank, alpha, dropout): the adapter of the dense layer that
  /// made x, from Transform's LoraAdapterBuilder; its sum is the value.
  Value evaluateLora(const ast::CallExpr &call, bool isResult);
  /// "unknown keyword argument 'k' for CALLEE", with "did you mean" and a
  /// fix-it when a suggested parameter is close, else a note with the
  /// signature.
  void reportUnknownKeyword(const ast::Identifier &keyword,
                            const CallSignature &signature);
  bool checkArgument(const OpDef &op, const ArgSpec &spec, const Value &value,
                     llvm::SMRange range, bool inPipedCall);
  /// The name `as NAME` gives a call, evaluated.
  struct ChosenName {
    /// The name within the frame (no prefix).
    std::string local;
    /// From `as` to the end of the name.
    llvm::SMRange range;
    /// Computed (`as (expr)`) rather than written.
    bool computed = false;
  };
  /// Makes the layer(s) of an op applied to bound arguments; \p chosen is
  /// the name an `as NAME` gave the call (null if none).
  Value applyOp(const OpDef &op, llvm::SMRange callRange,
                std::vector<BoundArg> bound, bool isResult,
                const ChosenName *chosen = nullptr);
  /// The local name `as NAME` gives: the spelling, or the computed value
  /// (an integer, or a string of letters, digits and '_'); nullopt after
  /// reporting a bad value.
  std::optional<std::string> evaluateLayerName(const ast::LayerName &name);
  /// The full name of a layer or scope that `as` names in the current
  /// frame; when the frame already has that name, reports it (naming the
  /// earlier layer or call) and falls back to a numbered name so that
  /// checking goes on.
  std::string takeChosenName(const ChosenName &chosen);
  Value callBlock(const ast::BlockDecl &block, const ast::CallExpr &call,
                  bool isResult);
  /// A layer name unique in the current frame, with the frame's prefix,
  /// for a layer of \p op in a statement bound to \p target ("" if none).
  std::string makeLayerName(llvm::StringRef op, bool isResult,
                            llvm::StringRef target);
  /// \p base, or base_1, base_2, ...: the first not yet used in the frame
  /// (which it then uses).
  static std::string uniqueLocalName(Frame &frame, const std::string &base);
  static void uniqueLocalName(Frame &frame, llvm::StringRef base,
                              llvm::SmallVectorImpl<char> &local);
  /// Checks the layer and step limits; false (once reported) past them.
  bool withinLimits(llvm::SMRange where, bool addsLayer);
  /// False, after reporting it once at \p where, when the names made so
  /// far pass --max-name-bytes.
  bool withinNameLimit(llvm::SMRange where);

  Frame &frame() { return frames.back(); }
  /// True while evaluating a const or a default outside any network body.
  bool inConstContext() const { return constDepth > 0; }

  Program &program;
  const ast::Network *network;
  DiagnosticEngine &diags;
  const CheckOptions &options;
  std::vector<bool> &definesUsed;
  Graph graph;
  /// The tensors (their storage roots, getStorageRoot) split or chunk has
  /// made views of: nothing writes into them in place.
  llvm::DenseSet<LayerId> splitTensors;
  std::vector<Frame> frames;
  /// The name to use in "never used" warnings, per layer ("" for a bare
  /// expression statement).
  const std::string &sourceName(LayerId id) const {
    return sourceNameTable[sourceNameIds[id]];
  }
  /// Records the source name of the next layer.
  void addSourceName(llvm::StringRef name);
  /// Per layer, an index into sourceNameTable: a network binds few names to
  /// many layers (x = x |> ...), so each name is kept once.
  std::vector<uint32_t> sourceNameIds;
  std::vector<std::string> sourceNameTable;
  llvm::StringMap<uint32_t> sourceNameIndex;
  /// For a block's result bound by its caller: the caller's name and call,
  /// where an "unused" warning belongs (keyed by layer).
  std::map<LayerId, std::pair<std::string, llvm::SMRange>> boundAtCall;
  /// The parts of `parts = chunk(x, 4)`: one value, so no part is "unused"
  /// while another is used (keyed by layer: the first part's id).
  std::map<LayerId, LayerId> firstPartOf;
  int constDepth = 0;
  int64_t steps = 0;
  /// Bytes of the layer and block-call names made so far (--max-name-bytes).
  int64_t nameBytes = 0;
  /// Set when elaboration of the network stopped: a limit was reached, or
  /// the file called fail().
  bool limitReported = false;
  /// Set once a lora(...) call made an adapter: every other parameter is
  /// then frozen, as PEFT freezes the base model.
  bool usesLora = false;
  bool hasInputs = false;
  bool hasOutputs = false;
};

} // namespace netc::check
