//===- netgen.cpp - random valid .net programs from the op registry -------===//
//
// netc-netgen --seed S --count N --out DIR [--statements K]
//
// Writes N files DIR/random-S-I.net, each one network that checks clean:
// one or two inputs of random rank, element type and size, then K
// statements, each a call of a registry op (every callable op, with the
// signature the registry gives: tensor arguments from the values made so
// far, so that networks are chains and DAGs; required arguments always,
// optional ones half of the time, values drawn by argument name and type:
// kernels, strides, paddings, dilations, groups, axes, tuples), and every
// value no statement reads is an output. Each candidate statement is
// checked in process by netc's own parser and checker and kept only when
// the network still checks clean; a candidate that fails is drawn again.
// The ops the run never managed to use are printed at the end, and the exit
// status is 1 when there are any: a new op whose arguments the generator
// cannot draw fails tests/pytorch/random_networks.py, the differential test
// against torch that runs these files (docs/pytorch.md).
//
// The draws use their own arithmetic on std::mt19937_64 (whose output the
// C++ standard fixes), so a seed gives the same files on every machine.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"
#include "netc/Check/Checker.h"
#include "netc/Graph/Graph.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

using namespace netc;
namespace cl = llvm::cl;

namespace {

cl::opt<uint64_t> seedOption("seed", cl::desc("First seed (default 1)"),
                             cl::init(1));
cl::opt<unsigned> countOption("count", cl::desc("Networks to write"),
                              cl::init(200));
cl::opt<unsigned> statementsOption(
    "statements", cl::desc("Statements per network (default 6)"), cl::init(6));
cl::opt<std::string> outOption("out", cl::desc("Folder the files go to"),
                               cl::Required);

/// Portable draws on mt19937_64 (the distributions of <random> differ
/// between standard libraries).
class Draw {
public:
  explicit Draw(uint64_t seed) : engine(seed) {}
  /// An integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    if (hi <= lo)
      return lo;
    return lo + int64_t(engine() % uint64_t(hi - lo + 1));
  }
  bool chance(unsigned percent) { return range(1, 100) <= percent; }
  template <typename T> const T &pick(const std::vector<T> &items) {
    return items[range(0, int64_t(items.size()) - 1)];
  }

private:
  std::mt19937_64 engine;
};

/// A value of the network being built: its name and checked type.
struct Var {
  std::string name;
  TensorType type;
  unsigned uses = 0;
};

std::string tupleText(const std::vector<int64_t> &items) {
  std::string text = "(";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i)
      text += ", ";
    text += std::to_string(items[i]);
  }
  text += items.size() == 1 ? ",)" : ")";
  return text;
}

std::vector<int64_t> divisors(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t d = 1; d <= n; ++d)
    if (n % d == 0)
      out.push_back(d);
  return out;
}

/// Draws the statements of one network.
class NetworkBuilder {
public:
  NetworkBuilder(Draw &draw, std::string name) : draw(draw), name(name) {}

  void addInputs() {
    unsigned count = draw.chance(30) ? 2 : 1;
    for (unsigned i = 0; i < count; ++i) {
      Var v;
      v.name = i ? "y" : "x";
      int kind = draw.range(0, 9);
      if (kind <= 3) { // image
        v.type.dims = {draw.range(1, 8), draw.range(4, 20), draw.range(4, 20)};
      } else if (kind <= 5) { // tokens
        v.type.dims = {draw.range(2, 12), 4 * draw.range(1, 6)};
      } else if (kind == 6) { // a 1-D signal
        v.type.dims = {draw.range(1, 8), draw.range(4, 24)};
      } else if (kind == 7) { // a volume
        v.type.dims = {draw.range(1, 4), draw.range(3, 8), draw.range(3, 8),
                       draw.range(3, 8)};
      } else if (kind == 8) { // features
        v.type.dims = {draw.range(1, 32)};
      } else { // token ids
        v.type.dtype = DType::I64;
        v.type.dims = {draw.range(2, 12)};
      }
      if (kind != 9 && draw.chance(10))
        v.type.dtype = DType::F64;
      inputs.push_back(v.name);
      vars.push_back(v);
    }
  }

