//===- TokenFilter.h - the token source between lexer and parser -*- C++ -*-===//
//
// Private to the parse stage. Sits between the lexer (FastLexer or NetcLexer)
// and the parser (the hand parser's TokenReader, or the careful path's
// CommonTokenStream) and makes line ends mean what the language says:
//   - line ends inside (...) and [...] are dropped (an expression continues);
//   - line ends before a line that starts with '|>' or 'else' are dropped;
//   - runs of line ends become one.
// It also tracks bracket nesting, so it reports unmatched and unclosed
// brackets, nesting beyond the limit (before either parser's recursive
// descent could overflow the stack), invalid characters and unterminated
// strings. It counts the operators of each statement too: a chain such as
// `- - - 1`, `1 + 1 + 1` or `x |> relu |> relu` nests one expression in the
// next, so past a limit it is reported (and the rest of the file dropped)
// before the parsers and the checker recurse through it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourceText.h"

#include "netc/Basic/Diagnostics.h"

#include "NetcLexer.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace netc::parse {

/// Filters and checks the lexer's tokens; see the file comment.
class TokenFilter : public antlr4::TokenSource {
public:
  TokenFilter(netc_grammar::NetcLexer &lexer, const SourceText &text,
              DiagnosticEngine &diags, unsigned maxNesting,
              unsigned maxOperators)
      : lexer(lexer), text(text), diags(diags), maxNesting(maxNesting),
        maxOperators(maxOperators) {}

  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override { return lexer.getLine(); }
  size_t getCharPositionInLine() override {
    return lexer.getCharPositionInLine();
  }
  antlr4::CharStream *getInputStream() override {
    return lexer.getInputStream();
  }
  std::string getSourceName() override { return lexer.getSourceName(); }
  antlr4::TokenFactory<antlr4::CommonToken> *getTokenFactory() override {
    return lexer.getTokenFactory();
  }

  /// Makes the filter end the token stream at its first diagnostic: the
  /// hand parser gives up then anyway, and an input of nothing but errors
  /// should not have all of them made for a scratch engine.
  void setStopAtFirstDiagnostic() { stopAtFirstDiagnostic = true; }

  /// True once a bracket error made the token structure unreliable; the
  /// parser's own follow-on errors are then not worth reporting.
  bool hasStructuralError() const { return structuralError; }
  /// True when a bad character or string was dropped on line \p line (the
  /// parser's error on that line would only repeat it).
  bool hasLexicalErrorOnLine(size_t line) const {
    return std::find(lexicalErrorLines.begin(), lexicalErrorLines.end(),
                     line) != lexicalErrorLines.end();
  }

private:
  struct OpenBracket {
    size_t type;
    llvm::SMLoc loc;
    llvm::StringRef construct;
    /// Where the first line end inside this bracket was dropped: the most
    /// likely place a missing closer belongs.
    llvm::SMLoc firstLineEnd;
    size_t line;
    /// `else` branches of the if statement running inside this bracket.
    unsigned elses = 0;
  };
  std::unique_ptr<antlr4::Token> fetch();
  bool newlinesAreInsignificant() const;
  void reportUnclosed(const OpenBracket &open, llvm::SMLoc where);
  llvm::SMRange rangeOf(const antlr4::Token &token) const;

  netc_grammar::NetcLexer &lexer;
  const SourceText &text;
  DiagnosticEngine &diags;
  unsigned maxNesting;
  unsigned maxOperators;
  /// Operators since the statement began (a line end, ';', '{' or '}').
  unsigned operators = 0;
  std::vector<OpenBracket> open;
  std::unique_ptr<antlr4::Token> pending;
  size_t previousType = antlr4::Token::INVALID_TYPE;
  /// Just past the last token returned: where a line's code ends, before
  /// any comment after it.
  llvm::SMLoc previousEnd;
  bool structuralError = false;
  bool stopped = false;
  bool stopAtFirstDiagnostic = false;
  std::vector<size_t> lexicalErrorLines;
};

} // namespace netc::parse
