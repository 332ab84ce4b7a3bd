//===- NetworkChecker.h - the checker of one network -------------*- C++ -*-===//
//
// Private to the check stage. Statements are in NetworkChecker.cpp, calls and
// argument binding in CheckCalls.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Graph/Graph.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace netc::check {

/// Checks one network and builds its graph. The algorithm:
///   1. walk the statements in order; `input` declares a tensor layer,
///      assignments bind names (rebinding is allowed), `output` marks layers;
///   2. evaluate each expression to a Value; a call is looked up in the op
///      registry, its arguments are bound to the signature (positional, then
///      keyword, then defaults) and type-checked, then the op's shape rule
///      infers the output type and its parameter rule counts parameters;
///   3. each successful call becomes a Layer with a unique name derived from
///      the bound name (rebinds get _1, _2, ...; unnamed pipe stages get the
///      bound name and the op);
///   4. a failed expression evaluates to Unknown, which silences everything
///      that depends on it;
///   5. finally, warn about unused inputs and values and missing outputs.
class NetworkChecker {
public:
  NetworkChecker(const ast::Network &network, DiagnosticEngine &diags)
      : network(network), diags(diags) {}

  /// Runs the check; returns the (possibly partial) graph.
  Graph run();

private:
  /// A name binding of the network's scope.
  struct Binding {
    Value value;
    llvm::SMRange range;
  };

  // NetworkChecker.cpp
  void checkStatement(const ast::Stmt &stmt);
  void checkInput(const ast::InputStmt &input);
  void checkOutput(const ast::OutputStmt &output);
  void bind(const ast::Identifier &name, Value value);
  void warnUnused();
  std::string uniqueName(llvm::StringRef base);

  // CheckCalls.cpp
  /// Evaluates \p expr. \p isResult is true for the top expression of a
  /// statement, whose layer takes the statement's bound name.
  Value evaluate(const ast::Expr &expr, bool isResult);
  Value evaluateName(const ast::NameExpr &name);
  /// Evaluates a call argument and counts the tensors in it as used (even if
  /// the call then fails, so that no "never used" warning follows an error).
  Value evaluateArgument(const ast::Expr &expr);
  Value evaluateCall(const ast::CallExpr &call, bool isResult);
  bool bindArguments(const ast::CallExpr &call, const OpDef &op,
                     std::vector<BoundArg> &bound);
  /// Checks one bound argument's type and constraints. \p inPipedCall adds a
  /// note when a tensor lands where the piped value already went.
  bool checkArgument(const OpDef &op, const ArgSpec &spec, const Value &value,
                     llvm::SMRange range, bool inPipedCall);
  Value createLayer(const ast::CallExpr &call, const OpDef &op,
                    std::vector<BoundArg> bound, bool isResult);

  const ast::Network &network;
  DiagnosticEngine &diags;
  Graph graph;
  llvm::StringMap<Binding> scope;
  llvm::StringSet<> usedLayerNames;
  /// The name written in the source for each layer (its binding or op).
  std::vector<std::string> sourceNames;
  /// The bound name of the statement being checked ("" for none).
  std::string statementTarget;
  bool hasInputs = false;
  bool hasOutputs = false;
};

} // namespace netc::check
