//===- ElaborateExpressions.cpp - compile-time values and operators -------===//
//
// Evaluates expressions: literals, names (locals, then consts), tuples,
// unary and binary operators (integer arithmetic is exact and checked;
// `+` and `*` on tensors are add and mul layers), `.shape`, indexing and the
// builtin functions min, max, channels and rank.
//
//===----------------------------------------------------------------------===//
#include "Elaborator.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Basic/Suggest.h"

#include "llvm/Support/Casting.h"

#include <cmath>
#include <functional>

using namespace netc;
using namespace netc::check;

Value Elaborator::evaluate(const ast::Expr &expr, bool isResult) {
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
  case ast::Expr::Kind::Call: {
    const auto &call = llvm::cast<ast::CallExpr>(expr);
    Value value = evaluateCall(call, isResult);
    if (options.observer)
      options.observer->called(call, value);
    return value;
  }
  case ast::Expr::Kind::Unary:
    return evaluateUnary(llvm::cast<ast::UnaryExpr>(expr));
  case ast::Expr::Kind::Binary:
    return evaluateBinary(llvm::cast<ast::BinaryExpr>(expr), isResult);
  case ast::Expr::Kind::Member:
    return evaluateMember(llvm::cast<ast::MemberExpr>(expr));
  case ast::Expr::Kind::Index:
    return evaluateIndex(llvm::cast<ast::IndexExpr>(expr), isResult);
  case ast::Expr::Kind::Slice:
    return evaluateSlice(llvm::cast<ast::SliceExpr>(expr), isResult);
  }
  return Value::unknown();
}

Value Elaborator::evaluateArgument(const ast::Expr &expr) {
  Value value = evaluate(expr, /*isResult=*/false);
  markUsed(value);
  return value;
}

void Elaborator::markUsed(const Value &value) {
  if (value.isTensor())
    ++graph.layers[value.getTensor()].numUsers;
  else if (value.isTuple())
    for (const Value &e : value.getElements())
      markUsed(e);
}

Value Elaborator::evaluateCompileTime(const ast::Expr &expr,
                                      bool constsOnly) {
  if (constsOnly)
    frames.emplace_back(); // an empty scope: only consts resolve
  ++constDepth;
  Value value = evaluate(expr, /*isResult=*/false);
  --constDepth;
  if (constsOnly)
    frames.pop_back();
  return value;
}

Value Elaborator::evaluateConst(ConstEntry &entry, const ast::NameExpr &use) {
  if (entry.state == ConstEntry::State::Done)
    return entry.value;
  if (entry.state == ConstEntry::State::Evaluating) {
    diags.report(use.getLoc(), diag::err_const_cycle, use.getName())
        .range(use.getRange());
    return Value::unknown();
  }
  entry.state = ConstEntry::State::Evaluating;
  // A const sees only other consts.
  Value value = evaluateCompileTime(*entry.decl->value, /*consts only=*/true);
  entry.value = value;
  entry.state = ConstEntry::State::Done;
  return value;
}

Value Elaborator::evaluateName(const ast::NameExpr &name) {
  auto it = frame().locals.find(name.getName());
  if (it != frame().locals.end())
    return it->second.value;
  if (ConstEntry *entry = program.findConst(name.getName()))
    return evaluateConst(*entry, name);
  if (lookupOp(name.getName())) {
    diags.report(name.getLoc(), diag::err_name_is_op, name.getName())
        .range(name.getRange());
    return Value::unknown();
  }
  if (program.findBlock(name.getName())) {
    diags.report(name.getLoc(), diag::err_name_is_block, name.getName())
        .range(name.getRange());
    return Value::unknown();
  }
  if (program.hasBrokenImport())
    return Value::unknown(); // perhaps defined by the import that failed
  // Defined in a caller? Blocks do not see their callers' names.
  if (frame().block)
    for (auto it = frames.rbegin() + 1; it != frames.rend(); ++it) {
      auto outer = it->locals.find(name.getName());
      if (outer == it->locals.end())
        continue;
      diags.report(name.getLoc(), diag::err_undefined_name, name.getName())
          .range(name.getRange())
          .note(outer->second.range.Start, diag::note_block_scope,
                name.getName());
      return Value::unknown();
    }
  std::vector<std::string> candidates;
  for (const auto &entry : frame().locals)
    candidates.push_back(entry.getKey().str());
  std::sort(candidates.begin(), candidates.end());
  if (auto suggestion = findClosest(name.getName(), candidates)) {
    diags.report(name.getLoc(), diag::err_undefined_name_suggest,
                 name.getName(), *suggestion)
        .range(name.getRange())
        .fixIt(name.getRange(), *suggestion);
    // The user meant the suggested value: it is not unused.
    const Value &meant = frame().locals.find(*suggestion)->second.value;
    if (meant.isTensor())
      ++graph.layers[meant.getTensor()].numUsers;
  } else {
    diags.report(name.getLoc(), diag::err_undefined_name, name.getName())
        .range(name.getRange());
  }
  return Value::unknown();
}

