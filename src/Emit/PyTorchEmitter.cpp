//===- PyTorchEmitter.cpp - --emit=pytorch: a runnable torch.nn file -------===//
//
// Writes one Python file with an nn.Module class per network and per block
// call, from the checked graph: -D values applied, `if` resolved and loops
// unrolled as netc resolved them. A block call is a submodule of its
// caller, registered under the call's scope name, and every layer with a
// torch.nn module is registered under its layer name, so the state_dict
// keys are netc's layer names followed by torch's parameter names
// (`layer1.0.conv1.weight`). Names that are not Python identifiers
// (`0`, from a loop index) are registered with add_module and reached with
// getattr; a dotted path whose prefix is no module gets an nn.Module
// container. Identical classes (the same code) are written once.
// forward() follows the layers in source order; PyTorchRules.cpp says how
// each op is written. docs/pytorch.md describes the file.
//
//===----------------------------------------------------------------------===//
#include "netc/Emit/Emitters.h"

#include "PyTorchRules.h"

#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <set>

using namespace netc;
using namespace netc::emit;

namespace {

/// Names a generated file must not rebind: Python's keywords and the names
/// the file itself uses.
bool isReservedName(llvm::StringRef name) {
  static const llvm::StringSet<> reserved = {
      "False", "None", "True", "and", "as", "assert", "async", "await",
      "break", "class", "continue", "def", "del", "elif", "else", "except",
      "finally", "for", "from", "global", "if", "import", "in", "is",
      "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
      "while", "with", "yield", "self", "torch", "nn", "F", "attention",
      "rope", "self_attention", "super"};
  return reserved.count(name) != 0;
}

bool isIdentifier(llvm::StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  for (char c : name)
    if (!llvm::isAlnum(c) && c != '_')
      return false;
  return !isReservedName(name);
}

/// A Python variable name for netc name \p name.
std::string toVariable(llvm::StringRef name) {
  std::string s;
  for (char c : name)
    s += llvm::isAlnum(c) || c == '_' ? c : '_';
  if (s.empty() || llvm::isDigit(s.front()))
    s = "t" + s;
  if (isReservedName(s))
    s += "_";
  return s;
}

/// "bottleneck_stage" -> "BottleneckStage".
std::string toClassName(llvm::StringRef name) {
  std::string s;
  bool upper = true;
  for (char c : name) {
    if (c == '_' || !llvm::isAlnum(c)) {
      upper = true;
      continue;
    }
    s += upper ? llvm::toUpper(c) : c;
    upper = false;
  }
  if (s.empty() || llvm::isDigit(s.front()))
    s = "Block" + s;
  return s;
}

/// "[3, 224, 224] f32".
std::string describeType(const TensorType &t) {
  return t.str() + " " + getDTypeName(t.dtype).str();
}

std::string pythonDType(DType dtype) {
  switch (dtype) {
  case DType::F16:
    return "torch.float16";
  case DType::BF16:
    return "torch.bfloat16";
  case DType::F32:
    return "torch.float32";
  case DType::F64:
    return "torch.float64";
  case DType::I8:
    return "torch.int8";
  case DType::I32:
    return "torch.int32";
  case DType::I64:
    return "torch.int64";
  case DType::Bool:
    return "torch.bool";
  }
  return "torch.float32";
}

/// "(1, 3, 224, 224)" for a batch expression "1" and dims [3, 224, 224].
std::string shapeTuple(llvm::StringRef batch, llvm::ArrayRef<int64_t> dims) {
  std::string s = "(" + batch.str();
  for (int64_t d : dims)
    s += ", " + std::to_string(d);
  return s + (dims.empty() ? ",)" : ")");
}

/// The modules registered in one class, by path from `self`.
class ModuleTree {
public:
  /// Registers \p module at \p path (dot-separated, relative to self) and
  /// returns the expression that reaches it in the class.
  std::string add(llvm::StringRef path, const std::string &module) {
    llvm::SmallVector<llvm::StringRef, 4> parts;
    path.split(parts, '.');
    std::string parent = "self";
    std::string prefix;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      prefix += (i ? "." : "") + parts[i].str();
      auto found = access.find(prefix);
      if (found == access.end()) {
        std::string expr = child(parent, parts[i]);
        lines.push_back(assign(parent, parts[i], "nn.Module()"));
        found = access.insert({prefix, expr}).first;
      }
      parent = found->second;
    }
    std::string expr = child(parent, parts.back());
    lines.push_back(assign(parent, parts.back(), module));
    access[path.str()] = expr;
    return expr;
  }

