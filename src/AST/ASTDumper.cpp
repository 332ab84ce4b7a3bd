//===- ASTDumper.cpp - print the AST as an indented tree ------------------===//
//
// Used by `netc --emit=ast` and by the parser's unit tests. One private class
// walks the tree; each node prints on its own line, children indented.
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/Format.h"

using namespace netc::ast;

namespace {
/// Walks the AST and prints one line per node.
class ASTDumper {
public:
  explicit ASTDumper(llvm::raw_ostream &os) : os(os) {}

  void dumpModule(const Module &module) {
    for (const auto &network : module.getNetworks())
      dumpNetwork(*network);
  }

private:
  llvm::raw_ostream &indent() { return os.indent(depth * 2); }

  void dumpNetwork(const Network &network) {
    indent() << "Network " << network.getName().name << "\n";
    ++depth;
    for (const auto &stmt : network.getBody())
      dumpStmt(*stmt);
    --depth;
  }

  void dumpStmt(const Stmt &stmt) {
    if (auto *input = llvm::dyn_cast<InputStmt>(&stmt)) {
      indent() << "Input " << input->getName().name;
      if (input->getDType())
        os << " dtype=" << input->getDType()->name;
      os << "\n";
      ++depth;
      for (const auto &dim : input->getDims())
        dumpExpr(*dim);
      --depth;
    } else if (auto *assign = llvm::dyn_cast<AssignStmt>(&stmt)) {
      indent() << "Assign " << assign->getTarget().name << "\n";
      ++depth;
      dumpExpr(assign->getValue());
      --depth;
    } else if (auto *output = llvm::dyn_cast<OutputStmt>(&stmt)) {
      indent() << "Output " << output->getName().name << "\n";
      ++depth;
      if (output->getValue())
        dumpExpr(*output->getValue());
      --depth;
    } else if (auto *exprStmt = llvm::dyn_cast<ExprStmt>(&stmt)) {
      indent() << "ExprStmt\n";
      ++depth;
      dumpExpr(exprStmt->getValue());
      --depth;
    }
  }

  void dumpExpr(const Expr &expr) {
    if (auto *i = llvm::dyn_cast<IntegerExpr>(&expr)) {
      indent() << "Integer " << i->getValue() << "\n";
    } else if (auto *f = llvm::dyn_cast<FloatExpr>(&expr)) {
      indent() << "Float " << llvm::format("%g", f->getValue()) << "\n";
    } else if (auto *b = llvm::dyn_cast<BoolExpr>(&expr)) {
      indent() << "Bool " << (b->getValue() ? "true" : "false") << "\n";
    } else if (auto *s = llvm::dyn_cast<StringExpr>(&expr)) {
      indent() << "String \"";
      os.write_escaped(s->getValue());
      os << "\"\n";
    } else if (auto *n = llvm::dyn_cast<NameExpr>(&expr)) {
      indent() << "Name " << n->getName() << "\n";
    } else if (auto *t = llvm::dyn_cast<TupleExpr>(&expr)) {
      indent() << "Tuple\n";
      ++depth;
      for (const auto &element : t->getElements())
        dumpExpr(*element);
      --depth;
    } else if (auto *c = llvm::dyn_cast<CallExpr>(&expr)) {
      indent() << "Call " << c->getCallee().name
               << (c->isPiped() ? " (piped)" : "") << "\n";
      ++depth;
      for (const Argument &arg : c->getArgs()) {
        if (arg.keyword) {
          indent() << "Keyword " << arg.keyword->name << "\n";
          ++depth;
          dumpExpr(*arg.value);
          --depth;
        } else {
          dumpExpr(*arg.value);
        }
      }
      --depth;
    }
  }

  llvm::raw_ostream &os;
  unsigned depth = 0;
};
} // namespace

void netc::ast::dump(const Module &module, llvm::raw_ostream &os) {
  ASTDumper(os).dumpModule(module);
}
