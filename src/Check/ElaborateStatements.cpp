//===- ElaborateStatements.cpp - networks, statements and warnings --------===//
//
// checkModule() warns about a file that defines nothing, builds the Program
// (the file and its imports) and runs an Elaborator per network of the file. This file handles the statements
// (input, assignment, output, return, if, for, bare expression), network
// parameters and the end-of-network warnings.
//
//===----------------------------------------------------------------------===//
#include "Elaborator.h"

#include "netc/Transform/FineTuning.h"

#include "netc/Basic/Suggest.h"

#include "llvm/Support/Casting.h"

#include <algorithm>

using namespace netc;
using namespace netc::check;

CheckObserver::~CheckObserver() = default;

/// checkModule and checkModuleReleasingStatements: \p releasable is the
/// module itself when its network statements may be freed, else null.
static CheckedModule checkModule(const ast::Module &module,
                                 ast::Module *releasable,
                                 DiagnosticEngine &diags,
                                 const CheckOptions &options) {
  CheckedModule result;
  if (module.getNetworks().empty() && module.getBlocks().empty() &&
      module.getConsts().empty()) {
    llvm::StringRef text = diags.getSourceMgr()
                               .getMemoryBuffer(module.getBufferId())
                               ->getBuffer();
    diags.report(llvm::SMLoc::getFromPointer(text.data()),
                 diag::warn_empty_file);
  }
  unsigned errorsAtStart = diags.getNumErrors();
  Program program(module, diags, options);
  // Before the networks run: they may free their statements as they go.
  std::vector<const ast::BlockDecl *> uncalled =
      findUncalledBlocks(module, program);
  std::vector<bool> definesUsed(options.defines.size(), false);
  unsigned errorsBefore = diags.getNumErrors();
  Elaborator(program, nullptr, diags, options, definesUsed).evaluateConsts();
  bool constsClean = diags.getNumErrors() == errorsBefore;
  for (const auto &network : module.getNetworks()) {
    if (program.findNetwork(network->getName().name) != network.get())
      continue; // defined twice; reported by Program
    errorsBefore = diags.getNumErrors();
    Elaborator elaborator(program, network.get(), diags, options,
                          definesUsed);
    result.graphs.push_back(elaborator.run(releasable ? network.get()
                                                      : nullptr));
    result.clean.push_back(constsClean &&
                           diags.getNumErrors() == errorsBefore);
  }
  // After errors the warning would be noise (and a redefined name's block
  // is not what calls of that name reach).
  if (diags.getNumErrors() != errorsAtStart)
    uncalled.clear();
  for (const ast::BlockDecl *block : uncalled)
    diags.report(block->getName().range.Start, diag::warn_unused_block,
                 block->getName().name)
        .range(block->getName().range);
  for (const ast::Module *imported : program.getImportedModules())
    for (const auto &network : imported->getNetworks())
      result.importedNetworks.emplace_back(network->getName().name,
                                           network->getName().range.Start);
  // A -D that matches no parameter is a typo worth an error.
  std::vector<std::string> paramNames;
  for (const auto &network : module.getNetworks())
    for (const ast::Parameter &param : network->getParams())
      paramNames.push_back(param.name.name);
  for (size_t i = 0; i < options.defines.size(); ++i) {
    if (definesUsed[i] || module.getNetworks().empty())
      continue;
    const std::string &name = options.defines[i].first;
    if (auto suggestion = findClosest(name, paramNames))
      diags.report(llvm::SMLoc(), diag::err_unknown_define_suggest, name,
                   *suggestion);
    else
      diags.report(llvm::SMLoc(), diag::err_unknown_define, name);
  }
  return result;
}

CheckedModule netc::checkModule(const ast::Module &module,
                                DiagnosticEngine &diags,
                                const CheckOptions &options) {
  return ::checkModule(module, nullptr, diags, options);
}

CheckedModule netc::checkModuleReleasingStatements(ast::Module &module,
                                                   DiagnosticEngine &diags,
                                                   const CheckOptions &options) {
  return ::checkModule(module, &module, diags, options);
}

