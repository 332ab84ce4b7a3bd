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
  /// Most operators in one statement (prefix and infix operators, '|>',
  /// '.' and indexing '[': each can add a level to the expression, and
  /// parsing, checking and freeing an expression recurse once per level).
  unsigned maxOperators = 1000;
};

/// Where parseModule spent its time (for --time-phases), in seconds.
struct ParseTimings {
  /// Checking the buffer: UTF-8, no NUL bytes.
  double validate = 0;
  /// Lexing, with the token filter's line-end and bracket rules.
  double lex = 0;
  /// Statements parsed by recursive descent straight into the AST (parsing
  /// and AST building are one step there).
  double parseDirect = 0;
  /// ANTLR's parsing (prediction and matching) into parse trees, for what
  /// the direct parser declines (if and for statements, declarations) and
  /// on the careful path.
  double parseANTLR = 0;
  /// Building the AST from ANTLR's parse trees.
  double buildAST = 0;
  /// True when the fast path gave up (a syntax error, a diagnostic, or an
  /// SLL conflict) and the file was parsed again by the careful path.
  bool usedCarefulPath = false;
};

/// How parseModule parses. Every strategy gives the same AST and the same
/// diagnostics (the unit tests compare them); only the speed differs.
enum class ParseStrategy {
  /// Statements by recursive descent straight into the AST, the rest by
  /// ANTLR with SLL prediction, one piece at a time; the careful path on
  /// any error.
  Fast,
  /// As Fast, but every statement through ANTLR (SLL) and the ASTBuilder.
  ANTLRStatements,
  /// Only the careful path: the whole file through ANTLR (SLL, then full LL
  /// with error recovery and reporting).
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
