//===- Checker.h - name resolution, expansion and shape checking -*- C++ -*-===//
//
// The check stage: turns the AST of a file (and the files it imports) into
// one Graph per network. It resolves names, evaluates compile-time values,
// expands block calls, loops and conditions, binds call arguments against
// the op registry and propagates per-sample tensor shapes. Errors are
// reported through the DiagnosticEngine; a value that failed becomes
// "unknown" and everything that depends on it stays quiet.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/SourceFiles.h"
#include "netc/Graph/Graph.h"
#include "netc/Graph/Value.h"
#include "netc/Parse/Parser.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace netc {

/// Told, as the check expands a network, what its names and calls come to:
/// the language server's hovers and inlay hints (docs/editors.md) show the
/// check's own values instead of working them out again. A statement runs
/// once per expansion, so a statement of a block called three times is told
/// three times, once per call.
class CheckObserver {
public:
  virtual ~CheckObserver();
  /// The check starts the network whose name is at \p name; the calls
  /// until the next one are about its graph.
  virtual void networkStarted(llvm::SMRange name) = 0;
  /// The name defined at \p name (an assignment's target, an input, param
  /// or buffer, a loop variable, a network's or block's parameter) was
  /// bound to \p value (Unknown after an error).
  virtual void bound(llvm::SMRange name, const Value &value) = 0;
  /// \p call (of an op or a block) evaluated to \p value.
  virtual void called(const ast::CallExpr &call, const Value &value) = 0;
};

/// Settings and limits of the check stage.
struct CheckOptions {
  /// Told what each name and call comes to (null: nobody asks).
  CheckObserver *observer = nullptr;
  /// `-D name=value`: overrides of network parameters.
  std::vector<std::pair<std::string, Value>> defines;
  /// Most layers one network may expand to (--max-layers).
  int64_t maxLayers = 1'000'000;
  /// Most statements one network's expansion may run (loops included).
  int64_t maxSteps = 50'000'000;
  /// Most bytes the layer names of one network may take together: each
  /// name repeats the names of the block calls around it (--max-name-bytes).
  int64_t maxNameBytes = int64_t(256) << 20;
  /// Deepest chain of imports.
  unsigned maxImportDepth = 64;
  /// The folder imports must stay under (--import-root); empty: the folder
  /// of the file named on the command line.
  std::string importRoot;
  /// Largest imported file (--max-file-size).
  uint64_t maxFileBytes = DefaultMaxFileBytes;
  /// Deepest nesting of block calls (a block calling a block ...), fixed:
  /// the checker recurses once per call.
  unsigned maxCallDepth = 256;
  ParseLimits parseLimits;
};

/// The graphs of a checked file.
struct CheckedModule {
  /// One graph per network of the file itself (not of its imports), in
  /// source order, also for networks with errors (whose graphs are partial).
  std::vector<Graph> graphs;
  /// Parallel to graphs: true when the network checked without errors.
  std::vector<bool> clean;
  /// The networks of imported files, which are neither checked nor
  /// reported: each name and where it is defined (so that asking for one
  /// with --network can be told where it is).
  std::vector<std::pair<std::string, llvm::SMLoc>> importedNetworks;
};

/// Parses a `-D NAME=VALUE` (an integer, a number, true or false) into a
/// define of CheckOptions; nullopt after reporting a malformed one.
std::optional<std::pair<std::string, Value>>
parseDefine(llvm::StringRef text, DiagnosticEngine &diags);

/// Checks every network of \p module, loading its imports (paths relative to
/// the module's file) into the engine's source manager.
CheckedModule checkModule(const ast::Module &module, DiagnosticEngine &diags,
                          const CheckOptions &options = {});

/// As checkModule, for a caller that will not read the AST again: frees each
/// statement of a network's body once it has run, so that the AST and the
/// graph it becomes are never both whole in memory (on a long network each
/// is as large as the other). Afterwards the statements of every network
/// that ran are null (a network defined twice runs once); blocks, consts
/// and parameters stay.
CheckedModule checkModuleReleasingStatements(ast::Module &module,
                                             DiagnosticEngine &diags,
                                             const CheckOptions &options = {});

} // namespace netc
