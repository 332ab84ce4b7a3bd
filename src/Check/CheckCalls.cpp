//===- CheckCalls.cpp - expressions, calls and argument binding -----------===//
//
// Evaluates expressions to Values. A call is resolved in the op registry,
// its arguments are bound to the signature and type-checked, and the op's
// shape and parameter rules produce the new layer.
//
//===----------------------------------------------------------------------===//
#include "NetworkChecker.h"

#include "netc/Basic/Suggest.h"

#include "llvm/Support/Casting.h"

#include <functional>

using namespace netc;
using namespace netc::check;

Value NetworkChecker::evaluate(const ast::Expr &expr, bool isResult) {
  switch (expr.getKind()) {
  case ast::Expr::Kind::Integer:
    return Value::integer(llvm::cast<ast::IntegerExpr>(expr).getValue());
  case ast::Expr::Kind::Float:
    return Value::floating(llvm::cast<ast::FloatExpr>(expr).getValue());
  case ast::Expr::Kind::Bool:
    return Value::boolean(llvm::cast<ast::BoolExpr>(expr).getValue());
  case ast::Expr::Kind::String:
    return Value::string(llvm::cast<ast::StringExpr>(expr).getValue());
  case ast::Expr::Kind::Name:
    return evaluateName(llvm::cast<ast::NameExpr>(expr));
  case ast::Expr::Kind::Tuple: {
    std::vector<Value> elements;
    bool unknown = false;
    for (const auto &element : llvm::cast<ast::TupleExpr>(expr).getElements()) {
      elements.push_back(evaluate(*element, /*isResult=*/false));
      unknown |= elements.back().isUnknown();
    }
    return unknown ? Value::unknown() : Value::tuple(std::move(elements));
  }
  case ast::Expr::Kind::Call:
    return evaluateCall(llvm::cast<ast::CallExpr>(expr), isResult);
  }
  return Value::unknown();
}

Value NetworkChecker::evaluateArgument(const ast::Expr &expr) {
  Value value = evaluate(expr, /*isResult=*/false);
  std::function<void(const Value &)> markUsed = [&](const Value &v) {
    if (v.isTensor())
      ++graph.layers[v.getTensor()].numUsers;
    else if (v.isTuple())
      for (const Value &e : v.getElements())
        markUsed(e);
  };
  markUsed(value);
  return value;
}

Value NetworkChecker::evaluateName(const ast::NameExpr &name) {
  auto it = scope.find(name.getName());
  if (it != scope.end())
    return it->second.value;
  if (lookupOp(name.getName())) {
    diags.report(name.getLoc(), diag::err_name_is_op, name.getName())
        .range(name.getRange());
    return Value::unknown();
  }
  std::vector<std::string> candidates;
  for (const auto &entry : scope)
    candidates.push_back(entry.getKey().str());
  std::sort(candidates.begin(), candidates.end());
  if (auto suggestion = findClosest(name.getName(), candidates)) {
    diags.report(name.getLoc(), diag::err_undefined_name_suggest,
                 name.getName(), *suggestion)
        .range(name.getRange())
        .fixIt(name.getRange(), *suggestion);
    // The user meant the suggested value: it is not unused.
    const Value &meant = scope.find(*suggestion)->second.value;
    if (meant.isTensor())
      ++graph.layers[meant.getTensor()].numUsers;
  } else
    diags.report(name.getLoc(), diag::err_undefined_name, name.getName())
        .range(name.getRange());
  return Value::unknown();
}

Value NetworkChecker::evaluateCall(const ast::CallExpr &call, bool isResult) {
  const ast::Identifier &callee = call.getCallee();
  const OpDef *op = lookupOp(callee.name);
  if (!op || !op->callable) {
    std::vector<std::string> names;
    for (const OpDef &candidate : getAllOps())
      if (candidate.callable)
        names.push_back(candidate.name);
    if (auto suggestion = findClosest(callee.name, names))
      diags.report(callee.range.Start, diag::err_unknown_op_suggest,
                   callee.name, *suggestion)
          .range(callee.range)
          .fixIt(callee.range, *suggestion);
    else
      diags.report(callee.range.Start, diag::err_unknown_op, callee.name)
          .range(callee.range);
    // Still evaluate the arguments: their own mistakes are independent, and
    // the values they use are not unused.
    for (const ast::Argument &arg : call.getArgs())
      evaluateArgument(*arg.value);
    return Value::unknown();
  }

  std::vector<BoundArg> bound(op->args.size());
  if (!bindArguments(call, *op, bound))
    return Value::unknown();
  return createLayer(call, *op, std::move(bound), isResult);
}

