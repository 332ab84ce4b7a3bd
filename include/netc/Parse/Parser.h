//===- Parser.h - the one door into the parse stage -------------*- C++ -*-===//
//
// Turns a .net buffer into the AST: a hand-written recursive-descent parser
// first, ANTLR (which also reports every mistake) when that gives up. ANTLR
// stays behind this function: no generated or runtime type appears in this
// header. docs/performance.md says why there are two parsers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/PhaseTimes.h"

#include <memory>

namespace netc {

/// Limits the parser enforces on hostile input.
struct ParseLimits {
  /// Deepest allowed nesting of (...), [...] and {...}.
  unsigned maxNesting = 256;
  /// Most operators in one statement (prefix and infix operators, '|>',
  /// '.' and indexing '[': each can add a level to the expression, and
  /// parsing, checking and freeing an expression recurse once per level).
  unsigned maxOperators = 1000;
};

/// How parseModule parses. Both strategies give the same AST and the same
/// diagnostics (the unit tests compare them); only the speed differs.
enum class ParseStrategy {
  /// The hand parser (recursive descent straight into the AST); the careful
  /// path when it does not accept the file.
  Fast,
  /// Only the careful path: the whole file through ANTLR (full LL with
  /// error recovery and reporting) and the AST built from its parse tree.
  /// The reference the hand parser is compared with.
  Careful,
};

/// How parseModule parses.
struct ParseOptions {
  ParseLimits limits;
  ParseStrategy strategy = ParseStrategy::Fast;
  /// --time-phases: the time of each step is added here (validating the
  /// text, lexing, the hand parser, and when it ran the careful path's
  /// parse and AST building).
  PhaseTimes *times = nullptr;
};

/// Parses buffer \p bufferId of the engine's source manager. Every syntax
/// error is reported through \p diags; returns null when there were any.
/// \p usedCarefulPath, when given, is set to whether the hand parser gave
/// up and ANTLR's careful path parsed the file (the tests and the fuzzer
/// compare the two).
std::unique_ptr<ast::Module> parseModule(unsigned bufferId,
                                         DiagnosticEngine &diags,
                                         const ParseOptions &options = {},
                                         bool *usedCarefulPath = nullptr);

} // namespace netc