Value Elaborator::evaluateUnary(const ast::UnaryExpr &unary) {
  Value operand = evaluate(unary.getOperand(), /*isResult=*/false);
  if (operand.isUnknown())
    return operand;
  if (unary.getOp() == ast::UnaryExpr::Op::Not) {
    if (operand.isBool())
      return Value::boolean(!operand.getBool());
    diags.report(unary.getOpRange().Start, diag::err_unary_operand, "not",
                 operand.describeKind())
        .range(unary.getRange());
    markUsed(operand);
    return Value::unknown();
  }
  if (operand.isInt()) {
    if (auto negated = checkedSub(0, operand.getInt()))
      return Value::integer(*negated);
    diags.report(unary.getLoc(), diag::err_overflow,
                 "the value of -(" + operand.str() + ")")
        .range(unary.getRange());
    return Value::unknown();
  }
  if (operand.isFloat())
    return Value::floating(-operand.getFloat());
  diags.report(unary.getOpRange().Start, diag::err_unary_operand, "-",
               operand.describeKind())
      .range(unary.getRange());
  markUsed(operand);
  return Value::unknown();
}

/// Integer arithmetic, exact and checked; reports through \p fail.
static std::optional<int64_t>
integerArithmetic(ast::BinaryExpr::Op op, int64_t a, int64_t b,
                  const std::function<void(diag::Kind)> &fail) {
  using Op = ast::BinaryExpr::Op;
  std::optional<int64_t> r;
  switch (op) {
  case Op::Add:
    r = checkedAdd(a, b);
    break;
  case Op::Sub:
    r = checkedSub(a, b);
    break;
  case Op::Mul:
    r = checkedMul(a, b);
    break;
  case Op::Div:
  case Op::FloorDiv:
  case Op::Mod:
    if (b == 0) {
      fail(diag::err_division_by_zero);
      return std::nullopt;
    }
    if (a == INT64_MIN && b == -1) {
      fail(diag::err_overflow);
      return std::nullopt;
    }
    if (op == Op::Div && a % b != 0) {
      fail(diag::err_inexact_division);
      return std::nullopt;
    }
    if (op == Op::Mod)
      return a - floorDiv(a, b) * b;
    return floorDiv(a, b);
  default:
    return std::nullopt;
  }
  if (!r)
    fail(diag::err_overflow);
  return r;
}