  /// The candidate statement for \p op, or an empty string when the op
  /// cannot take any value made so far.
  std::string drawStatement(const OpDef &op, std::vector<std::string> &targets) {
    std::vector<const Var *> tensors;
    std::string args;
    auto append = [&](const std::string &text) {
      if (!args.empty())
        args += ", ";
      args += text;
    };
    for (const ArgSpec &arg : op.args) {
      if (arg.type != ArgType::Tensor)
        continue;
      unsigned count = op.variadic ? unsigned(draw.range(2, 3)) : 1;
      for (unsigned i = 0; i < count; ++i) {
        const Var *v = drawTensor(tensors.empty() ? nullptr : tensors.front());
        if (!v)
          return "";
        tensors.push_back(v);
        append(v->name);
      }
    }
    const TensorType *x = tensors.empty() ? nullptr : &tensors.front()->type;
    unsigned outputs = 1;
    for (const ArgSpec &arg : op.args) {
      if (arg.type == ArgType::Tensor || arg.type == ArgType::Weight)
        continue;
      bool given = arg.isRequired() || draw.chance(50);
      if (!given)
        continue;
      std::string text = drawValue(op, arg, x, outputs);
      if (text.empty()) {
        if (arg.isRequired())
          return "";
        continue;
      }
      if (arg.type == ArgType::TensorOrNumber && draw.chance(50)) {
        const Var *v = drawTensor(tensors.empty() ? nullptr : tensors.front());
        if (v) {
          tensors.push_back(v);
          text = v->name;
        }
      }
      bool positional = arg.isRequired() && !arg.keywordOnly &&
                        draw.chance(70);
      append(positional ? text : (arg.name + "=" + text).str());
    }
    if (!op.inferOutputs)
      outputs = 1;
    targets.clear();
    for (unsigned i = 0; i < outputs; ++i)
      targets.push_back("v" + std::to_string(nextName + i));
    std::string statement = llvm::join(targets, ", ") + " = " +
                            op.name + "(" + args + ")";
    candidateInputs.clear();
    for (const Var *v : tensors)
      candidateInputs.push_back(v->name);
    return statement;
  }

  /// Checks the network with \p statement added; keeps it when clean.
  bool tryStatement(const std::string &statement,
                    const std::vector<std::string> &targets) {
    std::vector<std::string> body = statements;
    body.push_back(statement);
    std::map<std::string, TensorType> types;
    if (!check(body, targets, &types))
      return false;
    for (const std::string &t : targets)
      if (!types.count(t))
        return false;
    statements = std::move(body);
    for (const std::string &in : candidateInputs)
      for (Var &v : vars)
        if (v.name == in)
          ++v.uses;
    for (const std::string &t : targets)
      vars.push_back({t, types[t], 0});
    nextName += targets.size();
    return true;
  }

  /// The whole file: every value nobody reads is an output (the last one
  /// at least).
  std::string render(const std::string &header) const {
    std::vector<std::string> outputs;
    for (const Var &v : vars)
      if (!v.uses && !llvm::is_contained(inputs, v.name))
        outputs.push_back(v.name);
    if (outputs.empty())
      outputs.push_back(vars.back().name);
    return header + text(statements, outputs);
  }