/// How an argument type reads in messages.
static std::string describeArgType(const ArgSpec &spec) {
  switch (spec.type) {
  case ArgType::Tensor:
    return "a tensor";
  case ArgType::Int:
    return "an integer";
  case ArgType::Number:
    return "a number";
  case ArgType::Bool:
    return "true or false";
  case ArgType::String: {
    std::string s = "one of";
    for (size_t i = 0; i < spec.choices.size(); ++i)
      s += (i ? ", \"" : " \"") + spec.choices[i].str() + "\"";
    return s;
  }
  case ArgType::IntOrTuple:
    return "an integer or a tuple of integers";
  case ArgType::IntTuple:
    return "a tuple of integers";
  case ArgType::Padding:
    return "an integer, a tuple of integers, \"same\" or \"valid\"";
  }
  return "a value";
}

/// True when \p value has the shape \p type asks for.
static bool matchesType(ArgType type, const Value &value) {
  switch (type) {
  case ArgType::Tensor:
    return value.isTensor();
  case ArgType::Int:
    return value.isInt();
  case ArgType::Number:
    return value.isInt() || value.isFloat();
  case ArgType::Bool:
    return value.isBool();
  case ArgType::String:
    return value.isString();
  case ArgType::IntOrTuple:
  case ArgType::IntTuple:
    return value.isIntOrIntTuple();
  case ArgType::Padding:
    return value.isIntOrIntTuple() || value.isString();
  }
  return false;
}

bool NetworkChecker::checkArgument(const OpDef &op, const ArgSpec &spec,
                                   const Value &value, llvm::SMRange range,
                                   bool pipedTensor) {
  if (value.isUnknown())
    return false;
  if (!matchesType(spec.type, value)) {
    std::string got = value.isTuple() ? "the tuple " + value.str()
                                      : value.describeKind();
    auto report = diags.report(range.Start, diag::err_arg_type, spec.name,
                               op.name, describeArgType(spec), got);
    report.range(range);
    if (pipedTensor && value.isTensor())
      report.note(range.Start, diag::note_piped_argument, op.name);
    return false;
  }
  if (value.isString()) {
    for (llvm::StringRef choice : spec.choices)
      if (value.getString() == choice)
        return true;
    std::string expected = describeArgType(
        ArgSpec{spec.name, ArgType::String, ArgConstraint::None,
                Value::unknown(), false, spec.choices});
    diags.report(range.Start, diag::err_arg_value, spec.name, op.name,
                 "must be " + expected + ", got " + value.str())
        .range(range);
    return false;
  }
  // Value constraints apply to every integer of an int or tuple.
  std::vector<Value> numbers =
      value.isTuple() ? value.getElements() : std::vector<Value>{value};
  for (const Value &n : numbers) {
    const char *problem = nullptr;
    switch (spec.constraint) {
    case ArgConstraint::None:
      break;
    case ArgConstraint::Positive:
      if (n.getNumber() <= 0)
        problem = "must be positive";
      break;
    case ArgConstraint::NonNegative:
      if (n.getNumber() < 0)
        problem = "must not be negative";
      break;
    case ArgConstraint::Probability:
      if (!(n.getNumber() >= 0 && n.getNumber() <= 1))
        problem = "must be between 0 and 1";
      break;
    }
    if (problem) {
      diags.report(range.Start, diag::err_arg_value, spec.name, op.name,
                   std::string(problem) + ", got " + value.str())
          .range(range);
      return false;
    }
  }
  return true;
}

