//===- UnusedBlocks.cpp - blocks that nothing calls -----------------------===//
//
// -Wunused-block: a block of a file named on the command line that no call
// names, anywhere in the program (the file and its imports). "Names" is
// read from the source, not from what ran: a block called only in an `if`
// branch the current parameters do not take is used. A block that is never
// called is never checked (its body has no argument shapes to check
// against), so a typo in it would otherwise go unnoticed.
// A block that only calls itself is not used.
//
// Only files that define a network are looked at: a file of blocks alone is
// a library, run directly to see that it parses, and the blocks of imported
// files are always a library's.
//
//===----------------------------------------------------------------------===//
#include "Program.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Casting.h"

using namespace netc;
using namespace netc::check;

namespace {

/// Walks statements and expressions, crossing off each block it sees
/// called; stops early once none is left.
class CallFinder {
public:
  explicit CallFinder(llvm::StringMap<const ast::BlockDecl *> &uncalled)
      : uncalled(uncalled) {}

  bool done() const { return uncalled.empty(); }

  /// A network, or a block, whose calls of itself do not count.
  void visit(const ast::Callable &callable, bool isBlock) {
    self = isBlock ? callable.getName().name : llvm::StringRef();
    for (const ast::Parameter &param : callable.getParams())
      if (param.defaultValue)
        visit(*param.defaultValue);
    visit(callable.getBody());
  }

  void visit(llvm::ArrayRef<ast::StmtPtr> body) {
    for (const ast::StmtPtr &stmt : body)
      if (stmt && !done())
        visit(*stmt);
  }

  void visit(const ast::Stmt &stmt) {
    using namespace llvm;
    if (auto *input = dyn_cast<ast::TensorDeclStmt>(&stmt)) {
      for (const ast::ExprPtr &dim : input->getDims())
        visit(*dim);
    } else if (auto *assign = dyn_cast<ast::AssignStmt>(&stmt)) {
      visit(assign->getValue());
    } else if (auto *output = dyn_cast<ast::OutputStmt>(&stmt)) {
      if (output->getValue())
        visit(*output->getValue());
    } else if (auto *expr = dyn_cast<ast::ExprStmt>(&stmt)) {
      visit(expr->getValue());
    } else if (auto *ret = dyn_cast<ast::ReturnStmt>(&stmt)) {
      visit(ret->getValue());
    } else if (auto *branch = dyn_cast<ast::IfStmt>(&stmt)) {
      visit(branch->getCondition());
      visit(branch->getThenBody());
      visit(branch->getElseBody());
    } else if (auto *loop = dyn_cast<ast::ForStmt>(&stmt)) {
      visit(loop->getFrom());
      visit(loop->getTo());
      visit(loop->getBody());
    }
  }

  void visit(const ast::Expr &expr) {
    using namespace llvm;
    if (auto *call = dyn_cast<ast::CallExpr>(&expr)) {
      if (call->getCallee().name != self)
        uncalled.erase(call->getCallee().name);
      for (const ast::Argument &arg : call->getArgs())
        visit(*arg.value);
    } else if (auto *tuple = dyn_cast<ast::TupleExpr>(&expr)) {
      for (const ast::ExprPtr &element : tuple->getElements())
        visit(*element);
    } else if (auto *unary = dyn_cast<ast::UnaryExpr>(&expr)) {
      visit(unary->getOperand());
    } else if (auto *binary = dyn_cast<ast::BinaryExpr>(&expr)) {
      visit(binary->getLHS());
      visit(binary->getRHS());
    } else if (auto *member = dyn_cast<ast::MemberExpr>(&expr)) {
      visit(member->getBase());
    } else if (auto *index = dyn_cast<ast::IndexExpr>(&expr)) {
      visit(index->getBase());
      visit(index->getIndex());
    } else if (auto *slice = dyn_cast<ast::SliceExpr>(&expr)) {
      visit(slice->getBase());
      if (slice->getStart())
        visit(*slice->getStart());
      if (slice->getStop())
        visit(*slice->getStop());
    }
  }

private:
  llvm::StringMap<const ast::BlockDecl *> &uncalled;
  /// The block being walked, or empty.
  llvm::StringRef self;
};

} // namespace

std::vector<const ast::BlockDecl *>
check::findUncalledBlocks(const ast::Module &main, const Program &program) {
  if (main.getNetworks().empty() || main.getBlocks().empty())
    return {};
  llvm::StringMap<const ast::BlockDecl *> uncalled;
  for (const auto &block : main.getBlocks())
    if (program.findBlock(block->getName().name) == block.get())
      uncalled[block->getName().name] = block.get(); // not a redefinition
  CallFinder finder(uncalled);
  auto visitModule = [&](const ast::Module &module) {
    for (const ast::ConstDecl &decl : module.getConsts())
      if (!finder.done() && decl.value)
        finder.visit(*decl.value);
    for (const auto &network : module.getNetworks())
      if (!finder.done())
        finder.visit(*network, /*isBlock=*/false);
    for (const auto &block : module.getBlocks())
      if (!finder.done())
        finder.visit(*block, /*isBlock=*/true);
  };
  visitModule(main);
  for (const ast::Module *imported : program.getImportedModules())
    visitModule(*imported);
  // In source order.
  std::vector<const ast::BlockDecl *> result;
  for (const auto &block : main.getBlocks())
    if (uncalled.lookup(block->getName().name) == block.get())
      result.push_back(block.get());
  return result;
}