  bool check(const std::vector<std::string> &body,
             const std::vector<std::string> &outputs,
             std::map<std::string, TensorType> *types) const {
    std::string source = text(body, outputs);
    llvm::SourceMgr sourceMgr;
    struct Counter : DiagnosticConsumer {
      unsigned errors = 0;
      // Errors, and warnings other than the unused values a random DAG
      // leaves (-Wdegenerate-norm: torch refuses what it warns about at
      // batch 1).
      void handle(const Diagnostic &d) override {
        errors += d.severity == Severity::Error ||
                  (d.kind != diag::warn_unused_input &&
                   d.kind != diag::warn_unused_value &&
                   d.kind != diag::warn_unused_value_layer &&
                   d.kind != diag::warn_unused_result);
      }
    } counter;
    DiagnosticEngine diags(sourceMgr, counter);
    unsigned id = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, "random.net"),
        llvm::SMLoc());
    auto module = parseModule(id, diags);
    if (!module || counter.errors)
      return false;
    CheckedModule checked = checkModule(*module, diags);
    if (counter.errors || checked.graphs.size() != 1 || !checked.clean[0])
      return false;
    if (types)
      for (const Layer &layer : checked.graphs[0].layers)
        (*types)[layer.name] = layer.type;
    return true;
  }

  size_t size() const { return statements.size(); }

  /// Call before each candidate statement.
  void resetDraws() {
    groups = 1;
    lastAxis = 0;
  }

