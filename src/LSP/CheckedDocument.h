//===- CheckedDocument.h - one open document, parsed and checked -*- C++ -*-===//
//
// What the language server knows about one open document, computed once per
// version of its text by the same stages as the command line: the text is
// parsed and checked (with its imports, read from disk), each network that
// checked clean is analysed, and every diagnostic is kept as it was made.
// While the check runs, a CheckObserver records what each name and call
// came to, so hovers and inlay hints show the checker's own values.
//
// Beside that, a symbol index over the syntax tree: every definition
// (networks, blocks, consts, network and block parameters, inputs, params
// and buffers, assignment targets, loop variables, and the blocks,
// networks and consts of imported files) and every use of a name, resolved
// by the language's scoping rules (docs/language.md): a name means the
// latest binding before it in its network or block, else a const; a
// callee means a block of the file or of an import.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourcePositions.h"

#include "netc/AST/AST.h"
#include "netc/Analysis/NetworkAnalysis.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Check/Checker.h"
#include "netc/Graph/Value.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/SourceMgr.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netc::lsp {

/// What a definition defines.
enum class SymbolKind {
  Network,
  Block,
  Const,
  Parameter, ///< of a network or block
  Input,
  Tensor, ///< a param or buffer declaration
  Value,  ///< an assignment's target or an output
  LoopVariable,
};

/// A place in a file: this document's when uri is empty.
struct Location {
  std::string uri;
  Range range;
};

/// One definition of a name.
struct SymbolDef {
  std::string name;
  SymbolKind kind;
  /// The name as written at the definition.
  Location location;
  /// In this document: the name's byte range (begin == end elsewhere).
  size_t begin = 0, end = 0;
  /// The whole definition (a block's braces), for document symbols.
  Range fullRange;
  /// The network or block it is defined in (an index into defs), or -1.
  int container = -1;
  /// For networks and blocks: "name(a, b=3)".
  std::string signature;
  /// The parameters of a block or network, in order (names and defaults).
  std::vector<std::pair<std::string, std::string>> params;
  /// Where the checker bound it; the key of CheckedDocument::bindings.
  const char *bindingKey = nullptr;
};

/// A use of a name in this document.
struct SymbolUse {
  size_t begin, end;
  int def; ///< index into defs
};

/// A call in this document.
struct CallSite {
  size_t calleeBegin, calleeEnd;
  const ast::CallExpr *call;
};

/// A value the checker gave a name or call, in one network.
struct CheckedValue {
  int graph; ///< index into CheckedModule::graphs, or -1
  Value value;
};

/// A parsed and checked version of an open document.
class CheckedDocument {
public:
  /// Parses and checks \p text as the file \p path with \p check's settings
  /// (its observer is replaced), then analyses each clean network for
  /// \p analysis.
  static std::unique_ptr<CheckedDocument>
  build(llvm::StringRef path, llvm::StringRef text, CheckOptions check,
        const AnalysisOptions &analysis, PositionEncoding encoding);

  std::string path;
  /// The text as checked, owned by the source manager's first buffer.
  llvm::StringRef text;
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = 0;
  PositionEncoding encoding = PositionEncoding::UTF16;
  LineTable lines{"", PositionEncoding::UTF16};
  /// Null when the text has syntax errors.
  std::unique_ptr<ast::Module> module;
  CheckedModule checked;
  /// Per graph of checked: its analysis when it checked clean.
  std::vector<std::optional<NetworkAnalysis>> analyses;
  std::vector<Diagnostic> diagnostics;

  std::vector<SymbolDef> defs;
  std::vector<SymbolUse> uses;
  std::vector<CallSite> calls;
  /// Keyed by the start of a defining name: the values it was bound to.
  llvm::DenseMap<const char *, std::vector<CheckedValue>> bindings;
  /// Keyed by a call's start: the values it evaluated to.
  llvm::DenseMap<const char *, std::vector<CheckedValue>> callValues;

  /// The byte offset of \p loc in this document, or nullopt when it is in
  /// another buffer.
  std::optional<size_t> getOffset(llvm::SMLoc loc) const;
  /// The location of \p loc in any buffer (an import's), by its file's URI.
  Location getLocation(llvm::SMRange range) const;
  Range getRange(llvm::SMRange range) const;

  /// The definition whose name, or a use of which, covers \p offset.
  int findSymbolAt(size_t offset) const;
  /// The call whose callee covers \p offset, or null.
  const CallSite *findCallAt(size_t offset) const;
  /// The network or block definition whose body holds \p offset, or -1.
  int findContainerAt(size_t offset) const;
  /// Every definition visible by name: this file's and its imports' blocks,
  /// networks and consts.
  std::vector<int> getTopLevelDefs() const;

private:
  CheckedDocument() = default;
  void indexSymbols();
  void indexImports();
  /// The definitions indexImports made, from imported files.
  std::vector<int> importedDefs;
  bool importsIndexed = false;
};

} // namespace netc::lsp
