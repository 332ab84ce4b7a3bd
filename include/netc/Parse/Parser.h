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

/// Where parseModule spent its time (for --time-phases), in seconds.
struct ParseTimings {
  /// Checking the buffer: UTF-8, no NUL bytes.
  double validate = 0;
  /// Lexing, with the token filter's line-end and bracket rules (on both
  /// paths when the careful path ran).
  double lex = 0;
  /// The hand parser: parsing and building the AST are one step there (no
  /// parse tree).
  double handParse = 0;
  /// The careful path: ANTLR's parse of the whole file into a parse tree.
  double parseANTLR = 0;
  /// The careful path: building the AST from ANTLR's parse tree.
  double buildAST = 0;
  /// True when the hand parser gave up (a syntax error or any other
  /// diagnostic) and the file was parsed again by the careful path.
  bool usedCarefulPath = false;
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

/// Parses buffer \p bufferId of the engine's source manager. Every syntax
/// error is reported through \p diags; returns null when there were any.
/// When \p timings is given, the time of each step is added to it.
std::unique_ptr<ast::Module>
parseModule(unsigned bufferId, DiagnosticEngine &diags,
            const ParseLimits &limits = {}, ParseTimings *timings = nullptr,
            ParseStrategy strategy = ParseStrategy::Fast);

} // namespace netc
