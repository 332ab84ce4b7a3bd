//===- UnicodeLexer.h - ANTLR's lexer, with every code point cached -*- C++ -*-===//
//
// Private to the parse stage. ANTLR's LexerATNSimulator caches the DFA's
// edges for code points 0..127 only ("forces unicode to stay in ATN"), so
// every other character runs the ATN again: closures, config sets, hashes.
// A megabyte of 'é' took 2.3 s to lex, twice (the hand parser's run and the
// careful path). UnicodeLexer is the generated NetcLexer with a simulator
// that keeps the edges of wider code points in a map of its own. A DFA edge
// is a function of its state and the code point, whatever the code point,
// so the tokens are the same; the unit test ParseStages runs both lexers on
// every non-ASCII test input and compares them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "NetcLexer.h"

namespace netc::parse {

/// The generated lexer, caching DFA edges for every code point.
class UnicodeLexer : public netc_grammar::NetcLexer {
public:
  explicit UnicodeLexer(antlr4::CharStream *input);
};

} // namespace netc::parse
