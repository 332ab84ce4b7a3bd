//===- ElaborateCalls.cpp - calls of ops and blocks -----------------------===//
//
// A call resolves to a builtin function, then an op of the registry, then a
// block. An op call binds its arguments to the op's signature (positional,
// keyword, defaults; concat takes any number of tensors), checks their types
// and constraints, and applies the op's shape and parameter rules to make
// the layer (or one layer per output, for split and chunk). A block call
// binds the block's parameters in a new frame and runs the block's body;
// its layers are named under the call's scope.
//
//===----------------------------------------------------------------------===//
#include "Elaborator.h"

#include "netc/Basic/Suggest.h"

#include "netc/Basic/PyTorchNames.h"
#include "netc/Transform/FineTuning.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Casting.h"

#include <cctype>

using namespace netc;
using namespace netc::check;

/// The layer whose output holds \p id's memory: through views and
/// in-place layers to the tensor they share, and through ops whose output
/// in eval mode is their input itself (OpDef::aliasesInputInEval).
static LayerId getStorageRoot(const Graph &graph, LayerId id) {
  for (;;) {
    const Layer &layer = graph.layers[id];
    if (layer.inputs.empty() || (layer.storage == OutputStorage::New &&
                                 !layer.op->aliasesInputInEval))
      return id;
    id = layer.inputs.front();
  }
}

Value Elaborator::evaluateCall(const ast::CallExpr &call, bool isResult) {
  const ast::Identifier &callee = call.getCallee();
  const ast::LayerName *as = call.getLayerName();
  if (callee.name == "lora") {
    if (as)
      diags.report(as->range.Start, diag::err_layer_name_not_here, "lora",
                   "its layers are named after the layer it adapts")
          .range(as->range);
    return evaluateLora(call, isResult);
  }
  if (std::optional<Value> builtin = evaluateBuiltin(call)) {
    if (as)
      diags.report(as->range.Start, diag::err_layer_name_not_here,
                   callee.name, "it is a builtin function and makes no layer")
          .range(as->range);
    return *builtin;
  }
  const OpDef *op = lookupOp(callee.name);
  const ast::BlockDecl *block = op ? nullptr : program.findBlock(callee.name);
  if ((op && op->callable) || block) {
    if (inConstContext()) {
      diags.report(callee.range.Start, diag::err_not_compile_time,
                   "a const or parameter default",
                   (op ? "layer '" : "block '") + callee.name + "'")
          .range(call.getRange());
      return Value::unknown();
    }
    if (block)
      return callBlock(*block, call, isResult);
    std::vector<BoundArg> bound;
    FrozenArg frozen;
    if (!bindOpArguments(call, *op, bound, frozen))
      return Value::unknown();
    return makeOpLayers(call, *op, std::move(bound), frozen, as, isResult);
  }

  if (program.hasBrokenImport()) {
    // Perhaps a block of the import that failed: no second error.
    for (const ast::Argument &arg : call.getArgs())
      evaluateArgument(*arg.value);
    return Value::unknown();
  }
  // A PyTorch spelling: say the netc op, with the rename as a fix-it.
  if (std::optional<llvm::StringRef> op = findPyTorchSpelling(callee.name)) {
    diags.report(callee.range.Start, diag::err_unknown_op_pytorch, callee.name,
                 *op)
        .range(callee.range)
        .fixIt(callee.range, *op);
    for (const ast::Argument &arg : call.getArgs())
      evaluateArgument(*arg.value);
    return Value::unknown();
  }
  std::vector<std::string> names;
  for (const OpDef &candidate : getAllOps())
    if (candidate.callable)
      names.push_back(candidate.name);
  names.push_back("lora");
  for (const std::string &blockName : program.getBlockNames())
    names.push_back(blockName);
  if (auto suggestion = findClosest(callee.name, names))
    diags.report(callee.range.Start, diag::err_unknown_op_suggest, callee.name,
                 *suggestion)
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
  case ArgType::Weight:
    return "a layer's weight, such as tok.weight";
  case ArgType::TensorOrNumber:
    return "a tensor or a number";
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
  case ArgType::Weight:
    return value.isWeight();
  case ArgType::TensorOrNumber:
    return value.isTensor() || value.isInt() || value.isFloat();
  }
  return false;
}