  /// A line of __init__ after the registrations so far.
  void addLine(std::string line) { lines.push_back(std::move(line)); }

  const std::vector<std::string> &getLines() const { return lines; }

private:
  static std::string child(const std::string &parent, llvm::StringRef name) {
    return isIdentifier(name) ? parent + "." + name.str()
                              : "getattr(" + parent + ", \"" + name.str() +
                                    "\")";
  }
  static std::string assign(const std::string &parent, llvm::StringRef name,
                            const std::string &module) {
    return isIdentifier(name) ? parent + "." + name.str() + " = " + module
                              : parent + ".add_module(\"" + name.str() +
                                    "\", " + module + ")";
  }

  std::map<std::string, std::string> access;
  std::vector<std::string> lines;
};

/// Generates the classes of one file.
class PyTorchWriter {
public:
  void addNetwork(const Graph &graph) {
    this->graph = &graph;
    computeConstants();
    networkClasses.push_back({graph.name, generateClass(-1)});
  }

  void write(llvm::raw_ostream &os) const {
    std::string body;
    for (const std::string &text : classTexts)
      body += "\n\n" + text;
    std::string helpers;
    for (PyTorchHelper h : helperOrder)
      helpers += "\n\n" + getPyTorchHelperSource(h).str();
    std::string main = mainSection();
    std::string all = helpers + body + main;
    os << "# Generated by netc --emit=pytorch (docs/pytorch.md). Tensors carry\n"
          "# torch's batch axis first; the state_dict keys are netc's layer\n"
          "# names.\n";
    if (networkClasses.empty()) {
      os << "# The input declares no network (only blocks or consts).\n"
            "NETWORKS = {}\n";
      return;
    }
    os << "import torch\n";
    if (all.find("nn.") != std::string::npos)
      os << "import torch.nn as nn\n";
    if (all.find("F.") != std::string::npos)
      os << "import torch.nn.functional as F\n";
    os << all;
  }

private:
  /// A layer's value in forward(): a variable, or `self.name` for a
  /// declared param or buffer.
  struct ClassState {
    ModuleTree modules;
    std::vector<std::string> forward;
    std::vector<std::string> extraInit;
    std::map<LayerId, std::string> exprs;
    std::set<std::string> variables;
  };

  bool inSubtree(int scope, int root) const {
    for (int s = scope; s != -1; s = graph->scopes[s].parent)
      if (s == root)
        return true;
    return root == -1;
  }

  /// The child of \p root whose subtree holds \p scope (scope is below root).
  int childOnPath(int scope, int root) const {
    int s = scope;
    while (graph->scopes[s].parent != root)
      s = graph->scopes[s].parent;
    return s;
  }

  std::string relativeName(llvm::StringRef name, int scope) const {
    if (scope == -1)
      return name.str();
    llvm::StringRef prefix = graph->scopes[scope].name;
    if (name.startswith(prefix) && name.size() > prefix.size() &&
        name[prefix.size()] == '.')
      return name.drop_front(prefix.size() + 1).str();
    return name.str();
  }

  std::string newVariable(ClassState &c, llvm::StringRef name) {
    std::string base = toVariable(name), v = base;
    for (int i = 2; c.variables.count(v); ++i)
      v = base + "_" + std::to_string(i);
    c.variables.insert(v);
    return v;
  }

  void computeConstants() {
    constant.assign(graph->layers.size(), false);
    for (LayerId id = 0; id < graph->layers.size(); ++id) {
      const Layer &l = graph->layers[id];
      if (l.op == &getParamOp() || l.op == &getBufferOp() ||
          l.op->name == "causal_mask") {
        constant[id] = true;
        continue;
      }
      bool all = !l.inputs.empty();
      for (LayerId in : l.inputs)
        all = all && constant[in];
      constant[id] = all;
    }
  }

  void useHelper(PyTorchHelper h) {
    if (!llvm::is_contained(helperOrder, h))
      helperOrder.push_back(h);
  }

