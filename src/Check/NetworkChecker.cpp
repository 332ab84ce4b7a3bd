//===- NetworkChecker.cpp - statements, names and the checker's entry -----===//
//
// checkModule() runs a NetworkChecker per network. This file handles the
// statements (input, assignment, output, bare expression), layer naming and
// the end-of-network warnings.
//
//===----------------------------------------------------------------------===//
#include "NetworkChecker.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Check/Checker.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Casting.h"

using namespace netc;
using namespace netc::check;

CheckedModule netc::checkModule(const ast::Module &module,
                                DiagnosticEngine &diags) {
  CheckedModule result;
  llvm::StringMap<llvm::SMRange> seen;
  for (const auto &network : module.getNetworks()) {
    const ast::Identifier &name = network->getName();
    auto [it, inserted] = seen.try_emplace(name.name, name.range);
    if (!inserted) {
      diags.report(name.range.Start, diag::err_duplicate_network, name.name)
          .range(name.range)
          .note(it->second.Start, diag::note_previous_definition, name.name);
      continue;
    }
    unsigned errorsBefore = diags.getNumErrors();
    result.graphs.push_back(NetworkChecker(*network, diags).run());
    result.clean.push_back(diags.getNumErrors() == errorsBefore);
  }
  return result;
}

Graph NetworkChecker::run() {
  graph.name = network.getName().name;
  graph.range = network.getName().range;
  for (const auto &stmt : network.getBody())
    checkStatement(*stmt);
  warnUnused();
  return std::move(graph);
}

std::string NetworkChecker::uniqueName(llvm::StringRef base) {
  if (usedLayerNames.insert(base).second)
    return base.str();
  for (unsigned n = 1;; ++n) {
    std::string candidate = (base + "_" + llvm::Twine(n)).str();
    if (usedLayerNames.insert(candidate).second)
      return candidate;
  }
}

void NetworkChecker::bind(const ast::Identifier &name, Value value) {
  scope[name.name] = Binding{std::move(value), name.range};
}

void NetworkChecker::checkStatement(const ast::Stmt &stmt) {
  statementTarget.clear();
  if (auto *input = llvm::dyn_cast<ast::InputStmt>(&stmt))
    return checkInput(*input);
  if (auto *output = llvm::dyn_cast<ast::OutputStmt>(&stmt))
    return checkOutput(*output);
  if (auto *assign = llvm::dyn_cast<ast::AssignStmt>(&stmt)) {
    statementTarget = assign->getTarget().name;
    Value value = evaluate(assign->getValue(), /*isResult=*/true);
    bind(assign->getTarget(), std::move(value));
    return;
  }
  auto &exprStmt = llvm::cast<ast::ExprStmt>(stmt);
  evaluate(exprStmt.getValue(), /*isResult=*/true);
}

void NetworkChecker::checkInput(const ast::InputStmt &input) {
  const ast::Identifier &name = input.getName();
  hasInputs = true;
  auto previous = scope.find(name.name);
  if (previous != scope.end()) {
    diags.report(name.range.Start, diag::err_redefined_input, name.name)
        .range(name.range)
        .note(previous->second.range.Start, diag::note_previous_definition,
              name.name);
    return;
  }

  TensorType type;
  bool ok = true;
  if (const auto &dtype = input.getDType()) {
    if (auto parsed = parseDType(dtype->name)) {
      type.dtype = *parsed;
    } else {
      diags.report(dtype->range.Start, diag::err_unknown_dtype, dtype->name)
          .range(dtype->range);
      ok = false;
    }
  }
  if (input.getDims().empty()) {
    diags.report(name.range.Start, diag::err_input_no_dims, name.name)
        .range(input.getRange());
    ok = false;
  }
  if (input.getDims().size() > MaxTensorRank) {
    diags.report(input.getDims()[MaxTensorRank]->getLoc(),
                 diag::err_rank_too_large, input.getDims().size(),
                 MaxTensorRank)
        .range(input.getRange());
    ok = false;
  }
  for (unsigned i = 0; ok && i < input.getDims().size(); ++i) {
    const ast::Expr &dim = *input.getDims()[i];
    Value value = evaluate(dim, /*isResult=*/false);
    if (value.isUnknown()) {
      ok = false;
      continue;
    }
    if (!value.isInt()) {
      diags.report(dim.getLoc(), diag::err_dim_not_integer, i, name.name,
                   value.describeKind())
          .range(dim.getRange());
      ok = false;
      continue;
    }
    if (value.getInt() <= 0) {
      diags.report(dim.getLoc(), diag::err_dim_nonpositive, i, name.name,
                   value.getInt())
          .range(dim.getRange());
      ok = false;
      continue;
    }
    type.dims.push_back(value.getInt());
  }
  if (ok && !type.getNumElements()) {
    diags.report(name.range.Start, diag::err_overflow,
                 "the element count of input '" + name.name + "' " + type.str())
        .range(input.getRange());
    ok = false;
  }
  if (!ok) {
    bind(name, Value::unknown());
    return;
  }

  Layer layer;
  layer.name = uniqueName(name.name);
  layer.op = &getInputOp();
  layer.type = type;
  layer.range = name.range;
  LayerId id = graph.layers.size();
  graph.layers.push_back(std::move(layer));
  sourceNames.push_back(name.name);
  graph.inputs.push_back(id);
  bind(name, Value::tensor(id));
}

void NetworkChecker::checkOutput(const ast::OutputStmt &output) {
  const ast::Identifier &name = output.getName();
  hasOutputs = true;
  for (const NetworkOutput &existing : graph.outputs)
    if (existing.name == name.name) {
      diags.report(name.range.Start, diag::err_duplicate_output, name.name)
          .range(name.range)
          .note(existing.range.Start, diag::note_previous_definition,
                name.name);
      return;
    }

  Value value;
  if (const ast::Expr *expr = output.getValue()) {
    statementTarget = name.name;
    value = evaluate(*expr, /*isResult=*/true);
    bind(name, value);
  } else {
    auto it = scope.find(name.name);
    if (it == scope.end()) {
      ast::NameExpr ref(name.name, name.range);
      value = evaluateName(ref);
    } else {
      value = it->second.value;
    }
  }
  if (value.isUnknown())
    return;
  if (!value.isTensor()) {
    diags.report(name.range.Start, diag::err_output_not_tensor, name.name,
                 value.describeKind())
        .range(output.getRange());
    return;
  }
  graph.outputs.push_back({name.name, value.getTensor(), name.range});
}

void NetworkChecker::warnUnused() {
  if (!hasInputs)
    diags.report(graph.range.Start, diag::warn_no_input, graph.name)
        .range(graph.range);
  if (!hasOutputs)
    diags.report(graph.range.Start, diag::warn_no_output, graph.name)
        .range(graph.range);
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    if (layer.numUsers != 0 || graph.isOutput(id))
      continue;
    if (layer.op == &getInputOp())
      diags.report(layer.range.Start, diag::warn_unused_input,
                   sourceNames[id])
          .range(layer.range);
    else if (hasOutputs && sourceNames[id].empty())
      diags.report(layer.range.Start, diag::warn_unused_result,
                   layer.op->name + "(...)")
          .range(layer.range);
    else if (hasOutputs)
      diags.report(layer.range.Start, diag::warn_unused_value,
                   sourceNames[id])
          .range(layer.range);
  }
}