Graph Elaborator::run(ast::Network *releasable) {
  graph.name = network->getName().name;
  graph.range = network->getName().range;
  if (options.observer)
    options.observer->networkStarted(graph.range);
  frames.emplace_back();
  // Room for two layers a statement (x = x |> conv2d(...) |> relu), so that
  // a long network is not copied again and again as it grows; loops and
  // blocks that expand further grow it as usual.
  size_t expected = std::min<size_t>(2 * network->getBody().size() + 1,
                                     options.maxLayers);
  graph.layers.reserve(expected);
  sourceNameIds.reserve(expected);
  bindParameters();
  if (releasable) {
    // Statement by statement, each freed once it has run (nothing of the
    // network keeps a pointer into a statement: bindings, layers and
    // diagnostics hold values and source ranges).
    llvm::ArrayRef<ast::StmtPtr> body = releasable->getBody();
    for (size_t i = 0; i < body.size(); ++i) {
      if (!frame().returned && !limitReported)
        runStatement(*body[i]);
      releasable->releaseStatement(i);
    }
  } else {
    runBody(network->getBody());
  }
  // As PEFT and --lora: with adapters, the base model is frozen.
  if (usesLora)
    freezeAllButAdapters(graph);
  warnUnused();
  return std::move(graph);
}

void Elaborator::evaluateConsts() {
  std::vector<std::pair<const char *, ConstEntry *>> entries;
  for (auto &entry : program.getConsts())
    entries.push_back(
        {entry.second.decl->name.range.Start.getPointer(), &entry.second});
  std::sort(entries.begin(), entries.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
  frames.emplace_back();
  for (auto &[position, entry] : entries) {
    ast::NameExpr use(entry->decl->name.name, entry->decl->name.range);
    evaluateConst(*entry, use);
  }
}

void Elaborator::bindParameters() {
  for (const ast::Parameter &param : network->getParams()) {
    const ast::Identifier &name = param.name;
    if (frame().locals.count(name.name))
      continue; // declared twice; reported by Program
    Value value;
    bool defined = false;
    for (size_t i = 0; i < options.defines.size(); ++i)
      if (options.defines[i].first == name.name) {
        value = options.defines[i].second;
        definesUsed[i] = true;
        defined = true;
      }
    if (param.defaultValue) {
      // A network default may use the parameters before it.
      Value byDefault =
          evaluateCompileTime(*param.defaultValue, /*consts only=*/false);
      // A -D value must be of the default's kind (an integer where a float
      // is the default is a number too): -D preset=small for a string, not
      // -D size=big for a number.
      auto kindOf = [](const Value &v) {
        return v.isInt() || v.isFloat() ? Value::Kind::Float : v.getKind();
      };
      if (defined && !byDefault.isUnknown() &&
          kindOf(value) != kindOf(byDefault)) {
        diags.report(name.range.Start, diag::err_define_type, name.name,
                     graph.name, byDefault.describeKind(),
                     value.describeKind() + " (" + value.str() + ")")
            .range(param.defaultValue->getRange());
        value = Value::unknown();
      } else if (!defined) {
        value = byDefault;
      }
    } else if (!defined) {
      diags.report(name.range.Start, diag::err_define_network_missing_param,
                   graph.name, name.name)
          .range(name.range);
    }
    bind(name.name, Binding{value, name.range});
  }
}

void Elaborator::runBody(llvm::ArrayRef<ast::StmtPtr> body) {
  for (const auto &stmt : body) {
    if (frame().returned || limitReported)
      return;
    runStatement(*stmt);
  }
}

void Elaborator::runStatement(const ast::Stmt &stmt) {
  if (!withinLimits(stmt.getRange(), /*addsLayer=*/false))
    return;
  frame().statementTarget.clear();
  frame().statementTargets.clear();
  switch (stmt.getKind()) {
  case ast::Stmt::Kind::TensorDecl:
    return runTensorDecl(llvm::cast<ast::TensorDeclStmt>(stmt));
  case ast::Stmt::Kind::Output:
    return runOutput(llvm::cast<ast::OutputStmt>(stmt));
  case ast::Stmt::Kind::Assign:
    return runAssign(llvm::cast<ast::AssignStmt>(stmt));
  case ast::Stmt::Kind::If:
    return runIf(llvm::cast<ast::IfStmt>(stmt));
  case ast::Stmt::Kind::For:
    return runFor(llvm::cast<ast::ForStmt>(stmt));
  case ast::Stmt::Kind::Return: {
    auto &ret = llvm::cast<ast::ReturnStmt>(stmt);
    if (!frame().block) {
      diags.report(stmt.getRange().Start, diag::err_return_outside_block)
          .range(stmt.getRange());
      // Its value is what the network meant to output: no more warnings.
      markUsed(evaluate(ret.getValue(), /*isResult=*/false));
      hasOutputs = true;
      return;
    }
    frame().returnValue = evaluate(ret.getValue(), /*isResult=*/true);
    frame().returned = true;
    return;
  }
  case ast::Stmt::Kind::Expr:
    evaluate(llvm::cast<ast::ExprStmt>(stmt).getValue(), /*isResult=*/true);
    return;
  }
}

void Elaborator::runAssign(const ast::AssignStmt &assign) {
  llvm::ArrayRef<ast::Identifier> targets = assign.getTargets();
  std::string joined;
  for (const ast::Identifier &t : targets)
    joined += (joined.empty() ? "" : "_") + t.name;
  frame().statementTarget = joined;
  frame().statementTargets.clear();
  for (const ast::Identifier &t : targets)
    frame().statementTargets.push_back(t.name);
  Value value = evaluate(assign.getValue(), /*isResult=*/true);
  if (targets.size() == 1) {
    bind(targets[0].name, Binding{value, targets[0].range});
    return;
  }
  // a, b = expr: the value must be a tuple of as many elements.
  if (!value.isUnknown() &&
      (!value.isTuple() || value.getElements().size() != targets.size())) {
    size_t count = value.isTuple() ? value.getElements().size() : 0;
    std::string what = value.isTuple()
                           ? "a tuple of " + std::to_string(count) +
                                 (count == 1 ? " value" : " values")
                           : value.describeKind();
    diags.report(assign.getValue().getLoc(), diag::err_unpack_count, what,
                 targets.size())
        .range(assign.getValue().getRange());
    markUsed(value);
    value = Value::unknown();
  }
  for (size_t i = 0; i < targets.size(); ++i)
    bind(targets[i].name,
         Binding{value.isUnknown() ? Value::unknown() : value.getElements()[i],
                 targets[i].range});
}

void Elaborator::runIf(const ast::IfStmt &ifStmt) {
  Value condition = evaluate(ifStmt.getCondition(), /*isResult=*/false);
  if (condition.isUnknown())
    return;
  if (!condition.isBool()) {
    diags.report(ifStmt.getCondition().getLoc(), diag::err_condition_type,
                 condition.describeKind())
        .range(ifStmt.getCondition().getRange());
    markUsed(condition);
    return;
  }
  runBody(condition.getBool() ? ifStmt.getThenBody() : ifStmt.getElseBody());
}

void Elaborator::runFor(const ast::ForStmt &forStmt) {
  Value from = evaluate(forStmt.getFrom(), /*isResult=*/false);
  Value to = evaluate(forStmt.getTo(), /*isResult=*/false);
  bool ok = true;
  for (const auto &[value, expr] :
       {std::pair<const Value &, const ast::Expr &>(from, forStmt.getFrom()),
        std::pair<const Value &, const ast::Expr &>(to, forStmt.getTo())}) {
    if (value.isUnknown()) {
      ok = false;
    } else if (!value.isInt()) {
      diags.report(expr.getLoc(), diag::err_loop_bound, value.describeKind())
          .range(expr.getRange());
      markUsed(value);
      ok = false;
    }
  }
  if (!ok)
    return;
  const ast::Identifier &variable = forStmt.getVariable();
  for (int64_t i = from.getInt(); i < to.getInt(); ++i) {
    if (frame().returned || limitReported)
      break;
    bind(variable.name, Binding{Value::integer(i), variable.range});
    frame().loopIndices.push_back(i);
    runBody(forStmt.getBody());
    frame().loopIndices.pop_back();
    if (!withinLimits(forStmt.getRange(), /*addsLayer=*/false))
      break;
  }
}

void Elaborator::runTensorDecl(const ast::TensorDeclStmt &input) {
  const ast::Identifier &name = input.getName();
  const ast::TensorDeclKind kind = input.getDeclKind();
  const llvm::StringRef keyword = ast::getKeyword(kind);
  if (kind == ast::TensorDeclKind::Input && frame().block) {
    diags.report(input.getRange().Start, diag::err_input_outside_network,
                 "input")
        .range(input.getRange());
    bind(name.name, Binding{Value::unknown(), name.range});
    return;
  }
  if (kind == ast::TensorDeclKind::Input)
    hasInputs = true;
  auto previous = frame().locals.find(name.name);
  if (previous != frame().locals.end()) {
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
      if (kind == ast::TensorDeclKind::Param && !isFloatingPoint(*parsed)) {
        diags.report(dtype->range.Start, diag::err_param_not_float,
                     name.name, dtype->name)
            .range(dtype->range);
        ok = false;
      }
    } else {
      diags.report(dtype->range.Start, diag::err_unknown_dtype, dtype->name)
          .range(dtype->range);
      ok = false;
    }
  }
  if (input.getDims().empty()) {
    diags.report(name.range.Start, diag::err_input_no_dims, keyword,
                 name.name)
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
      diags.report(dim.getLoc(), diag::err_dim_not_integer, i, keyword,
                   name.name, value.describeKind())
          .range(dim.getRange());
      ok = false;
      continue;
    }
    if (value.getInt() <= 0) {
      diags.report(dim.getLoc(), diag::err_dim_nonpositive, i, keyword,
                   name.name, value.getInt())
          .range(dim.getRange());
      ok = false;
      continue;
    }
    type.dims.push_back(value.getInt());
  }
  if (ok && !type.getNumElements()) {
    diags.report(name.range.Start, diag::err_overflow,
                 "the element count of " + keyword.str() + " '" + name.name +
                     "' " + type.str())
        .range(input.getRange());
    ok = false;
  }
  if (!ok || !withinLimits(input.getRange(), /*addsLayer=*/true)) {
    bind(name.name, Binding{Value::unknown(), name.range});
    return;
  }

  Layer layer;
  layer.type = type;
  layer.range = name.range;
  if (kind == ast::TensorDeclKind::Input) {
    frame().usedNames.insert(name.name);
    layer.name = name.name;
    layer.op = &getInputOp();
  } else {
    // A parameter or buffer of a block call is named inside the call
    // (layer1.0.gamma), as the call's layers are; its elements are counted
    // once, whatever the batch.
    frame().statementTarget = name.name;
    layer.name = makeLayerName(keyword, /*isResult=*/true, name.name);
    layer.scope = frame().scope;
    bool trainable = kind == ast::TensorDeclKind::Param;
    layer.op = trainable ? &getParamOp() : &getBufferOp();
    (trainable ? layer.params.trainable : layer.params.buffers) =
        *type.getNumElements();
  }
  LayerId id = graph.layers.size();
  graph.layers.push_back(std::move(layer));
  addSourceName(name.name);
  if (kind == ast::TensorDeclKind::Input)
    graph.inputs.push_back(id);
  bind(name.name, Binding{Value::tensor(id), name.range});
}

