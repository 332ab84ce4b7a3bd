//===- Program.h - a file and its imports: the global names -----*- C++ -*-===//
//
// Private to the check stage. Loads the imports of a module (recursively,
// relative to each importing file, each file once), reports missing files,
// cycles and names defined twice, and offers the global names: consts,
// blocks and networks.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Check/Checker.h"

#include "llvm/ADT/StringMap.h"

#include <memory>
#include <vector>

namespace netc::check {

/// True for the builtin functions min, max, channels and rank (evaluated in
/// ElaborateExpressions.cpp). Calls resolve to them first, so no block or
/// const may take their names.
bool isBuiltinName(llvm::StringRef name);

/// A const and, once evaluated, its value.
struct ConstEntry {
  const ast::ConstDecl *decl;
  enum class State { Unevaluated, Evaluating, Done } state = State::Unevaluated;
  Value value;
};

/// The global names visible in a file: its own and its imports'.
class Program {
public:
  Program(const ast::Module &main, DiagnosticEngine &diags,
          const CheckOptions &options);

  const ast::Module &getMain() const { return main; }
  ConstEntry *findConst(llvm::StringRef name);
  const ast::BlockDecl *findBlock(llvm::StringRef name) const;
  const ast::Network *findNetwork(llvm::StringRef name) const;
  /// Every block name (for suggestions).
  std::vector<std::string> getBlockNames() const;
  /// The imported files, in the order they were read.
  std::vector<const ast::Module *> getImportedModules() const;
  /// True when an import could not be read or parsed: names it would have
  /// defined are then unknown, and saying so again would only repeat it.
  bool hasBrokenImport() const { return brokenImport; }
  /// Every const entry (to evaluate them all).
  llvm::StringMap<ConstEntry> &getConsts() { return consts; }

private:
  /// An import's file: its path as the user reaches it (for messages) and
  /// its real path (to open it, and to know it however it is spelt).
  struct ResolvedImport {
    std::string displayPath;
    std::string realPath;
  };
  /// Resolves \p import of the file \p importer; nullopt after reporting
  /// a path that does not exist, is not a .net file or leaves the root.
  std::optional<ResolvedImport> resolveImport(const ast::ImportDecl &import,
                                              llvm::StringRef importer);
  void addModule(const ast::Module &module);
  void loadImports(const ast::Module &module,
                   std::vector<unsigned> &importStack);
  bool declare(llvm::StringRef kind, const ast::Identifier &name);

  const ast::Module &main;
  DiagnosticEngine &diags;
  const CheckOptions &options;
  /// Imported modules, kept alive while the program is checked.
  std::vector<std::unique_ptr<ast::Module>> imported;
  /// Buffers already loaded, by real path.
  llvm::StringMap<unsigned> loadedFiles;
  /// The real path of the folder imports must stay under (empty when it
  /// does not exist, and then no import is allowed).
  std::string importRoot;
  llvm::StringMap<ConstEntry> consts;
  llvm::StringMap<const ast::BlockDecl *> blocks;
  llvm::StringMap<const ast::Network *> networks;
  /// Where each global name was defined.
  llvm::StringMap<llvm::SMRange> definitions;
  bool brokenImport = false;
};

/// The blocks of \p main, in source order, that no call in the program
/// names (calls of a block by itself aside); none when \p main defines no
/// network (UnusedBlocks.cpp).
std::vector<const ast::BlockDecl *> findUncalledBlocks(const ast::Module &main,
                                                       const Program &program);

} // namespace netc::check
