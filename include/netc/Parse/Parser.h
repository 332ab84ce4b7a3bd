//===- Parser.h - the one door into the parse stage -------------*- C++ -*-===//
//
// Turns a .net buffer into the AST. ANTLR stays behind this function: no
// generated or runtime type appears in this header.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"

#include <memory>

namespace netc {

/// Limits the parser enforces on hostile input.
struct ParseLimits {
  /// Deepest allowed nesting of (...), [...] and {...}.
  unsigned maxNesting = 256;
};

/// Parses buffer \p bufferId of the engine's source manager. Every syntax
/// error is reported through \p diags; returns null when there were any.
std::unique_ptr<ast::Module> parseModule(unsigned bufferId,
                                         DiagnosticEngine &diags,
                                         const ParseLimits &limits = {});

} // namespace netc