void Elaborator::runOutput(const ast::OutputStmt &output) {
  const ast::Identifier &name = output.getName();
  if (frame().block) {
    diags.report(output.getRange().Start, diag::err_input_outside_network,
                 "output")
        .range(output.getRange());
    // Bind the name anyway, so that the block's later use of it is quiet.
    Value value;
    if (const ast::Expr *expr = output.getValue())
      value = evaluate(*expr, /*isResult=*/false);
    markUsed(value);
    bind(name.name, Binding{Value::unknown(), name.range});
    return;
  }
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
    frame().statementTarget = name.name;
    frame().statementTargets = {name.name};
    value = evaluate(*expr, /*isResult=*/true);
    bind(name.name, Binding{value, name.range});
  } else {
    ast::NameExpr ref(name.name, name.range);
    value = evaluateName(ref);
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

bool Elaborator::withinNameLimit(llvm::SMRange where) {
  if (limitReported)
    return false;
  if (nameBytes <= options.maxNameBytes)
    return true;
  diags.report(where.Start, diag::err_names_too_long, graph.name,
               options.maxNameBytes)
      .range(where);
  limitReported = true;
  return false;
}

bool Elaborator::withinLimits(llvm::SMRange where, bool addsLayer) {
  if (limitReported)
    return false;
  if (addsLayer &&
      static_cast<int64_t>(graph.layers.size()) >= options.maxLayers) {
    diags.report(where.Start, diag::err_too_many_layers, graph.name,
                 options.maxLayers)
        .range(where);
    limitReported = true;
    return false;
  }
  if (!withinNameLimit(where))
    return false;
  if (++steps > options.maxSteps) {
    diags.report(where.Start, diag::err_too_many_steps, graph.name,
                 options.maxSteps)
        .range(where);
    limitReported = true;
    return false;
  }
  return true;
}

void Elaborator::addScopeNotes(DiagnosticBuilder &builder, int scope) {
  for (; scope >= 0; scope = graph.scopes[scope].parent)
    builder.note(graph.scopes[scope].callRange.Start, diag::note_in_block_call,
                 graph.scopes[scope].block);
}

void Elaborator::warnUnused() {
  if (limitReported)
    return;
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
    auto part = firstPartOf.find(id);
    if (part != firstPartOf.end()) {
      // One warning for the whole tuple, only if no part of it is used.
      bool anyUsed = false;
      LayerId first = part->second;
      for (LayerId p = first; p < graph.layers.size(); ++p) {
        auto it = firstPartOf.find(p);
        if (it == firstPartOf.end() || it->second != first)
          break;
        anyUsed |= graph.layers[p].numUsers != 0 || graph.isOutput(p);
      }
      if (anyUsed || id != first)
        continue;
    }
    if (layer.op == &getInputOp()) {
      diags.report(layer.range.Start, diag::warn_unused_input, sourceName(id))
          .range(layer.range);
    } else if (layer.op == &getParamOp() || layer.op == &getBufferOp()) {
      // Counted all the same: a weight that nothing reads.
      diags.report(layer.range.Start, diag::warn_unused_declared,
                   layer.op->name, sourceName(id))
          .range(layer.range);
    } else if (hasOutputs) {
      auto atCall = boundAtCall.find(id);
      if (atCall != boundAtCall.end()) {
        // A block's result that its caller bound and then never used.
        diags.report(atCall->second.second.Start, diag::warn_unused_value,
                     atCall->second.first)
            .range(atCall->second.second);
        continue;
      }
      const std::string &bound = sourceName(id);
      std::string local = llvm::StringRef(layer.name).rsplit('.').second.str();
      if (local.empty())
        local = layer.name;
      // lora(...)'s value is its adapter's sum, an add.
      llvm::StringRef callee = layer.lora == LoraRole::Sum
                                   ? "lora"
                                   : llvm::StringRef(layer.op->name);
      auto builder =
          bound.empty()
              ? diags.report(layer.range.Start, diag::warn_unused_result,
                             callee.str() + "(...)")
          : bound == local
              ? diags.report(layer.range.Start, diag::warn_unused_value, bound)
              : diags.report(layer.range.Start, diag::warn_unused_value_layer,
                             bound, layer.name);
      builder.range(layer.range);
      addScopeNotes(builder, layer.scope);
    }
  }
}
