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
    for (const ImportDecl &import : module.getImports())
      indent() << "Import \"" << import.path << "\"\n";
    for (const ConstDecl &c : module.getConsts()) {
      indent() << "Const " << c.name.name << "\n";
      ++depth;
      dumpExpr(*c.value);
      --depth;
    }
    for (const auto &block : module.getBlocks())
      dumpCallable("Block", *block);
    for (const auto &network : module.getNetworks())
      dumpCallable("Network", *network);
  }

private:
  llvm::raw_ostream &indent() { return os.indent(depth * 2); }

  void dumpCallable(llvm::StringRef kind, const Callable &callable) {
    indent() << kind << " " << callable.getName().name << "\n";
    ++depth;
    for (const Parameter &param : callable.getParams()) {
      indent() << "Param " << param.name.name << "\n";
      if (param.defaultValue) {
        ++depth;
        dumpExpr(*param.defaultValue);
        --depth;
      }
    }
    dumpBody(callable.getBody());
    --depth;
  }

  void dumpBody(llvm::ArrayRef<StmtPtr> body) {
    for (const auto &stmt : body)
      dumpStmt(*stmt);
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
      indent() << "Assign";
      for (const Identifier &target : assign->getTargets())
        os << " " << target.name;
      os << "\n";
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
    } else if (auto *ret = llvm::dyn_cast<ReturnStmt>(&stmt)) {
      indent() << "Return\n";
      ++depth;
      dumpExpr(ret->getValue());
      --depth;
    } else if (auto *ifStmt = llvm::dyn_cast<IfStmt>(&stmt)) {
      indent() << "If\n";
      ++depth;
      dumpExpr(ifStmt->getCondition());
      indent() << "Then\n";
      ++depth;
      dumpBody(ifStmt->getThenBody());
      --depth;
      if (!ifStmt->getElseBody().empty()) {
        indent() << "Else\n";
        ++depth;
        dumpBody(ifStmt->getElseBody());
        --depth;
      }
      --depth;
    } else if (auto *forStmt = llvm::dyn_cast<ForStmt>(&stmt)) {
      indent() << "For " << forStmt->getVariable().name << "\n";
      ++depth;
      dumpExpr(forStmt->getFrom());
      dumpExpr(forStmt->getTo());
      dumpBody(forStmt->getBody());
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
    } else if (auto *u = llvm::dyn_cast<UnaryExpr>(&expr)) {
      indent() << (u->getOp() == UnaryExpr::Op::Negate ? "Negate" : "Not")
               << "\n";
      ++depth;
      dumpExpr(u->getOperand());
      --depth;
    } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&expr)) {
      indent() << "Binary " << getSpelling(b->getOp()) << "\n";
      ++depth;
      dumpExpr(b->getLHS());
      dumpExpr(b->getRHS());
      --depth;
    } else if (auto *m = llvm::dyn_cast<MemberExpr>(&expr)) {
      indent() << "Member " << m->getMember().name << "\n";
      ++depth;
      dumpExpr(m->getBase());
      --depth;
    } else if (auto *ix = llvm::dyn_cast<IndexExpr>(&expr)) {
      indent() << "Index\n";
      ++depth;
      dumpExpr(ix->getBase());
      dumpExpr(ix->getIndex());
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

llvm::StringRef netc::ast::getSpelling(BinaryExpr::Op op) {
  switch (op) {
  case BinaryExpr::Op::Add:
    return "+";
  case BinaryExpr::Op::Sub:
    return "-";
  case BinaryExpr::Op::Mul:
    return "*";
  case BinaryExpr::Op::Div:
    return "/";
  case BinaryExpr::Op::FloorDiv:
    return "//";
  case BinaryExpr::Op::Mod:
    return "%";
  case BinaryExpr::Op::Eq:
    return "==";
  case BinaryExpr::Op::Ne:
    return "!=";
  case BinaryExpr::Op::Lt:
    return "<";
  case BinaryExpr::Op::Le:
    return "<=";
  case BinaryExpr::Op::Gt:
    return ">";
  case BinaryExpr::Op::Ge:
    return ">=";
  case BinaryExpr::Op::And:
    return "and";
  case BinaryExpr::Op::Or:
    return "or";
  }
  return "?";
}