Value Elaborator::evaluateBinary(const ast::BinaryExpr &binary, bool isResult) {
  using Op = ast::BinaryExpr::Op;
  Op op = binary.getOp();
  llvm::StringRef spelling = ast::getSpelling(op);

  // `and` and `or` short-circuit, so a guard can protect what follows it.
  if (op == Op::And || op == Op::Or) {
    Value lhs = evaluate(binary.getLHS(), false);
    if (lhs.isUnknown())
      return lhs;
    if (!lhs.isBool()) {
      diags.report(binary.getLHS().getLoc(), diag::err_condition_type,
                   lhs.describeKind())
          .range(binary.getLHS().getRange());
      return Value::unknown();
    }
    if (lhs.getBool() == (op == Op::Or))
      return lhs;
    Value rhs = evaluate(binary.getRHS(), false);
    if (!rhs.isUnknown() && !rhs.isBool()) {
      diags.report(binary.getRHS().getLoc(), diag::err_condition_type,
                   rhs.describeKind())
          .range(binary.getRHS().getRange());
      return Value::unknown();
    }
    return rhs;
  }

  // Tensors: a + b and a * b are layers.
  const ast::Expr &lhsExpr = binary.getLHS();
  const ast::Expr &rhsExpr = binary.getRHS();
  Value lhs = evaluateArgument(lhsExpr);
  Value rhs = evaluateArgument(rhsExpr);
  if (lhs.isUnknown() || rhs.isUnknown())
    return Value::unknown();
  auto mismatch = [&]() {
    diags.report(binary.getOpRange().Start, diag::err_operand_types, spelling,
                 lhs.describeKind(), rhs.describeKind())
        .range(lhsExpr.getRange())
        .range(rhsExpr.getRange());
    return Value::unknown();
  };
  if (lhs.isTensor() || rhs.isTensor()) {
    // A tensor times or over a number: x * 0.125, 2 * x, x / 8.
    bool lhsNumber = lhs.isInt() || lhs.isFloat();
    bool rhsNumber = rhs.isInt() || rhs.isFloat();
    if ((op == Op::Mul && (lhsNumber || rhsNumber)) ||
        (op == Op::Div && lhs.isTensor() && rhsNumber)) {
      const Value &tensor = lhs.isTensor() ? lhs : rhs;
      const ast::Expr &tensorExpr = lhs.isTensor() ? lhsExpr : rhsExpr;
      const Value &number = lhs.isTensor() ? rhs : lhs;
      const ast::Expr &numberExpr = lhs.isTensor() ? rhsExpr : lhsExpr;
      Value factor = number;
      if (op == Op::Div) {
        if (number.getNumber() == 0) {
          diags.report(binary.getOpRange().Start, diag::err_division_by_zero,
                       "a tensor", spelling)
              .range(numberExpr.getRange());
          return Value::unknown();
        }
        factor = Value::floating(1.0 / number.getNumber());
      }
      std::vector<BoundArg> bound{{tensor, tensorExpr.getRange(), true},
                                  {factor, numberExpr.getRange(), true}};
      return applyOp(*lookupOp("mul_scalar"), binary.getRange(), std::move(bound),
                     isResult);
    }
    if (!lhs.isTensor() || !rhs.isTensor() ||
        (op != Op::Add && op != Op::Mul))
      return mismatch();
    const OpDef &layerOp = *lookupOp(op == Op::Add ? "add" : "mul");
    std::vector<BoundArg> bound{{lhs, lhsExpr.getRange(), true},
                                {rhs, rhsExpr.getRange(), true}};
    return applyOp(layerOp, binary.getRange(), std::move(bound), isResult);
  }

  // Strings join with + (messages of fail(), names of `as`); an integer
  // joins a string as its decimal digits: "encoder_layer_" + i.
  auto text = [](const Value &v) {
    return v.isString() ? v.getString().str() : std::to_string(v.getInt());
  };
  if (op == Op::Add && (lhs.isString() || rhs.isString()) &&
      (lhs.isString() || lhs.isInt()) && (rhs.isString() || rhs.isInt()))
    return Value::string(text(lhs) + text(rhs));

  // Comparisons.
  if (op == Op::Eq || op == Op::Ne) {
    bool numbers = (lhs.isInt() || lhs.isFloat()) && (rhs.isInt() || rhs.isFloat());
    if (!numbers && lhs.getKind() != rhs.getKind())
      return mismatch();
    bool equal = numbers ? lhs.getNumber() == rhs.getNumber() : lhs == rhs;
    return Value::boolean(op == Op::Eq ? equal : !equal);
  }
  bool numbers = (lhs.isInt() || lhs.isFloat()) && (rhs.isInt() || rhs.isFloat());
  if (!numbers)
    return mismatch();
  if (op == Op::Lt || op == Op::Le || op == Op::Gt || op == Op::Ge) {
    bool result;
    if (lhs.isInt() && rhs.isInt()) {
      int64_t a = lhs.getInt(), b = rhs.getInt();
      result = op == Op::Lt ? a < b : op == Op::Le ? a <= b
                                    : op == Op::Gt ? a > b
                                                   : a >= b;
    } else {
      double a = lhs.getNumber(), b = rhs.getNumber();
      result = op == Op::Lt ? a < b : op == Op::Le ? a <= b
                                    : op == Op::Gt ? a > b
                                                   : a >= b;
    }
    return Value::boolean(result);
  }

  // Arithmetic.
  if (lhs.isInt() && rhs.isInt()) {
    auto fail = [&](diag::Kind kind) {
      DiagnosticBuilder builder =
          kind == diag::err_inexact_division
              ? diags.report(binary.getOpRange().Start, kind, lhs.getInt(),
                             rhs.getInt())
          : kind == diag::err_division_by_zero
              ? diags.report(binary.getOpRange().Start, kind, lhs.getInt(),
                             spelling)
              : diags.report(binary.getOpRange().Start, kind,
                             "the value of " + lhs.str() + " " +
                                 spelling.str() + " " + rhs.str());
      builder.range(binary.getRange());
    };
    auto r = integerArithmetic(op, lhs.getInt(), rhs.getInt(), fail);
    return r ? Value::integer(*r) : Value::unknown();
  }
  double a = lhs.getNumber(), b = rhs.getNumber();
  switch (op) {
  case Op::Add:
    return Value::floating(a + b);
  case Op::Sub:
    return Value::floating(a - b);
  case Op::Mul:
    return Value::floating(a * b);
  default:
    if (b == 0) {
      diags.report(binary.getOpRange().Start, diag::err_division_by_zero,
                   lhs.str(), spelling)
          .range(binary.getRange());
      return Value::unknown();
    }
    if (op == Op::Div)
      return Value::floating(a / b);
    if (op == Op::FloorDiv)
      return Value::floating(std::floor(a / b));
    return Value::floating(a - std::floor(a / b) * b);
  }
}