  /// The tensors read across the boundary of \p scope's subtree.
  void findBoundary(int scope, std::vector<LayerId> &ins,
                    std::vector<LayerId> &outs) const {
    std::set<LayerId> seenIn, seenOut;
    for (LayerId id = 0; id < graph->layers.size(); ++id) {
      const Layer &l = graph->layers[id];
      bool inside = l.scope != -1 && inSubtree(l.scope, scope);
      for (LayerId in : l.inputs) {
        const Layer &p = graph->layers[in];
        bool producerInside = p.scope != -1 && inSubtree(p.scope, scope);
        if (inside && !producerInside && seenIn.insert(in).second)
          ins.push_back(in);
        if (!inside && producerInside && seenOut.insert(in).second)
          outs.push_back(in);
      }
    }
    for (const NetworkOutput &o : graph->outputs) {
      const Layer &p = graph->layers[o.layer];
      if (p.scope != -1 && inSubtree(p.scope, scope) &&
          seenOut.insert(o.layer).second)
        outs.push_back(o.layer);
    }
    std::sort(outs.begin(), outs.end());
  }

  std::string substitute(const std::string &pattern, const std::string &module,
                         const std::vector<std::string> &inputs) const {
    std::string s;
    for (size_t i = 0; i < pattern.size(); ++i) {
      if (pattern[i] != '{') {
        s += pattern[i];
        continue;
      }
      size_t close = pattern.find('}', i);
      llvm::StringRef key(pattern.data() + i + 1, close - i - 1);
      unsigned index;
      if (key == "m")
        s += module;
      else if (key == "*")
        s += llvm::join(inputs, ", ");
      else if (!key.getAsInteger(10, index) && index < inputs.size())
        s += inputs[index];
      i = close;
    }
    return s;
  }

  /// Adds layer \p id (of scope \p scope) to class \p c.
  void addLayer(ClassState &c, LayerId id, int scope) {
    const Layer &l = graph->layers[id];
    std::string local = relativeName(l.name, scope);
    if (l.op == &getInputOp())
      return; // a forward() parameter
    if (l.op == &getParamOp() || l.op == &getBufferOp()) {
      std::string name = toVariable(local);
      std::string shape = shapeTuple("1", l.type.dims);
      if (l.op == &getParamOp())
        c.extraInit.push_back(
            "self." + name + " = nn.Parameter(0.02 * torch.randn" + shape +
            (l.params.trainable == 0 ? ", requires_grad=False)" : ")"));
      else
        c.extraInit.push_back("self.register_buffer(\"" + name +
                              "\", torch.zeros(" +
                              shape.substr(1, shape.size() - 2) +
                              ", dtype=" + pythonDType(l.type.dtype) + "))");
      c.exprs[id] = "self." + name;
      return;
    }
    std::optional<PyTorchCode> code = getPyTorchCode(*graph, l);
    if (!code)
      return;
    for (PyTorchHelper h : code->helpers)
      useHelper(h);
    std::string module;
    if (!code->module.empty()) {
      module = c.modules.add(local, code->module);
      // Frozen (frozen=true, --freeze, the base of a LoRA adapter): no
      // gradient, as PEFT leaves it.
      // Right after it is made: modules attached to it later (its LoRA
      // adapter) stay trained.
      if (l.params.frozen > 0 && l.params.trainable == 0)
        c.modules.addLine(module + ".requires_grad_(False)");
      const Attribute *tied = l.getAttribute("weight");
      if (tied && tied->value.isWeight())
        ties.push_back({l.name, graph->layers[tied->value.getWeightOwner()].name});
    }
    std::vector<std::string> inputs;
    for (LayerId in : l.inputs)
      inputs.push_back(c.exprs.count(in) ? c.exprs[in] : "None");
    // A constant (batch 1) concatenated with per-sample tensors is
    // expanded to the batch first.
    if (l.op->name == "concat") {
      std::string batch;
      for (size_t i = 0; i < l.inputs.size() && batch.empty(); ++i)
        if (!constant[l.inputs[i]])
          batch = inputs[i] + ".shape[0]";
      for (size_t i = 0; i < l.inputs.size() && !batch.empty(); ++i)
        if (constant[l.inputs[i]])
          inputs[i] = inputs[i] + ".expand(" + batch + ", *" + inputs[i] +
                      ".shape[1:])";
    }
    std::string expr = substitute(code->forward, module, inputs);
    // A value nothing reads (netc warned about it) is computed, not named.
    if (l.numUsers == 0 && !graph->isOutput(id)) {
      c.forward.push_back(expr);
      return;
    }
    std::string var = newVariable(c, local);
    c.exprs[id] = var;
    c.forward.push_back(var + " = " + expr);
  }