private:
  std::string text(const std::vector<std::string> &body,
                   const std::vector<std::string> &outputs) const {
    std::string s = "network " + name + " {\n";
    for (const Var &v : vars) {
      if (!llvm::is_contained(inputs, v.name))
        break;
      std::vector<std::string> dims;
      for (int64_t d : v.type.dims)
        dims.push_back(std::to_string(d));
      s += "  input " + v.name + ": ";
      if (v.type.dtype != DType::F32)
        s += getDTypeName(v.type.dtype).str();
      s += "[" + llvm::join(dims, ", ") + "]\n";
    }
    for (const std::string &line : body)
      s += "  " + line + "\n";
    for (const std::string &out : outputs)
      s += "  output " + out + "\n";
    return s + "}\n";
  }

  /// A value to read: recent ones more often; for a second tensor, one of
  /// the first's shape most of the time (add, mul, concat, where).
  const Var *drawTensor(const Var *first) {
    if (vars.empty())
      return nullptr;
    if (first && draw.chance(70)) {
      std::vector<const Var *> same;
      for (const Var &v : vars)
        if (v.type.dims == first->type.dims)
          same.push_back(&v);
      if (!same.empty())
        return draw.pick(same);
    }
    if (draw.chance(60))
      return &vars.back();
    return &vars[draw.range(0, int64_t(vars.size()) - 1)];
  }

  int64_t axisOf(const TensorType *x) {
    int64_t rank = x ? int64_t(x->getRank()) : 1;
    if (rank == 0)
      return 0;
    return draw.range(-rank, rank - 1);
  }

  /// A value for \p arg, by its name first and its type second; empty
  /// when the generator has nothing sensible to give.
  std::string drawValue(const OpDef &op, const ArgSpec &arg,
                        const TensorType *x, unsigned &outputs) {
    llvm::StringRef n = arg.name;
    unsigned spatial = op.spatialRank ? op.spatialRank : 2;
    auto perAxis = [&](int64_t lo, int64_t hi) -> std::string {
      if (draw.chance(70))
        return std::to_string(draw.range(lo, hi));
      std::vector<int64_t> items;
      for (unsigned i = 0; i < spatial; ++i)
        items.push_back(draw.range(lo, hi));
      return tupleText(items);
    };
    int64_t channels = x && x->getRank() ? x->dims[0] : 1;
    if (n == "groups") {
      groups = draw.pick(divisors(channels));
      return std::to_string(groups);
    }
    if (n == "out_channels")
      return std::to_string(groups * draw.range(1, 4) *
                            (draw.chance(50) ? 1 : 2));
    if (n == "units" || n == "hidden" ||
        (n == "dim" && op.name != "multihead_attention"))
      return std::to_string(draw.range(1, 16));
    if (n == "dim") // multihead_attention: heads divide it
      return std::to_string(4 * draw.range(1, 4));
    if (n == "vocab")
      return std::to_string(draw.range(12, 40));
    if (n == "heads" || n == "kv_heads")
      return std::to_string(draw.pick(std::vector<int64_t>{1, 2, 4}));
    if (n == "experts")
      return std::to_string(draw.range(2, 4));
    if (n == "top_k")
      return std::to_string(draw.range(1, 2));
    if (n == "kernel")
      return perAxis(1, 4);
    if (n == "stride")
      return perAxis(1, 3);
    if (n == "dilation")
      return perAxis(1, 2);
    if (n == "output_padding")
      return perAxis(0, 1);
    if (n == "padding") {
      if (arg.type == ArgType::Padding && draw.chance(25))
        return draw.chance(50) ? "\"same\"" : "\"valid\"";
      return perAxis(0, 2);
    }
    if (n == "output_size")
      return perAxis(1, 6);
    if (n == "size" && x) { // center_crop: at most the input
      std::vector<int64_t> items;
      for (unsigned i = 1; i < x->getRank(); ++i)
        items.push_back(draw.range(1, x->dims[i]));
      return items.size() == 1 ? std::to_string(items[0]) : tupleText(items);
    }
    if (n == "scale" && arg.type == ArgType::IntOrTuple)
      return perAxis(1, 3);
    if (n == "pad") {
      if (draw.chance(50))
        return std::to_string(draw.range(0, 2));
      return tupleText({draw.range(0, 2), draw.range(0, 2), draw.range(0, 2),
                        draw.range(0, 2)});
    }
    if (n == "axis" || n == "axis0" || n == "axis1")
      return std::to_string(lastAxis = axisOf(x));
    if (n == "axes" && x) { // permute
      std::vector<int64_t> perm(x->getRank());
      std::iota(perm.begin(), perm.end(), 0);
      for (size_t i = perm.size(); i > 1; --i)
        std::swap(perm[i - 1], perm[draw.range(0, int64_t(i) - 1)]);
      return tupleText(perm);
    }
    if (n == "shape" && x) { // reshape: a factorisation of the elements
      int64_t left = x->getNumElements().value_or(1);
      std::vector<int64_t> items;
      unsigned rank = unsigned(draw.range(1, 3));
      for (unsigned i = 1; i < rank; ++i) {
        int64_t d = draw.pick(divisors(left));
        items.push_back(d);
        left /= d;
      }
      items.push_back(draw.chance(30) ? -1 : left);
      return tupleText(items);
    }
    if (n == "dims" && x) // layernorm, rmsnorm: trailing axes normalised
      return std::to_string(draw.range(1, std::max<int64_t>(1, x->getRank())));
    if (n == "n" && op.name == "chunk") {
      int64_t chunks = draw.range(1, 3);
      outputs = unsigned(chunks);
      return std::to_string(chunks);
    }
    if (n == "n") // causal_mask
      return std::to_string(draw.range(2, 8));
    if (n == "sizes" && x && x->getRank()) { // split along the axis drawn
      int64_t axis = lastAxis < 0 ? lastAxis + x->getRank() : lastAxis;
      int64_t left = x->dims[std::clamp<int64_t>(axis, 0, x->getRank() - 1)];
      std::vector<int64_t> items;
      while (left > 0 && items.size() < 3) {
        int64_t s = items.size() == 2 ? left : draw.range(1, left);
        items.push_back(s);
        left -= s;
      }
      outputs = unsigned(items.size());
      return tupleText(items);
    }
    if ((n == "index" || n == "start" || n == "end") && x && x->getRank()) {
      int64_t d = x->dims[0];
      return std::to_string(draw.range(n == "end" ? 1 : 0, d - (n != "end")));
    }
    if (n == "eps")
      return draw.pick(std::vector<std::string>{"1e-05", "1e-06", "0.001"});
    switch (arg.type) {
    case ArgType::Int:
      return std::to_string(draw.range(1, 6));
    case ArgType::Number:
      if (arg.constraint == ArgConstraint::Probability)
        return draw.pick(std::vector<std::string>{"0.0", "0.1", "0.5"});
      return draw.pick(std::vector<std::string>{"0.5", "1.0", "2.0", "0.1"});
    case ArgType::TensorOrNumber:
      return draw.pick(std::vector<std::string>{"0.0", "-1.0", "2.5"});
    case ArgType::Bool:
      return draw.chance(50) ? "true" : "false";
    case ArgType::String:
      if (arg.choices.empty())
        return "";
      return ("\"" + draw.pick(arg.choices) + "\"").str();
    case ArgType::IntOrTuple:
      return perAxis(1, 3);
    case ArgType::IntTuple:
      return tupleText({draw.range(1, 4), draw.range(1, 4)});
    default:
      return "";
    }
  }

  Draw &draw;
  std::string name;
  std::vector<std::string> inputs;
  std::vector<Var> vars;
  std::vector<std::string> statements;
  std::vector<std::string> candidateInputs;
  unsigned nextName = 1;
  /// What one statement's draws share: the groups drawn for out_channels,
  /// the axis drawn for split's sizes (resetDraws starts them afresh).
  int64_t groups = 1;
  int64_t lastAxis = 0;
};

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "netc-netgen: random .net networks that check clean, from the op "
      "registry's signatures (tests/pytorch/random_networks.py runs them "
      "against torch)\n");

  std::vector<const OpDef *> ops;
  for (const OpDef &op : getAllOps())
    if (op.callable && op.family != OpFamily::Input)
      ops.push_back(&op);
  std::map<std::string, unsigned> used;

  if (std::error_code ec = llvm::sys::fs::create_directories(outOption)) {
    llvm::errs() << "netc-netgen: cannot create " << outOption << ": "
                 << ec.message() << "\n";
    return 2;
  }
  for (unsigned i = 0; i < countOption; ++i) {
    uint64_t seed = seedOption + i;
    Draw draw(seed * 0x9E3779B97F4A7C15ull + 1);
    std::string name = "random_" + std::to_string(seed);
    NetworkBuilder builder(draw, name);
    builder.addInputs();
    // Half of the draws pick among the least-used ops, so that a short run
    // covers them all.
    for (unsigned attempts = 0;
         builder.size() < statementsOption && attempts < 40 * statementsOption;
         ++attempts) {
      const OpDef *op = ops[draw.range(0, int64_t(ops.size()) - 1)];
      if (draw.chance(50)) {
        unsigned fewest = ~0u;
        for (const OpDef *o : ops)
          fewest = std::min(fewest, used[o->name]);
        std::vector<const OpDef *> rare;
        for (const OpDef *o : ops)
          if (used[o->name] == fewest)
            rare.push_back(o);
        op = draw.pick(rare);
      }
      builder.resetDraws();
      std::vector<std::string> targets;
      std::string statement = builder.drawStatement(*op, targets);
      if (!statement.empty() && builder.tryStatement(statement, targets))
        ++used[op->name];
    }
    std::string path = (outOption + "/random-" + std::to_string(seed) + ".net");
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    if (ec) {
      llvm::errs() << "netc-netgen: cannot write " << path << ": "
                   << ec.message() << "\n";
      return 2;
    }
    out << "# netc-netgen --seed " << seed
        << " --count 1: a random network (tests/pytorch/random_networks.py)\n"
        << builder.render("");
  }

  std::vector<std::string> never;
  for (const OpDef *op : ops)
    if (!used[op->name])
      never.push_back(op->name);
  llvm::outs() << "netc-netgen: " << countOption << " networks in "
               << outOption << ", " << (ops.size() - never.size()) << " of "
               << ops.size() << " ops used\n";
  if (!never.empty()) {
    llvm::outs() << "netc-netgen: never used: " << llvm::join(never, ", ")
                 << "\n";
    return 1;
  }
  return 0;
}