bool NetworkChecker::bindArguments(const ast::CallExpr &call, const OpDef &op,
                                   std::vector<BoundArg> &bound) {
  bool ok = true;
  unsigned nextPositional = 0;
  bool reportedTooMany = false;
  // An unknown keyword is usually the required argument misspelt; a piped
  // call whose positional arguments are shifted mistypes all of them. Either
  // way, say it once.
  bool reportedUnknownKeyword = false;
  bool reportedPipedShift = false;
  unsigned numPositional = 0;
  for (const ast::Argument &arg : call.getArgs())
    numPositional += !arg.keyword;

  for (const ast::Argument &arg : call.getArgs()) {
    int index;
    if (arg.keyword) {
      index = op.findArgIndex(arg.keyword->name);
      if (index < 0) {
        std::vector<std::string> names;
        for (const ArgSpec &spec : op.args)
          if (spec.type != ArgType::Tensor)
            names.push_back(spec.name.str());
        llvm::SMRange r = arg.keyword->range;
        if (auto suggestion = findClosest(arg.keyword->name, names))
          diags.report(r.Start, diag::err_unknown_keyword_suggest,
                       arg.keyword->name, op.name, *suggestion)
              .range(r)
              .fixIt(r, *suggestion);
        else
          diags.report(r.Start, diag::err_unknown_keyword, arg.keyword->name,
                       op.name)
              .range(r)
              .note(call.getLoc(), diag::note_op_signature, op.getSignature());
        evaluateArgument(*arg.value);
        ok = false;
        reportedUnknownKeyword = true;
        continue;
      }
      if (bound[index].given) {
        diags.report(arg.range.Start, diag::err_duplicate_arg,
                     arg.keyword->name, op.name)
            .range(arg.range)
            .note(bound[index].range.Start, diag::note_previous_arg);
        evaluateArgument(*arg.value);
        ok = false;
        continue;
      }
    } else {
      index = nextPositional++;
      if (index >= static_cast<int>(op.args.size())) {
        if (!reportedTooMany)
          diags.report(arg.range.Start, diag::err_too_many_args, op.name,
                       op.args.size(), op.args.size() == 1 ? "" : "s",
                       numPositional)
              .range(arg.range)
              .note(call.getLoc(), diag::note_op_signature, op.getSignature());
        reportedTooMany = true;
        evaluateArgument(*arg.value);
        ok = false;
        continue;
      }
    }
    Value value = evaluateArgument(*arg.value);
    bound[index] = BoundArg{value, arg.value->getRange(), true};
    if (reportedPipedShift && !arg.keyword) {
      ok = false;
      continue;
    }
    if (!checkArgument(op, op.args[index], value, arg.value->getRange(),
                       call.isPiped())) {
      ok = false;
      reportedPipedShift |= call.isPiped() && value.isTensor() && index > 0;
    }
  }

  for (unsigned i = 0; i < op.args.size(); ++i) {
    if (bound[i].given)
      continue;
    const ArgSpec &spec = op.args[i];
    if (spec.isRequired()) {
      ok = false;
      if (reportedUnknownKeyword)
        continue;
      diags.report(call.getLoc(), diag::err_missing_arg, op.name, spec.name)
          .range(call.getRange())
          .note(call.getLoc(), diag::note_op_signature, op.getSignature());
      continue;
    }
    bound[i].value = spec.defaultValue;
  }
  return ok;
}

Value NetworkChecker::createLayer(const ast::CallExpr &call, const OpDef &op,
                                  std::vector<BoundArg> bound, bool isResult) {
  std::vector<TensorArgInfo> tensors;
  std::vector<LayerId> inputs;
  for (unsigned i = 0; i < op.args.size(); ++i) {
    if (op.args[i].type != ArgType::Tensor)
      continue;
    LayerId id = bound[i].value.getTensor();
    const Layer &producer = graph.layers[id];
    tensors.push_back({&producer.type,
                       sourceNames[id].empty() ? producer.name : sourceNames[id],
                       producer.range,
                       bound[i].range});
    inputs.push_back(id);
  }
  OpContext ctx(op, diags, call.getRange(), std::move(tensors), bound);
  std::optional<TensorType> type = op.inferShape(ctx);
  if (!type)
    return Value::unknown();
  ParamCount params;
  if (op.countParams) {
    auto counted = op.countParams(ctx, *type);
    if (!counted)
      return Value::unknown();
    params = *counted;
  }

  Layer layer;
  // The statement's result takes the bound name the first time; rebinds and
  // unnamed pipe stages add the op (x_relu), then a counter (x_relu_1).
  std::string base;
  if (statementTarget.empty())
    base = op.name;
  else if (isResult && !usedLayerNames.count(statementTarget))
    base = statementTarget;
  else
    base = statementTarget + "_" + op.name;
  layer.name = uniqueName(base);
  layer.op = &op;
  layer.inputs = std::move(inputs);
  for (unsigned i = 0; i < op.args.size(); ++i)
    if (op.args[i].type != ArgType::Tensor && !bound[i].value.isUnknown())
      layer.attributes.push_back(
          {op.args[i].name.str(), bound[i].value, !bound[i].given});
  layer.type = std::move(*type);
  layer.params = params;
  layer.range = call.getRange();
  LayerId id = graph.layers.size();
  graph.layers.push_back(std::move(layer));
  // The name to use in "never used" warnings: the binding, or for a bare
  // expression statement nothing (the warning then names the call).
  sourceNames.push_back(isResult ? statementTarget : op.name);
  return Value::tensor(id);
}