Value Elaborator::evaluateMember(const ast::MemberExpr &member) {
  Value base = evaluate(member.getBase(), /*isResult=*/false);
  if (base.isUnknown())
    return base;
  if (base.isTensor() && member.getMember().name == "shape") {
    std::vector<Value> dims;
    for (int64_t d : graph.layers[base.getTensor()].type.dims)
      dims.push_back(Value::integer(d));
    return Value::tuple(std::move(dims));
  }
  if (base.isTensor() && member.getMember().name == "weight") {
    // tok.weight: the weight of the layer that made tok, for a layer that
    // ties its own to it (a tied one's weight is its owner's).
    LayerId owner = base.getTensor();
    const Layer &layer = graph.layers[owner];
    markUsed(base);
    if (const Attribute *tied = layer.getAttribute("weight");
        tied && tied->value.isWeight())
      return tied->value;
    if (!layer.op->weightShape) {
      diags.report(member.getMember().range.Start, diag::err_no_weight,
                   sourceName(owner).empty() ? layer.name : sourceName(owner),
                   layer.op->name)
          .range(member.getRange())
          .note(layer.range.Start, diag::note_value_defined_here,
                sourceName(owner).empty() ? layer.name : sourceName(owner),
                layer.type.str())
          .noteRange(layer.range);
      return Value::unknown();
    }
    return Value::weight(owner);
  }
  diags.report(member.getMember().range.Start, diag::err_unknown_member,
               base.describeKind(), member.getMember().name)
      .range(member.getMember().range);
  markUsed(base);
  return Value::unknown();
}

Value Elaborator::evaluateIndex(const ast::IndexExpr &index, bool isResult) {
  Value base = evaluate(index.getBase(), /*isResult=*/false);
  Value position = evaluate(index.getIndex(), /*isResult=*/false);
  if (base.isUnknown() || position.isUnknown())
    return Value::unknown();
  // x[i] on a tensor is select(x, i): the entry i of its first axis.
  if (base.isTensor() && position.isInt()) {
    std::vector<BoundArg> bound{
        {base, index.getBase().getRange(), true},
        {position, index.getIndex().getRange(), true},
        {Value::integer(0), llvm::SMRange(), false}};
    Value selected = applyOp(*lookupOp("select"), index.getRange(),
                             std::move(bound), isResult);
    // A tensor indexed by mistake is not also reported unused.
    markUsed(base);
    return selected;
  }
  if (!base.isTuple() && !base.isTensor()) {
    diags.report(index.getLoc(), diag::err_index_type, base.describeKind())
        .range(index.getRange());
    markUsed(base);
    return Value::unknown();
  }
  if (!position.isInt()) {
    diags.report(index.getIndex().getLoc(), diag::err_index_not_integer,
                 position.describeKind())
        .range(index.getIndex().getRange());
    markUsed(base);
    return Value::unknown();
  }
  int64_t size = base.getElements().size();
  int64_t i = position.getInt();
  if (i < -size || i >= size) {
    diags.report(index.getIndex().getLoc(), diag::err_index_out_of_range, i,
                 size, size == 1 ? "" : "s")
        .range(index.getIndex().getRange());
    markUsed(base);
    return Value::unknown();
  }
  return base.getElements()[i < 0 ? i + size : i];
}

