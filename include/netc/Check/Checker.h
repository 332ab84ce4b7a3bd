//===- Checker.h - name resolution and shape checking ------------*- C++ -*-===//
//
// The check stage: turns the AST of a file into one Graph per network,
// resolving names, binding call arguments against the op registry and
// propagating per-sample tensor shapes. Errors are reported through the
// DiagnosticEngine; a value that failed becomes "unknown" and everything
// that depends on it stays quiet.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Graph/Graph.h"

#include <vector>

namespace netc {

/// The graphs of a checked module.
struct CheckedModule {
  /// One graph per network, in source order (also for networks with errors,
  /// whose graphs are partial).
  std::vector<Graph> graphs;
  /// Parallel to graphs: true when the network checked without errors.
  std::vector<bool> clean;
};

/// Checks every network of \p module.
CheckedModule checkModule(const ast::Module &module, DiagnosticEngine &diags);

} // namespace netc