bool Elaborator::checkArgument(const OpDef &op, const ArgSpec &spec,
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
    // weight=tok for weight=tok.weight: the layer's output named where its
    // weight was meant.
    if (spec.type == ArgType::Weight && value.isTensor()) {
      const Layer &owner = graph.layers[value.getTensor()];
      llvm::StringRef written(range.Start.getPointer(),
                              range.End.getPointer() -
                                  range.Start.getPointer());
      bool name = !written.empty() &&
                  llvm::all_of(written, [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                  });
      if (name && owner.op->weightShape && owner.params.trainable > 0)
        report.fixIt(range, (written + ".weight").str());
    }
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
  llvm::ArrayRef<Value> numbers = value.isTuple()
                                      ? llvm::ArrayRef<Value>(value.getElements())
                                      : llvm::ArrayRef<Value>(value);
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

bool Elaborator::bindOpArguments(const ast::CallExpr &call, const OpDef &op,
                                 std::vector<BoundArg> &bound,
                                 FrozenArg &frozen) {
  // A piped call whose positional arguments are shifted by one (the piped
  // value is already the first) mistypes all of them: say it once.
  bool reportedPipedShift = false;
  auto check = [&](unsigned index, const BoundArg &arg, bool byKeyword) {
    if (reportedPipedShift && !byKeyword)
      return false;
    if (checkArgument(op, op.args[index], arg.value, arg.range,
                      call.isPiped()))
      return true;
    reportedPipedShift |= call.isPiped() && arg.value.isTensor() && index > 0;
    return false;
  };
  bool ok = bindArguments(call, CallSignature(op, call.getLoc()),
                          bound, check, frozen);
  for (unsigned i = 0; i < op.args.size(); ++i)
    if (!bound[i].given)
      bound[i].value = op.args[i].defaultValue;
  return ok;
}

std::string Elaborator::makeLayerName(llvm::StringRef opName, bool isResult,
                                      llvm::StringRef target) {
  Frame &f = frame();
  // The statement's result takes the bound name the first time; rebinds and
  // unnamed pipe stages add the op (x_relu), then a counter (x_relu_1).
  llvm::SmallString<64> base;
  if (target.empty()) {
    base = opName;
  } else if (isResult && !f.usedNames.contains(target)) {
    base = target;
  } else {
    base = target;
    base += '_';
    base += opName;
  }
  llvm::SmallString<64> local;
  uniqueLocalName(f, base, local);
  std::string name =
      f.prefix.empty() ? std::string(local) : (f.prefix + "." + local).str();
  nameBytes += name.size();
  return name;
}

std::optional<std::string>
Elaborator::evaluateLayerName(const ast::LayerName &name) {
  if (!name.computed)
    return name.spelling;
  Value value = evaluateArgument(*name.computed);
  if (value.isUnknown())
    return std::nullopt;
  llvm::SMRange range = name.computed->getRange();
  if (value.isInt()) {
    if (value.getInt() >= 0)
      return std::to_string(value.getInt());
    diags.report(range.Start, diag::err_layer_name_invalid,
                 std::to_string(value.getInt()))
        .range(range);
    return std::nullopt;
  }
  if (!value.isString()) {
    diags.report(range.Start, diag::err_layer_name_value, value.describeKind())
        .range(range);
    return std::nullopt;
  }
  llvm::StringRef text = value.getString();
  bool valid = !text.empty() && text.size() <= 256 &&
               llvm::all_of(text, [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
               });
  if (!valid) {
    diags.report(range.Start, diag::err_layer_name_invalid, text.str())
        .range(range);
    return std::nullopt;
  }
  return text.str();
}

std::string Elaborator::takeChosenName(const ChosenName &chosen) {
  Frame &f = frame();
  auto full = [&f](llvm::StringRef local) {
    return f.prefix.empty() ? local.str() : f.prefix + "." + local.str();
  };
  if (f.usedNames.insert(chosen.local))
    return full(chosen.local);
  std::string taken = full(chosen.local);
  DiagnosticBuilder builder =
      diags.report(chosen.range.Start, diag::err_layer_name_taken, taken);
  builder.range(chosen.range);
  // The earlier owner: a layer of that name, or a block call's scope.
  bool found = false;
  for (size_t id = graph.layers.size(); id-- > 0 && !found;)
    if (graph.layers[id].name == taken) {
      const Layer &earlier = graph.layers[id];
      builder.note(earlier.range.Start, diag::note_layer_name_owner, taken,
                   "the " + earlier.op->name + " layer")
          .noteRange(earlier.range);
      found = true;
    }
  for (size_t s = graph.scopes.size(); s-- > 0 && !found;)
    if (graph.scopes[s].name == taken) {
      builder.note(graph.scopes[s].callRange.Start,
                   diag::note_layer_name_owner, taken,
                   "the call of block '" + graph.scopes[s].block + "'")
          .noteRange(graph.scopes[s].callRange);
      found = true;
    }
  if (!f.loopIndices.empty() && !chosen.computed)
    builder.note(chosen.range.Start, diag::note_layer_name_in_loop);
  // Go on under a numbered name, so that one mistake gives one error.
  return full(uniqueLocalName(f, chosen.local));
}

std::string Elaborator::uniqueLocalName(Frame &f, const std::string &base) {
  llvm::SmallString<64> local;
  uniqueLocalName(f, base, local);
  return std::string(local);
}

void Elaborator::uniqueLocalName(Frame &f, llvm::StringRef base,
                                 llvm::SmallVectorImpl<char> &local) {
  unsigned &next = f.nextSuffix[base];
  auto withSuffix = [&](unsigned n) {
    local.assign(base.begin(), base.end());
    if (n == 0)
      return;
    char digits[16];
    char *end = digits + sizeof digits, *p = end;
    do
      *--p = static_cast<char>('0' + n % 10);
    while ((n /= 10) != 0);
    local.push_back('_');
    local.append(p, end);
  };
  withSuffix(next);
  while (!f.usedNames.insert(llvm::StringRef(local.data(), local.size())))
    withSuffix(++next);
  ++next;
}

Value Elaborator::applyOp(const OpDef &op, llvm::SMRange callRange,
                          std::vector<BoundArg> bound, bool isResult,
                          const ChosenName *chosen) {
  if (!withinLimits(callRange, /*addsLayer=*/true))
    return Value::unknown();
  std::vector<TensorArgInfo> tensors;
  llvm::SmallVector<LayerId, 2> inputs;
  auto addTensor = [&](const Value &v, llvm::SMRange argRange, unsigned arg) {
    LayerId id = v.getTensor();
    const Layer &producer = graph.layers[id];
    tensors.push_back({&producer.type, producer.op,
                       sourceName(id).empty() ? producer.name
                                              : sourceName(id),
                       producer.range, argRange, arg});
    inputs.push_back(id);
  };
  // A tensor argument, or a TensorOrNumber argument given a tensor, is an
  // input of the layer; every other bound argument is an attribute.
  auto isInput = [&](unsigned i) {
    return op.args[i].type == ArgType::Tensor ||
           (op.args[i].type == ArgType::TensorOrNumber &&
            bound[i].value.isTensor());
  };
  for (unsigned i = 0; i < op.args.size(); ++i) {
    if (!isInput(i))
      continue;
    if (bound[i].value.isTuple()) // variadic
      for (const Value &v : bound[i].value.getElements())
        addTensor(v, bound[i].range, i);
    else
      addTensor(bound[i].value, bound[i].range, i);
  }

  // The bound non-tensor arguments, in signature order, become the layer's
  // attributes (taken before the arguments move into the context).
  std::vector<Attribute> attributes;
  unsigned numAttributes = 0;
  for (unsigned a = 0; a < op.args.size(); ++a)
    numAttributes += !isInput(a) && !bound[a].value.isUnknown();
  attributes.reserve(numAttributes + (op.inferOutputs ? 1 : 0));
  for (unsigned a = 0; a < op.args.size(); ++a)
    if (!isInput(a) && !bound[a].value.isUnknown())
      attributes.push_back({op.args[a].name, bound[a].value, !bound[a].given});

  OpContext ctx(op, diags, callRange, std::move(tensors), std::move(bound));
  if (!ctx.checkElementTypes())
    return Value::unknown();
  std::vector<TensorType> types;
  if (op.inferOutputs) {
    auto outs = op.inferOutputs(ctx);
    if (!outs)
      return Value::unknown();
    types = std::move(*outs);
  } else {
    auto type = op.inferShape(ctx);
    if (!type)
      return Value::unknown();
    types.push_back(std::move(*type));
  }
  if (!checkTiedWeights(op, ctx, attributes))
    return Value::unknown();
  ParamCount params;
  if (op.countParams) {
    auto counted = op.countParams(ctx, types.front());
    if (!counted)
      return Value::unknown();
    params = *counted;
  }
  if (!checkFloatTypesAgree(op, ctx, params))
    return Value::unknown();

  std::vector<Value> results;
  // a, b = split(x, ...): each output takes its own bound name.
  const std::vector<std::string> &targets = frame().statementTargets;
  bool namedOutputs = isResult && op.inferOutputs && targets.size() > 1 &&
                      targets.size() == types.size();
  for (size_t i = 0; i < types.size(); ++i) {
    Layer layer;
    const std::string &target = frame().statementTarget;
    if (chosen && types.size() == 1) {
      layer.name = takeChosenName(*chosen);
      nameBytes += layer.name.size();
    } else if (chosen) {
      // `as parts` on split or chunk: parts_0, parts_1, ...
      ChosenName part = *chosen;
      part.local += "_" + std::to_string(i);
      layer.name = takeChosenName(part);
      nameBytes += layer.name.size();
    } else if (namedOutputs)
      layer.name = makeLayerName(op.name, true, targets[i]);
    else if (isResult && op.inferOutputs && !target.empty())
      // parts = chunk(x, 4): parts_0, parts_1, ...
      layer.name = makeLayerName(op.name, true,
                                 target + "_" + std::to_string(i));
    else
      layer.name = makeLayerName(op.name, isResult && !op.inferOutputs, target);
    layer.op = &op;
    layer.inputs = inputs;
    if (i + 1 < types.size()) {
      layer.attributes.reserve(attributes.size() + 1);
      layer.attributes = attributes;
    } else {
      layer.attributes = std::move(attributes);
    }
    if (types.size() > 1)
      layer.attributes.push_back(
          {"output", Value::integer(static_cast<int64_t>(i)), false});
    layer.storage = op.resolveStorage(layer.attributes);
    // torch refuses to write in place into a view that an op with several
    // outputs made, or into its base ("Output 0 of SplitBackward0 is a view
    // and is being modified inplace"): on a tensor split or chunk has
    // viewed, its outputs and views of them, an in-place op makes a new
    // tensor.
    if (layer.storage == OutputStorage::InPlace && !inputs.empty() &&
        splitTensors.count(getStorageRoot(graph, inputs.front())))
      layer.storage = OutputStorage::New;
    layer.type = std::move(types[i]);
    layer.params = i == 0 ? params : ParamCount();
    layer.range = callRange;
    layer.scope = frame().scope;
    LayerId id = graph.layers.size();
    if (op.inferOutputs && i == 0 && !inputs.empty())
      splitTensors.insert(getStorageRoot(graph, inputs.front()));
    graph.layers.push_back(std::move(layer));
    if (op.inferOutputs && !namedOutputs)
      firstPartOf[id] = id - i;
    addSourceName(namedOutputs ? llvm::StringRef(targets[i])
                  : isResult   ? llvm::StringRef(frame().statementTarget)
                               : llvm::StringRef(op.name));
    if (!op.inferOutputs)
      return Value::tensor(id);
    results.push_back(Value::tensor(id));
  }
  // Ops with several outputs always give a tuple, even of one part.
  return Value::tuple(std::move(results));
}

/// "[50257, 768]".
static std::string formatDims(llvm::ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

bool Elaborator::checkFloatTypesAgree(const OpDef &op, OpContext &ctx,
                                      const ParamCount &params) {
  bool hasWeights = params.getParams() + params.buffers > 0;
  bool product = op.sameFloatInputs;
  if (!hasWeights && !product)
    return true;
  DType weights = getDefaultMemoryDType(graph);
  std::optional<unsigned> firstFloat;
  for (unsigned i = 0; i < ctx.getNumInputs(); ++i) {
    DType dtype = ctx.getInput(i).dtype;
    if (!isFloatingPoint(dtype))
      continue;
    if (hasWeights && dtype != weights) {
      auto error = ctx.errorAtInput(i, diag::err_input_weight_element_type,
                                    op.name, ctx.getInputName(i),
                                    getDTypeName(dtype), getDTypeName(weights));
      const Layer &first = graph.layers[graph.inputs.front()];
      error.note(first.range.Start, diag::note_network_element_type,
                 first.name, getDTypeName(weights));
      return false;
    }
    if (!firstFloat) {
      firstFloat = i;
    } else if (dtype != ctx.getInput(*firstFloat).dtype) {
      ctx.errorAtInputs(diag::err_product_element_types, op.name,
                        ctx.getInputName(*firstFloat),
                        getDTypeName(ctx.getInput(*firstFloat).dtype),
                        ctx.getInputName(i), getDTypeName(dtype));
      return false;
    }
  }
  return true;
}

bool Elaborator::checkTiedWeights(const OpDef &op, OpContext &ctx,
                                  llvm::ArrayRef<Attribute> attributes) {
  for (const ArgSpec &spec : op.args) {
    if (spec.type != ArgType::Weight || !ctx.has(spec.name))
      continue;
    LayerId ownerId = ctx.get(spec.name).getWeightOwner();
    const Layer &owner = graph.layers[ownerId];
    llvm::SmallVector<const TensorType *, 2> ownerInputs, inputs;
    for (LayerId in : owner.inputs)
      ownerInputs.push_back(&graph.layers[in].type);
    for (unsigned i = 0; i < ctx.getNumInputs(); ++i)
      inputs.push_back(&ctx.getInput(i));
    llvm::SmallVector<int64_t, 4> theirs =
        owner.op->weightShape(owner.attributes, ownerInputs);
    llvm::SmallVector<int64_t, 4> ours = op.weightShape(attributes, inputs);
    if (theirs == ours)
      continue;
    const std::string &ownerName =
        sourceName(ownerId).empty() ? owner.name : sourceName(ownerId);
    llvm::SMRange r = ctx.getArgRange(spec.name);
    diags.report(r.Start, diag::err_tied_weight_shape, op.name,
                 formatDims(ours), ownerName, owner.op->name,
                 formatDims(theirs))
        .range(r)
        .note(owner.range.Start, diag::note_weight_owner, ownerName,
              owner.op->name)
        .noteRange(owner.range);
    return false;
  }
  return true;
}

void Elaborator::addSourceName(llvm::StringRef name) {
  // Consecutive layers mostly share their name (x = x |> conv2d |> relu).
  if (!sourceNameIds.empty() && sourceNameTable[sourceNameIds.back()] == name) {
    sourceNameIds.push_back(sourceNameIds.back());
    return;
  }
  auto [entry, added] = sourceNameIndex.try_emplace(
      name, static_cast<uint32_t>(sourceNameTable.size()));
  if (added)
    sourceNameTable.push_back(name.str());
  sourceNameIds.push_back(entry->second);
}

Value Elaborator::callBlock(const ast::BlockDecl &block,
                            const ast::CallExpr &call, bool isResult) {
  const ast::Identifier &callee = call.getCallee();
  // frames holds the network body and one frame per active call.
  if (frames.size() > options.maxCallDepth) {
    diags.report(callee.range.Start, diag::err_calls_too_deep,
                 options.maxCallDepth)
        .range(call.getRange());
    limitReported = true;
    return Value::unknown();
  }
  for (const Frame &f : frames)
    if (f.block == &block) {
      diags.report(callee.range.Start, diag::err_block_recursion, block.getName().name)
          .range(call.getRange());
      for (const auto &arg : call.getArgs())
        evaluateArgument(*arg.value);
      return Value::unknown();
    }

  // Bind the parameters: positional, then keyword, then defaults, which see
  // only consts.
  llvm::ArrayRef<ast::Parameter> params = block.getParams();
  for (const ast::Parameter &param : params)
    if (param.name.name == FrozenKeyword) {
      // Reported at the block (err_param_reserved): its calls cannot bind.
      for (const auto &arg : call.getArgs())
        evaluateArgument(*arg.value);
      return Value::unknown();
    }
  std::vector<BoundArg> bound;
  FrozenArg frozen;
  bool ok = bindArguments(call, CallSignature(block), bound,
                          [](unsigned, const BoundArg &arg, bool) {
                            return !arg.value.isUnknown();
                          },
                          frozen);
  if (!ok)
    return Value::unknown();
  for (size_t i = 0; i < params.size(); ++i) {
    if (bound[i].given)
      continue;
    Value value = evaluateCompileTime(*params[i].defaultValue,
                                      /*consts only=*/true);
    if (value.isUnknown())
      return Value::unknown();
    bound[i] = BoundArg{value, params[i].name.range, true};
  }

  // The call's scope: named after the bound name, with the loop indices of
  // the calling frame (x.0, x.1 ... as PyTorch's layer1.0).
  // `as NAME` chooses it instead, as written.
  Frame &caller = frame();
  BlockScope scope;
  if (const ast::LayerName *as = call.getLayerName()) {
    std::optional<std::string> chosen = evaluateLayerName(*as);
    if (!chosen)
      return Value::unknown();
    scope.name = takeChosenName(
        ChosenName{std::move(*chosen), as->range, as->computed != nullptr});
  } else {
    std::string base = caller.statementTarget.empty() ? block.getName().name
                                                      : caller.statementTarget;
    for (int64_t i : caller.loopIndices)
      base += "." + std::to_string(i);
    std::string local = uniqueLocalName(caller, base);
    scope.name = caller.prefix.empty() ? local : caller.prefix + "." + local;
  }
  // Every name made inside repeats this one: the limit must see it before
  // the call's statements run.
  nameBytes += scope.name.size();
  if (!withinNameLimit(call.getRange()))
    return Value::unknown();
  scope.block = block.getName().name;
  scope.parent = caller.scope;
  scope.depth = caller.scope < 0 ? 1 : graph.scopes[caller.scope].depth + 1;
  scope.callRange = call.getRange();
  graph.scopes.push_back(scope);

  Frame callee_frame;
  callee_frame.block = &block;
  callee_frame.prefix = scope.name;
  callee_frame.scope = graph.scopes.size() - 1;
  for (size_t i = 0; i < params.size(); ++i) {
    callee_frame.locals[params[i].name.name] =
        Binding{bound[i].value, bound[i].range};
    if (options.observer)
      options.observer->bound(params[i].name.range, bound[i].value);
  }
  frames.push_back(std::move(callee_frame));
  size_t firstLayer = graph.layers.size();
  diags.pushContext(call.getLoc(), diag::note_in_block_call,
                    block.getName().name);
  runBody(block.getBody());
  diags.popContext();
  Frame finished = std::move(frames.back());
  frames.pop_back();
  if (!finished.returned) {
    if (!limitReported)
      diags.report(block.getName().range.Start, diag::err_block_no_return,
                   block.getName().name)
          .range(block.getName().range)
          .note(call.getLoc(), diag::note_in_block_call, block.getName().name);
    // Its layers are not "unused": the missing return is the mistake.
    for (size_t id = firstLayer; id < graph.layers.size(); ++id)
      ++graph.layers[id].numUsers;
    return Value::unknown();
  }
  if (frozen.frozen)
    freezeCallLayers(firstLayer, frozen, CallSignature(block));
  // An unused result is the caller's business: warn at the call.
  const Value &result = finished.returnValue;
  if (isResult && result.isTensor() && !frame().statementTarget.empty() &&
      result.getTensor() >= firstLayer)
    boundAtCall[result.getTensor()] = {frame().statementTarget,
                                       call.getRange()};
  return result;
}

// Out of line: the argument binding above recurses through evaluateCall
// once per nested call (a 1,000-stage pipe), so what is only needed after
// it stays out of evaluateCall's frame (sanitizer builds grow frames
// several times over).
LLVM_ATTRIBUTE_NOINLINE Value Elaborator::makeOpLayers(
    const ast::CallExpr &call, const OpDef &op, std::vector<BoundArg> bound,
    const FrozenArg &frozen, const ast::LayerName *as, bool isResult) {
  std::optional<ChosenName> chosen;
  if (as) {
    std::optional<std::string> local = evaluateLayerName(*as);
    if (!local)
      return Value::unknown();
    chosen = ChosenName{std::move(*local), as->range, as->computed != nullptr};
  }
  size_t firstLayer = graph.layers.size();
  Value result = applyOp(op, call.getRange(), std::move(bound), isResult,
                         chosen ? &*chosen : nullptr);
  if (frozen.frozen && !result.isUnknown())
    freezeCallLayers(firstLayer, frozen, CallSignature(op, call.getLoc()));
  return result;
}

void Elaborator::freezeCallLayers(size_t firstLayer, const FrozenArg &frozen,
                                  const CallSignature &signature) {
  bool anyParams = false;
  for (size_t id = firstLayer; id < graph.layers.size(); ++id) {
    Layer &layer = graph.layers[id];
    anyParams |= layer.params.getParams() != 0;
    freezeLayer(layer);
  }
  if (!anyParams)
    diags.report(frozen.range.Start, diag::warn_frozen_no_params,
                 signature.getCallee())
        .range(frozen.range);
}

/// lora's signature, bound and checked as an op's (it is no op of the
/// registry: it makes the layers of an adapter, dense, mul_scalar and add).
static const OpDef &getLoraSignature() {
  static const OpDef lora = [] {
    OpDef def;
    def.name = "lora";
    def.args = {
        {"x", ArgType::Tensor},
        {"rank", ArgType::Int, ArgConstraint::Positive},
        {"alpha", ArgType::Number, ArgConstraint::None, Value::integer(8)},
        {"dropout", ArgType::Number, ArgConstraint::Probability,
         Value::integer(0)},
    };
    return def;
  }();
  return lora;
}

Value Elaborator::evaluateLora(const ast::CallExpr &call, bool isResult) {
  const ast::Identifier &callee = call.getCallee();
  if (inConstContext()) {
    diags.report(callee.range.Start, diag::err_not_compile_time,
                 "a const or parameter default", "'lora'")
        .range(call.getRange());
    return Value::unknown();
  }
  const OpDef &signature = getLoraSignature();
  std::vector<BoundArg> bound;
  FrozenArg frozen;
  if (!bindOpArguments(call, signature, bound, frozen))
    return Value::unknown();
  // bound[0] is a tensor: the binder checked it.
  LayerId base = bound[0].value.getTensor();
  const Layer &layer = graph.layers[base]; // until the adapter's layers
  const std::string baseName = layer.name;
  llvm::SMRange argRange = bound[0].range;
  if (layer.op->name != "dense" || layer.lora != LoraRole::None) {
    // 'h' when the argument is written as a name, else "its argument".
    std::string what = "its argument";
    for (const ast::Argument &arg : call.getArgs())
      if (!arg.keyword || arg.keyword->name == "x") {
        if (const auto *name = llvm::dyn_cast<ast::NameExpr>(arg.value.get()))
          what = "'" + name->getName().str() + "'";
        break;
      }
    std::string producer =
        layer.op->name == "input" ? "an input of the network"
        : layer.lora == LoraRole::Sum
            ? "the output of lora (already adapted)"
            : "the output of " + layer.op->name;
    auto report =
        diags.report(argRange.Start, diag::err_lora_not_dense, what, producer);
    report.range(argRange);
    if (layer.lora == LoraRole::Sum)
      report.note(layer.range.Start, diag::note_lora_first)
          .noteRange(layer.range);
    else if (layer.op->name != "input" && layer.range.isValid())
      report.note(layer.range.Start, diag::note_lora_producer, layer.name,
                  layer.op->name)
          .noteRange(layer.range);
    return Value::unknown();
  }
  if (std::optional<LayerId> sum = findLoraSum(graph.layers, base)) {
    diags.report(argRange.Start, diag::err_lora_twice, baseName)
        .range(argRange)
        .note(graph.layers[*sum].range.Start, diag::note_lora_first)
        .noteRange(graph.layers[*sum].range);
    return Value::unknown();
  }
  LoraConfig config;
  config.rank = bound[1].value.getInt();
  config.alpha = bound[2].value.getNumber();
  config.dropout = bound[3].value.getNumber();
  {
    // rank x in + out x rank, checked before any layer is made.
    CheckedArithmetic c;
    const Layer &input = graph.layers[layer.inputs[0]];
    c.add({c.mul({config.rank, input.type.dims.back()}),
           c.mul({layer.type.dims.back(), config.rank})});
    if (c.overflowed()) {
      diags.report(call.getLoc(), diag::err_overflow,
                   "the parameter count of the LoRA adapter of '" + baseName +
                       "'")
          .range(call.getRange());
      return Value::unknown();
    }
  }
  if (!withinLimits(call.getRange(), /*addsLayer=*/true))
    return Value::unknown();
  LoraAdapterBuilder builder(config, graph.layers);
  size_t firstLayer = graph.layers.size();
  LayerId sum = builder.addAdapter(base, call.getRange(), frame().scope);
  // The argument was counted as read when it was evaluated: the sum is
  // that reader, which the builder counted again.
  --graph.layers[base].numUsers;
  for (size_t id = firstLayer; id < graph.layers.size(); ++id) {
    nameBytes += graph.layers[id].name.size();
    addSourceName(isResult ? llvm::StringRef(frame().statementTarget)
                           : llvm::StringRef("lora"));
  }
  if (!withinNameLimit(call.getRange()))
    return Value::unknown();
  usesLora = true;
  if (frozen.frozen)
    freezeCallLayers(firstLayer, frozen,
                     CallSignature(signature, call.getLoc()));
  return Value::tensor(sum);
}
