//===- BindArguments.cpp - one binder for the calls of ops and blocks -----===//
//
// A call's arguments are bound to the parameters of what it calls, an op of
// the registry or a block, by one algorithm, so that both report the same
// mistakes in the same words: positional arguments in order (or, for a
// variadic op such as concat, all into its first parameter, which takes
// tensors), keyword
// arguments by name; an unknown keyword (with "did you mean"), an argument
// given twice, too many positional arguments (counting positional ones
// only) and missing required parameters are located errors with the
// signature as a note. The keyword frozen=, which every call takes, is
// bound here too, beside the signature. Every argument is evaluated once,
// also in a call that fails, so that the values it uses are not "unused".
//
//===----------------------------------------------------------------------===//
#include "Elaborator.h"

#include "netc/Basic/Suggest.h"

using namespace netc;
using namespace netc::check;

std::string CallSignature::getCallee() const {
  return op ? op->name : "block '" + block->getName().name + "'";
}

std::string CallSignature::getText() const {
  if (op)
    return op->getSignature();
  std::string text = block->getName().name + "(";
  llvm::ArrayRef<ast::Parameter> params = block->getParams();
  for (size_t i = 0; i < params.size(); ++i)
    text += (i ? ", " : "") + params[i].name.name +
            (params[i].defaultValue ? "=..." : "");
  return text + ")";
}

void Elaborator::reportUnknownKeyword(const ast::Identifier &keyword,
                                      const CallSignature &signature) {
  std::vector<std::string> known;
  for (size_t i = 0; i < signature.size(); ++i)
    if (signature.isSuggested(i))
      known.push_back(signature.getName(i).str());
  known.push_back(FrozenKeyword.str()); // every call takes it
  llvm::SMRange r = keyword.range;
  if (auto suggestion = findClosest(keyword.name, known))
    diags.report(r.Start, diag::err_unknown_keyword_suggest, keyword.name,
                 signature.getCallee(), *suggestion)
        .range(r)
        .fixIt(r, *suggestion);
  else
    diags.report(r.Start, diag::err_unknown_keyword, keyword.name,
                 signature.getCallee())
        .range(r)
        .note(signature.getLoc(), diag::note_op_signature,
              signature.getText());
}

// Out of line, as the rest of bindArguments' rare paths: the binder
// recurses once per nested call, and its frame is on the stack each time.
LLVM_ATTRIBUTE_NOINLINE bool
Elaborator::bindFrozenArgument(const ast::Argument &arg,
                               const CallSignature &signature,
                               FrozenArg &frozen) {
  llvm::SMRange valueRange = arg.value->getRange();
  Value value = evaluateArgument(*arg.value);
  if (frozen.range.isValid()) {
    diags.report(arg.range.Start, diag::err_duplicate_arg, arg.keyword->name,
                 signature.getCallee())
        .range(arg.range)
        .note(frozen.range.Start, diag::note_previous_arg);
    return false;
  }
  frozen.range = arg.range;
  if (value.isUnknown())
    return false;
  if (!value.isBool()) {
    std::string got =
        value.isTuple() ? "the tuple " + value.str() : value.describeKind();
    diags.report(valueRange.Start, diag::err_arg_type, FrozenKeyword,
                 signature.getCallee(), "true or false", got)
        .range(valueRange);
    return false;
  }
  frozen.frozen = value.getBool();
  return true;
}

bool Elaborator::bindArguments(const ast::CallExpr &call,
                               const CallSignature &signature,
                               std::vector<BoundArg> &bound,
                               ArgumentCheck check, FrozenArg &frozen) {
  size_t numParams = signature.size();
  bound.assign(numParams, BoundArg());
  bool ok = true;
  // An unknown keyword is usually a required parameter misspelt: then the
  // missing parameter is not reported again.
  bool reportedUnknownKeyword = false;
  bool reportedTooMany = false;
  unsigned numPositional = 0;
  for (const ast::Argument &arg : call.getArgs())
    numPositional += !arg.keyword;
  // concat(a, b, c): every positional argument is one of the first
  // parameter's values; one tuple of them is the list itself: concat(parts).
  std::vector<Value> variadicValues;
  std::vector<llvm::SMRange> variadicRanges;
  llvm::SMRange variadicRange;
  unsigned nextPositional = 0;

  for (const ast::Argument &arg : call.getArgs()) {
    llvm::SMRange valueRange = arg.value->getRange();
    size_t index = numParams;
    // frozen=true|false: taken by every call, in no signature.
    if (arg.keyword && arg.keyword->name == FrozenKeyword) {
      ok = bindFrozenArgument(arg, signature, frozen) && ok;
      continue;
    }
    if (arg.keyword) {
      for (size_t i = 0; i < numParams; ++i)
        if (signature.getName(i) == arg.keyword->name &&
            !(signature.isVariadic() && i == 0))
          index = i;
      if (index == numParams) {
        reportUnknownKeyword(*arg.keyword, signature);
        evaluateArgument(*arg.value);
        ok = false;
        reportedUnknownKeyword = true;
        continue;
      }
      if (bound[index].given) {
        diags.report(arg.range.Start, diag::err_duplicate_arg,
                     arg.keyword->name, signature.getCallee())
            .range(arg.range)
            .note(bound[index].range.Start, diag::note_previous_arg);
        evaluateArgument(*arg.value);
        ok = false;
        continue;
      }
    } else if (signature.isVariadic()) {
      Value value = evaluateArgument(*arg.value);
      if (numPositional == 1 && value.isTuple())
        variadicValues = value.getElements();
      else
        variadicValues.push_back(value);
      variadicRanges.resize(variadicValues.size(), valueRange);
      variadicRange = variadicRange.isValid()
                          ? llvm::SMRange(variadicRange.Start, valueRange.End)
                          : valueRange;
      continue;
    } else {
      index = nextPositional++;
      size_t maxPositional = signature.getNumPositional();
      if (index >= maxPositional) {
        if (!reportedTooMany)
          diags.report(arg.range.Start, diag::err_too_many_args,
                       signature.getCallee(), maxPositional,
                       maxPositional == 1 ? "" : "s", numPositional)
              .range(arg.range)
              .note(signature.getLoc(), diag::note_op_signature,
                    signature.getText());
        reportedTooMany = true;
        evaluateArgument(*arg.value);
        ok = false;
        continue;
      }
    }
    Value value = evaluateArgument(*arg.value);
    bound[index] = BoundArg{value, valueRange, true};
    if (!check(index, bound[index], arg.keyword != nullptr))
      ok = false;
  }

  // A variadic parameter takes tensors, the first that is not one reported.
  for (size_t i = 0; i < variadicValues.size(); ++i) {
    const Value &v = variadicValues[i];
    if (v.isUnknown()) {
      ok = false;
    } else if (!v.isTensor()) {
      diags.report(variadicRanges[i].Start, diag::err_arg_type,
                   signature.getName(0), signature.getCallee(), "tensors",
                   v.describeKind())
          .range(variadicRanges[i]);
      ok = false;
      break;
    }
  }
  if (!variadicValues.empty())
    bound[0] = BoundArg{Value::tuple(std::move(variadicValues)),
                        variadicRange, true};
  for (size_t i = 0; i < numParams; ++i) {
    if (bound[i].given || !signature.isRequired(i))
      continue;
    ok = false;
    if (reportedUnknownKeyword)
      continue; // the misspelt keyword was probably this one
    diags.report(call.getLoc(), diag::err_missing_arg, signature.getCallee(),
                 signature.getName(i))
        .range(call.getRange())
        .note(signature.getLoc(), diag::note_op_signature,
              signature.getText());
  }
  return ok;
}