Value Elaborator::evaluateSlice(const ast::SliceExpr &slice, bool isResult) {
  Value base = evaluate(slice.getBase(), /*isResult=*/false);
  // Each bound, or its default (invalid range) when not written.
  struct Bound {
    Value value;
    llvm::SMRange range;
  } bounds[2];
  const ast::Expr *written[2] = {slice.getStart(), slice.getStop()};
  bool unknown = base.isUnknown();
  for (unsigned i = 0; i < 2; ++i)
    if (written[i]) {
      bounds[i] = {evaluate(*written[i], /*isResult=*/false),
                   written[i]->getRange()};
      unknown |= bounds[i].value.isUnknown();
    }
  if (unknown) {
    markUsed(base);
    return Value::unknown();
  }
  if (!base.isTensor()) {
    diags.report(slice.getLoc(), diag::err_slice_type, base.describeKind())
        .range(slice.getRange());
    markUsed(base);
    return Value::unknown();
  }
  for (unsigned i = 0; i < 2; ++i)
    if (written[i] && !bounds[i].value.isInt()) {
      diags.report(written[i]->getLoc(), diag::err_index_not_integer,
                   bounds[i].value.describeKind())
          .range(written[i]->getRange());
      markUsed(base);
      return Value::unknown();
    }
  // x[a:] runs to the end of the first axis, x[:b] from its start.
  int64_t length = graph.layers[base.getTensor()].type.dims[0];
  if (!written[0])
    bounds[0].value = Value::integer(0);
  if (!written[1])
    bounds[1].value = Value::integer(length);
  std::vector<BoundArg> bound{
      {base, slice.getBase().getRange(), true},
      {bounds[0].value, bounds[0].range, written[0] != nullptr},
      {bounds[1].value, bounds[1].range, written[1] != nullptr},
      {Value::integer(0), llvm::SMRange(), false}};
  Value sliced = applyOp(*lookupOp("slice"), slice.getRange(),
                         std::move(bound), isResult);
  // A tensor sliced by mistake is not also reported unused.
  markUsed(base);
  return sliced;
}

std::optional<Value> Elaborator::evaluateBuiltin(const ast::CallExpr &call) {
  llvm::StringRef name = call.getCallee().name;
  if (!isBuiltinName(name))
    return std::nullopt;
  bool tensorQuery = name == "channels" || name == "rank";
  llvm::SMRange range = call.getRange();
  std::vector<Value> args;
  for (const ast::Argument &arg : call.getArgs()) {
    if (arg.keyword) {
      diags.report(arg.range.Start, diag::err_builtin_args, name,
                   "takes no keyword arguments")
          .range(arg.range);
      return Value::unknown();
    }
    args.push_back(evaluateArgument(*arg.value));
    if (args.back().isUnknown())
      return Value::unknown();
  }
  // fail("message"): the file's own error (an unknown preset); it stops
  // the network, so that what the failed branch would have bound is not
  // reported missing.
  if (name == "fail") {
    if (args.size() != 1 || !args[0].isString()) {
      diags.report(range.Start, diag::err_builtin_args, name,
                   "takes one string, e.g. fail(\"unknown preset\")")
          .range(range);
      return Value::unknown();
    }
    diags.report(range.Start, diag::err_fail, args[0].getString())
        .range(range);
    limitReported = true;
    return Value::unknown();
  }
  if (tensorQuery) {
    if (args.size() != 1 || !args[0].isTensor()) {
      diags.report(range.Start, diag::err_builtin_args, name,
                   "takes one tensor, e.g. " + name.str() + "(x)")
          .range(range);
      return Value::unknown();
    }
    const TensorType &type = graph.layers[args[0].getTensor()].type;
    return Value::integer(name == "rank" ? type.getRank() : type.dims[0]);
  }
  // min/max of two or more numbers, or of one tuple of numbers.
  if (args.size() == 1 && args[0].isTuple())
    args = args[0].getElements();
  bool numbers = args.size() >= 2;
  for (const Value &v : args)
    numbers &= v.isInt() || v.isFloat();
  if (!numbers || args.empty()) {
    diags.report(range.Start, diag::err_builtin_args, name,
                 "takes two or more numbers, or one tuple of numbers")
        .range(range);
    return Value::unknown();
  }
  Value best = args[0];
  for (const Value &v : args) {
    bool better = name == "min" ? v.getNumber() < best.getNumber()
                                : v.getNumber() > best.getNumber();
    if (better)
      best = v;
  }
  return best;
}
