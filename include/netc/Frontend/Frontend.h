//===- Frontend.h - from input files to analysed networks --------*- C++ -*-===//
//
// What every tool built on netc does between its options and its output,
// as clang's Frontend library does for clang: load each input file (the one
// loader, SourceFiles.h), parse it, check it with its imports, then select
// the networks to report (--network) and analyse each one that checked
// clean. The driver, and later the language server, call these.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Analysis/NetworkAnalysis.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/PhaseTimes.h"
#include "netc/Basic/SourceFiles.h"
#include "netc/Check/Checker.h"
#include "netc/Transform/FineTuning.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace netc {

/// What the front end reads and how.
struct FrontendOptions {
  /// The check's settings and limits (defines, layers, steps, imports,
  /// file size).
  CheckOptions check;
  /// Keep each input's AST (--emit=ast). Otherwise the check frees each
  /// network statement once it has run, as the AST of a long network is as
  /// large as its graph.
  bool keepASTs = false;
};

/// The checked input files of one run.
struct FrontendResult {
  /// One per input file that parsed, in command-line order.
  std::vector<CheckedModule> modules;
  /// With FrontendOptions::keepASTs: the ASTs of those files.
  std::vector<std::unique_ptr<ast::Module>> asts;
};

/// Reports why input \p path could not be loaded (loadSourceFile).
void reportUnloadable(const LoadedFile &file, llvm::StringRef path,
                      uint64_t maxBytes, DiagnosticEngine &diags);

/// How netc fmt treats each file.
enum class FormatMode {
  Print,   ///< write the formatted text to standard output
  Check,   ///< --check: print a diff of each file that is not formatted
  InPlace, ///< -i: rewrite each file that is not formatted (as --fixit)
};

/// netc fmt (docs/formatting.md): formats \p paths in \p mode, writing
/// formatted text and diffs to \p out. A file that does not parse is
/// reported and left alone, and so is one whose formatted text would parse
/// into another syntax tree (a formatter bug, never written). Returns the
/// exit status: 0, 1 for a file with syntax errors or (--check) not
/// formatted, 2 for a file that cannot be read or written.
int formatFiles(llvm::ArrayRef<std::string> paths, FormatMode mode,
                uint64_t maxBytes, DiagnosticEngine &diags,
                llvm::raw_ostream &out);

/// Loads, parses and checks \p inputs ("-" is standard input) in order,
/// reporting through \p diags, and timing into \p times when given. False
/// when an input cannot be read (reported: the run stops); mistakes in the
/// files are diagnostics, counted by the engine.
bool runFrontend(llvm::ArrayRef<std::string> inputs,
                 const FrontendOptions &options, DiagnosticEngine &diags,
                 FrontendResult &result, PhaseTimes *times = nullptr);

/// Applies --freeze and then --lora (\p options) to every clean network of
/// \p result that analyzeNetworks will report (all, or the one named
/// \p networkName). False after reporting a --freeze pattern that matches
/// no layer of them, or a --lora target that names no dense layer (with a
/// likely name when one is close), or an adapter whose size overflows.
bool applyFineTuning(FrontendResult &result, llvm::StringRef networkName,
                     const FineTuningOptions &options,
                     DiagnosticEngine &diags);

/// Analyses every clean network of \p result, or only the one named
/// \p networkName when it is not empty, into \p analyses (a network whose
/// figures overflow is reported and left out). False when \p networkName
/// names no network of the inputs (see reportMissingNetwork).
bool analyzeNetworks(const FrontendResult &result, llvm::StringRef networkName,
                     const AnalysisOptions &options, DiagnosticEngine &diags,
                     std::vector<NetworkAnalysis> &analyses);

/// Why --network \p name selected nothing: it is a network of an imported
/// file (which is not reported: says which file to run netc on), a likely
/// typo of one of the inputs' networks, or neither (lists them).
void reportMissingNetwork(const FrontendResult &result, llvm::StringRef name,
                          DiagnosticEngine &diags);

} // namespace netc