  /// The class of \p scope (-1: the network); returns its name.
  std::string generateClass(int scope) {
    ClassState c;
    std::vector<LayerId> ins, outs;
    if (scope == -1) {
      ins = graph->inputs;
      for (const NetworkOutput &o : graph->outputs)
        outs.push_back(o.layer);
    } else {
      findBoundary(scope, ins, outs);
    }
    // A block's inputs are x, x_2, ...: the caller's names differ from
    // call to call, and calls with the same layers share the class.
    std::vector<std::string> params;
    for (LayerId in : ins) {
      std::string var =
          newVariable(c, scope == -1 ? graph->layers[in].name : "x");
      c.exprs[in] = var;
      params.push_back(var);
    }
    std::set<int> called;
    for (LayerId id = 0; id < graph->layers.size(); ++id) {
      const Layer &l = graph->layers[id];
      if (scope != -1 && (l.scope == -1 || !inSubtree(l.scope, scope)))
        continue;
      if (l.scope == scope) {
        addLayer(c, id, scope);
        continue;
      }
      int child = childOnPath(l.scope, scope);
      if (!called.insert(child).second)
        continue;
      addCall(c, child, scope);
    }
    std::vector<std::string> results;
    for (LayerId out : outs)
      results.push_back(c.exprs.count(out) ? c.exprs[out] : "None");

    std::string name = scope == -1 ? toClassName(graph->name)
                                   : toClassName(graph->scopes[scope].block);
    std::string text = "class @CLASS@(nn.Module):\n";
    text += "    \"\"\"" + describeClass(scope, params, ins, outs) +
            "\"\"\"\n\n";
    text += "    def __init__(self):\n        super().__init__()\n";
    for (const std::string &line : c.modules.getLines())
      text += "        " + line + "\n";
    for (const std::string &line : c.extraInit)
      text += "        " + line + "\n";
    if (scope == -1)
      for (auto &[layer, owner] : ties)
        text += "        self.get_submodule(\"" + layer +
                "\").weight = self.get_submodule(\"" + owner + "\").weight\n";
    // Weights in the inputs' float type (netc's figures' default type).
    DType dtype = getDefaultMemoryDType(*graph);
    bool cast = scope == -1 && dtype != DType::F32;
    if (cast)
      text += "        self.to(" + pythonDType(dtype) + ")\n";
    if (c.modules.getLines().empty() && c.extraInit.empty() &&
        !(scope == -1 && !ties.empty()) && !cast)
      text += "        pass\n";
    if (scope == -1)
      text += exampleInputs();
    text += "\n    def forward(self" +
            std::string(params.empty() ? "" : ", " + llvm::join(params, ", ")) +
            "):\n";
    for (const std::string &line : c.forward)
      text += "        " + line + "\n";
    text += "        return " +
            (results.empty() ? std::string("None")
                             : llvm::join(results, ", ")) +
            "\n";
    if (scope == -1)
      ties.clear();
    return internClass(name, text);
  }

  /// A call of child scope \p child in class \p c (of \p scope).
  void addCall(ClassState &c, int child, int scope) {
    std::vector<LayerId> ins, outs;
    findBoundary(child, ins, outs);
    std::string className = generateClass(child);
    std::string local = relativeName(graph->scopes[child].name, scope);
    std::string module = c.modules.add(local, className + "()");
    std::vector<std::string> args;
    for (LayerId in : ins)
      args.push_back(c.exprs.count(in) ? c.exprs[in] : "None");
    std::vector<std::string> vars;
    for (size_t i = 0; i < outs.size(); ++i) {
      std::string v = newVariable(
          c, outs.size() == 1 ? local : local + "_" + std::to_string(i));
      c.exprs[outs[i]] = v;
      vars.push_back(v);
    }
    c.forward.push_back((vars.empty() ? "" : llvm::join(vars, ", ") + " = ") +
                        module + "(" + llvm::join(args, ", ") + ")");
  }

