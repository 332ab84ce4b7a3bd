//===- UnicodeLexer.cpp - ANTLR's lexer, with every code point cached -----===//
//
// See UnicodeLexer.h.
//
//===----------------------------------------------------------------------===//
#include "UnicodeLexer.h"

#include "llvm/ADT/DenseMap.h"

#include <vector>

using namespace netc::parse;
using antlr4::atn::LexerATNSimulator;
using antlr4::dfa::DFAState;

namespace {

/// LexerATNSimulator, with the edges of code points above MAX_DFA_EDGE
/// (and below EOF) in a map of this simulator's own, keyed by state and
/// code point. The DFA states are the shared DFA's and outlive it.
class WideEdgeSimulator : public LexerATNSimulator {
public:
  using LexerATNSimulator::LexerATNSimulator;

protected:
  using LexerATNSimulator::addDFAEdge;

  DFAState *getExistingTargetState(DFAState *s, size_t t) override {
    if (!isWide(t))
      return LexerATNSimulator::getExistingTargetState(s, t);
    auto edge = wideEdges.find({s, t});
    return edge == wideEdges.end() ? nullptr : edge->second;
  }

  void addDFAEdge(DFAState *from, size_t t, DFAState *to) override {
    if (!isWide(t))
      return LexerATNSimulator::addDFAEdge(from, t, to);
    wideEdges[{from, t}] = to;
  }

private:
  static bool isWide(size_t t) {
    return t > MAX_DFA_EDGE && t != antlr4::Token::EOF;
  }

  llvm::DenseMap<std::pair<DFAState *, size_t>, DFAState *> wideEdges;
};

/// The DFA of each decision of the lexer's ATN, for every UnicodeLexer (the
/// generated lexer's own are private to it): made once, filled as lexing
/// goes, guarded by the simulator's own locks.
std::vector<antlr4::dfa::DFA> &getSharedDFA(const antlr4::atn::ATN &atn) {
  static std::vector<antlr4::dfa::DFA> dfa = [&] {
    std::vector<antlr4::dfa::DFA> decisions;
    decisions.reserve(atn.getNumberOfDecisions());
    for (size_t i = 0; i < atn.getNumberOfDecisions(); ++i)
      decisions.emplace_back(atn.getDecisionState(i), i);
    return decisions;
  }();
  return dfa;
}

} // namespace

UnicodeLexer::UnicodeLexer(antlr4::CharStream *input) : NetcLexer(input) {
  static antlr4::atn::PredictionContextCache contextCache;
  const antlr4::atn::ATN &atn = getATN();
  // The generated constructor made a plain simulator; its destructor
  // deletes whichever is in place.
  delete _interpreter;
  _interpreter =
      new WideEdgeSimulator(this, atn, getSharedDFA(atn), contextCache);
}
