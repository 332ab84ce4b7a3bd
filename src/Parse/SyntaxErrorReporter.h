//===- SyntaxErrorReporter.h - ANTLR errors in plain words ------*- C++ -*-===//
//
// Private to the parse stage. Replaces ANTLR's console listener: turns each
// syntax error into a located netc diagnostic worded for people ("expected an
// expression, found ')'") instead of a dump of token sets, and keeps one
// mistake from producing a cascade of follow-on errors.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourceText.h"
#include "TokenFilter.h"

#include "netc/Basic/Diagnostics.h"

#include "antlr4-runtime.h"

#include "llvm/ADT/ArrayRef.h"

namespace netc_grammar {
class NetcParser;
}

namespace netc::parse {

/// An ANTLR error listener that reports through the DiagnosticEngine.
class SyntaxErrorReporter : public antlr4::BaseErrorListener {
public:
  SyntaxErrorReporter(const SourceText &text, const TokenFilter &filter,
                      DiagnosticEngine &diags)
      : text(text), filter(filter), diags(diags) {}

  void syntaxError(antlr4::Recognizer *recognizer,
                   antlr4::Token *offendingSymbol, size_t line,
                   size_t charPositionInLine, const std::string &msg,
                   std::exception_ptr e) override;

private:
  std::string describe(const antlr4::Token &token) const;
  std::string describeExpected(const antlr4::misc::IntervalSet &expected) const;
  /// The name that starts the statement \p offending follows directly
  /// (`inptu` in `inptu x: [3]`), or null.
  static antlr4::Token *
  getStatementStartBefore(netc_grammar::NetcParser &parser,
                          const antlr4::Token &offending);
  /// If \p token is close to one of \p keywords, reports it as a misspelt
  /// keyword with a fix-it and returns true.
  bool reportMisspeltKeyword(const antlr4::Token &token,
                             llvm::ArrayRef<std::string> keywords,
                             llvm::StringRef expectedWhat);
  /// If the bounds \p from of a for loop are Python's `range(...)`,
  /// reports it with the rewrite to `a..b` and returns true.
  bool reportPythonRange(antlr4::ParserRuleContext &from);
  /// `x[:, 0]`, `x[0, 1]`: reports a comma in a subscript (at \p comma),
  /// with the rewrite of torch's batch-first `[:, i]` as a note, and
  /// returns true; false when \p comma is not in a subscript.
  bool reportSubscriptComma(netc_grammar::NetcParser &parser,
                            const antlr4::Token &comma);
  /// `x.view(...)`: reports a tensor method call at its '(' and returns
  /// true, or returns false for anything else.
  bool reportMethodCall(netc_grammar::NetcParser &parser,
                        const antlr4::Token &paren);

  const SourceText &text;
  const TokenFilter &filter;
  DiagnosticEngine &diags;
  bool shouldSuppress(antlr4::Parser &parser, antlr4::Token &offending);
  size_t lastErrorLine = 0;
  /// Token index of the last reported error, or -1 before the first.
  size_t lastErrorToken = static_cast<size_t>(-1);
};

} // namespace netc::parse