  std::string describeClass(int scope, llvm::ArrayRef<std::string> params,
                            llvm::ArrayRef<LayerId> ins,
                            llvm::ArrayRef<LayerId> outs) const {
    std::vector<std::string> inputs, outputs;
    for (size_t i = 0; i < ins.size(); ++i)
      inputs.push_back(params[i] + " " + describeType(graph->layers[ins[i]].type));
    for (LayerId id : outs)
      outputs.push_back(describeType(graph->layers[id].type));
    auto list = [](const std::vector<std::string> &parts) {
      return parts.empty() ? std::string("none") : llvm::join(parts, ", ");
    };
    // Not the call's name: calls of one block with the same layers share
    // the class.
    std::string what = scope == -1
                           ? "Network '" + graph->name + "'"
                           : "Block '" + graph->scopes[scope].block + "'";
    return what + ".\n\n    Inputs (one sample's; torch adds the batch axis "
                  "first): " +
           list(inputs) + ".\n    Outputs: " + list(outputs) + ".\n    ";
  }

  std::string exampleInputs() const {
    std::string s = "\n    @staticmethod\n    def example_inputs(batch=2):\n"
                    "        \"\"\"Random inputs of the declared shapes.\"\"\"\n"
                    "        return (";
    std::vector<std::string> parts;
    for (LayerId in : graph->inputs) {
      const TensorType &t = graph->layers[in].type;
      std::string shape = shapeTuple("batch", t.dims);
      if (isFloatingPoint(t.dtype))
        parts.push_back("torch.randn" + shape.substr(0, shape.size() - 1) +
                        ", dtype=" + pythonDType(t.dtype) + ")");
      else if (t.dtype == DType::Bool)
        parts.push_back("torch.ones" + shape.substr(0, shape.size() - 1) +
                        ", dtype=torch.bool)");
      else
        parts.push_back("torch.zeros" + shape.substr(0, shape.size() - 1) +
                        ", dtype=" + pythonDType(t.dtype) + ")");
    }
    s += llvm::join(parts, ", ") + (parts.size() == 1 ? ",)\n" : ")\n");
    return s;
  }

  /// The name of the class with \p text, written once.
  std::string internClass(const std::string &base, const std::string &text) {
    auto found = classByText.find(text);
    if (found != classByText.end())
      return found->second;
    std::string name = base;
    for (int i = 2; usedClassNames.count(name) || isReservedName(name) ||
                    name == "RMSNorm" || name == "GroupedSelfAttention" ||
                    name == "MixtralExpert" || name == "MixtralSparseMoeBlock";
         ++i)
      name = base + std::to_string(i);
    usedClassNames.insert(name);
    classByText[text] = name;
    std::string named = text;
    named.replace(named.find("@CLASS@"), 7, name);
    classTexts.push_back(named);
    return name;
  }

  std::string mainSection() const {
    std::vector<std::string> entries;
    for (const auto &[network, name] : networkClasses)
      entries.push_back("\"" + network + "\": " + name);
    std::string s = "\n\n# netc's networks by name.\nNETWORKS = {" +
                    llvm::join(entries, ", ") + "}\n";
    s += "\n\nif __name__ == \"__main__\":\n";
    for (const auto &[network, name] : networkClasses)
      s += "    model = " + name +
           "().eval()\n"
           "    with torch.no_grad():\n"
           "        outputs = model(*model.example_inputs())\n"
           "    if not isinstance(outputs, tuple):\n"
           "        outputs = (outputs,)\n"
           "    print(\"" + name +
           ":\", sum(p.numel() for p in model.parameters()), \"parameters,\",\n"
           "          \"outputs\", [tuple(o.shape) for o in outputs])\n";
    return s;
  }

  const Graph *graph = nullptr;
  std::vector<bool> constant;
  std::vector<std::pair<std::string, std::string>> ties;
  std::map<std::string, std::string> classByText;
  std::set<std::string> usedClassNames;
  std::vector<std::string> classTexts;
  /// netc's network name and its class, in order.
  std::vector<std::pair<std::string, std::string>> networkClasses;
  std::vector<PyTorchHelper> helperOrder;
};

} // namespace

void netc::emitPyTorch(llvm::ArrayRef<NetworkAnalysis> analyses,
                       const ReportOptions &, llvm::raw_ostream &os) {
  PyTorchWriter writer;
  for (const NetworkAnalysis &a : analyses)
    writer.addNetwork(*a.graph);
  writer.write(os);
}

bool netc::hasPyTorchGenerationRule(llvm::StringRef op) {
  return hasPyTorchRule(op);
}
