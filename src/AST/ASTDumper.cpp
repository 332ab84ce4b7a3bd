//===- ASTDumper.cpp - print the AST as an indented tree ------------------===//
//
// Used by `netc --emit=ast`, the parser's unit tests and the fuzzer. One
// private class walks the tree; each node prints on its own line, children
// indented; in the exact form (a range base given), with its source ranges.
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/Format.h"

#include <string>

using namespace netc::ast;

namespace {
/// Walks the AST and prints one line per node.
class ASTDumper {
public:
  ASTDumper(llvm::raw_ostream &os, const char *base) : os(os), base(base) {}

  void dumpModule(const Module &module) {
    for (const ImportDecl &import : module.getImports())
      indent() << "Import \"" << import.path << "\"" << range(import.range)
               << "\n";
    for (const ConstDecl &c : module.getConsts()) {
      indent() << "Const " << c.name.name << range(c.name.range) << "\n";
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

  /// " @start:end" in the exact form, else "".
  std::string range(llvm::SMRange r) const {
    if (!base)
      return "";
    if (!r.isValid())
      return " @-";
    return " @" + std::to_string(r.Start.getPointer() - base) + ":" +
           std::to_string(r.End.getPointer() - base);
  }

  void dumpCallable(llvm::StringRef kind, const Callable &callable) {
    indent() << kind << " " << callable.getName().name
             << range(callable.getName().range) << range(callable.getRange())
             << "\n";
    ++depth;
    for (const Parameter &param : callable.getParams()) {
      indent() << "Param " << param.name.name << range(param.name.range)
               << "\n";
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
    std::string at = range(stmt.getRange());
    if (auto *input = llvm::dyn_cast<TensorDeclStmt>(&stmt)) {
      // "Input", "Param" or "Buffer".
      llvm::StringRef keyword = getKeyword(input->getDeclKind());
      indent() << llvm::StringRef(keyword.substr(0, 1).upper())
               << keyword.drop_front() << " " << input->getName().name
               << range(input->getName().range);
      if (input->getDType())
        os << " dtype=" << input->getDType()->name
           << range(input->getDType()->range);
      os << at << "\n";
      ++depth;
      for (const auto &dim : input->getDims())
        dumpExpr(*dim);
      --depth;
    } else if (auto *assign = llvm::dyn_cast<AssignStmt>(&stmt)) {
      indent() << "Assign";
      for (const Identifier &target : assign->getTargets())
        os << " " << target.name << range(target.range);
      os << at << "\n";
      ++depth;
      dumpExpr(assign->getValue());
      --depth;
    } else if (auto *output = llvm::dyn_cast<OutputStmt>(&stmt)) {
      indent() << "Output " << output->getName().name
               << range(output->getName().range) << at << "\n";
      ++depth;
      if (output->getValue())
        dumpExpr(*output->getValue());
      --depth;
    } else if (auto *exprStmt = llvm::dyn_cast<ExprStmt>(&stmt)) {
      indent() << "ExprStmt" << at << "\n";
      ++depth;
      dumpExpr(exprStmt->getValue());
      --depth;
    } else if (auto *ret = llvm::dyn_cast<ReturnStmt>(&stmt)) {
      indent() << "Return" << at << "\n";
      ++depth;
      dumpExpr(ret->getValue());
      --depth;
    } else if (auto *ifStmt = llvm::dyn_cast<IfStmt>(&stmt)) {
      indent() << "If" << at << "\n";
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
      indent() << "For " << forStmt->getVariable().name
               << range(forStmt->getVariable().range) << at << "\n";
      ++depth;
      dumpExpr(forStmt->getFrom());
      dumpExpr(forStmt->getTo());
      dumpBody(forStmt->getBody());
      --depth;
    }
  }

  void dumpExpr(const Expr &expr) {
    std::string at = range(expr.getRange());
    if (auto *i = llvm::dyn_cast<IntegerExpr>(&expr)) {
      indent() << "Integer " << i->getValue() << at << "\n";
    } else if (auto *f = llvm::dyn_cast<FloatExpr>(&expr)) {
      indent() << "Float " << llvm::format(base ? "%a" : "%g", f->getValue())
               << at << "\n";
    } else if (auto *b = llvm::dyn_cast<BoolExpr>(&expr)) {
      indent() << "Bool " << (b->getValue() ? "true" : "false") << at << "\n";
    } else if (auto *s = llvm::dyn_cast<StringExpr>(&expr)) {
      indent() << "String \"";
      os.write_escaped(s->getValue());
      os << "\"" << at << "\n";
    } else if (auto *n = llvm::dyn_cast<NameExpr>(&expr)) {
      indent() << "Name " << n->getName() << at << "\n";
    } else if (auto *t = llvm::dyn_cast<TupleExpr>(&expr)) {
      indent() << "Tuple" << at << "\n";
      ++depth;
      for (const auto &element : t->getElements())
        dumpExpr(*element);
      --depth;
    } else if (auto *u = llvm::dyn_cast<UnaryExpr>(&expr)) {
      indent() << (u->getOp() == UnaryExpr::Op::Negate ? "Negate" : "Not")
               << range(u->getOpRange()) << at << "\n";
      ++depth;
      dumpExpr(u->getOperand());
      --depth;
    } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&expr)) {
      indent() << "Binary " << getSpelling(b->getOp())
               << range(b->getOpRange()) << at << "\n";
      ++depth;
      dumpExpr(b->getLHS());
      dumpExpr(b->getRHS());
      --depth;
    } else if (auto *m = llvm::dyn_cast<MemberExpr>(&expr)) {
      indent() << "Member " << m->getMember().name
               << range(m->getMember().range) << at << "\n";
      ++depth;
      dumpExpr(m->getBase());
      --depth;
    } else if (auto *sl = llvm::dyn_cast<SliceExpr>(&expr)) {
      indent() << "Slice" << (sl->getStart() ? "" : " (from the start)")
               << (sl->getStop() ? "" : " (to the end)") << at << "\n";
      ++depth;
      dumpExpr(sl->getBase());
      if (sl->getStart())
        dumpExpr(*sl->getStart());
      if (sl->getStop())
        dumpExpr(*sl->getStop());
      --depth;
    } else if (auto *ix = llvm::dyn_cast<IndexExpr>(&expr)) {
      indent() << "Index" << at << "\n";
      ++depth;
      dumpExpr(ix->getBase());
      dumpExpr(ix->getIndex());
      --depth;
    } else if (auto *c = llvm::dyn_cast<CallExpr>(&expr)) {
      indent() << "Call " << c->getCallee().name
               << range(c->getCallee().range)
               << (c->isPiped() ? " (piped)" : "") << at << "\n";
      ++depth;
      if (const LayerName *as = c->getLayerName()) {
        indent() << "As " << as->spelling << range(as->range) << "\n";
        if (as->computed) {
          ++depth;
          dumpExpr(*as->computed);
          --depth;
        }
      }
      for (const Argument &arg : c->getArgs()) {
        if (base)
          indent() << "Arg" << range(arg.range) << "\n";
        if (arg.keyword) {
          indent() << "Keyword " << arg.keyword->name
                   << range(arg.keyword->range) << "\n";
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
  /// The buffer start ranges are counted from; null for the plain form.
  const char *base;
  unsigned depth = 0;
};
} // namespace

void netc::ast::dump(const Module &module, llvm::raw_ostream &os,
                     const char *rangeBase) {
  ASTDumper(os, rangeBase).dumpModule(module);
}

llvm::StringRef netc::ast::getKeyword(TensorDeclKind kind) {
  switch (kind) {
  case TensorDeclKind::Input:
    return "input";
  case TensorDeclKind::Param:
    return "param";
  case TensorDeclKind::Buffer:
    return "buffer";
  }
  return "input";
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
