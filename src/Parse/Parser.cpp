//===- Parser.cpp - parseModule: buffer and diagnostics in, AST out -------===//
//
// The parse stage's single entry point. Steps:
//   1. validate the buffer (UTF-8, no NUL) and map code points to bytes;
//   2. the hand parser (DirectParser), which follows every parser rule of
//      Netc.g4 by recursive descent and builds the AST directly, lexing on
//      demand through the TokenFilter (which applies the line-end rules and
//      checks brackets and limits) and keeping only a batch of small token
//      records. It reports nothing: the TokenFilter's diagnostics go to a
//      scratch engine, and any of them, or any input the hand parser does
//      not accept, makes it give up (by returning null); the first of them
//      ends the token stream, so an input of nothing but errors is not
//      diagnosed twice in full;
//   3. the careful path, only then: the whole token stream filled up front,
//      ANTLR's parser on the whole file (full LL prediction, its default
//      error recovery, the plain-words SyntaxErrorReporter), and, if there
//      were no errors, the AST from the parse tree (ASTBuilder). Every
//      diagnostic of a file comes from this path, exactly as if the hand
//      parser did not exist.
//
// ASCII text is lexed by FastLexer, which applies the lexer rules of
// Netc.g4 directly; other text by ANTLR's generated lexer, with its DFA
// cache widened to every code point (UnicodeLexer). The unit test
// ParseStages checks that both strategies of ParseStrategy give the same
// AST and the same diagnostics, and that the hand parser gives up exactly
// when ANTLR reports a mistake.
//
//===----------------------------------------------------------------------===//
#include "netc/Parse/Parser.h"

#include "ASTBuilder.h"
#include "DirectParser.h"
#include "FastLexer.h"
#include "SourceText.h"
#include "StreamingInput.h"
#include "SyntaxErrorReporter.h"
#include "TokenFilter.h"
#include "UnicodeLexer.h"

#include "NetcLexer.h"
#include "NetcParser.h"

#include <optional>

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcParser;

namespace {

/// Counts the token filter's diagnostics on the hand parser's run without
/// showing them.
class CountingConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &) override { ++count; }
  unsigned count = 0;
};

} // namespace

/// The hand parser: null when it gave up, and then it has reported nothing.
static std::unique_ptr<ast::Module> parseHand(unsigned bufferId,
                                              const SourceText &text,
                                              DiagnosticEngine &diags,
                                              const ParseLimits &limits,
                                              PhaseTimes *times) {
  double lex = 0;
  PhaseTimes::Clock::time_point start = PhaseTimes::Clock::now();
  std::unique_ptr<ast::Module> module;
  {
    CountingConsumer quiet;
    DiagnosticEngine scratch(diags.getSourceMgr(), quiet);

    // ASCII text is read in place by the hand-written lexer; other text
    // goes through ANTLR's input stream and generated lexer (UnicodeLexer).
    std::unique_ptr<antlr4::CharStream> input;
    std::unique_ptr<netc_grammar::NetcLexer> lexer;
    if (text.isAscii()) {
      input = std::make_unique<ByteCharStream>(text.getText());
      lexer = std::make_unique<FastLexer>(input.get(), text.getText());
    } else {
      input = std::make_unique<antlr4::ANTLRInputStream>(
          text.getText().data(), text.getText().size());
      lexer = std::make_unique<UnicodeLexer>(input.get());
    }
    lexer->removeErrorListeners();
    TokenFilter filter(*lexer, text, scratch, limits.maxNesting,
                       limits.maxOperators);
    filter.setStopAtFirstDiagnostic();
    TokenReader tokens(filter);
    if (times)
      tokens.timeFetches(&lex);

    module = DirectParser(tokens, text, bufferId).parseFile();
    if (quiet.count != 0)
      module = nullptr;
  }
  if (times) {
    // Lexing is interleaved with parsing and timed apart.
    times->add("lex", lex, /*recordRSS=*/false);
    times->add("parse + build AST (direct, no parse tree)",
               PhaseTimes::secondsSince(start) - lex,
               /*recordRSS=*/module != nullptr);
  }
  return module;
}

/// The careful path: the whole file at once, with every diagnostic.
static std::unique_ptr<ast::Module> parseCareful(unsigned bufferId,
                                                 const SourceText &text,
                                                 DiagnosticEngine &diags,
                                                 const ParseLimits &limits,
                                                 PhaseTimes *times) {
  unsigned errorsBefore = diags.getNumErrors();
  antlr4::ANTLRInputStream input(text.getText().data(), text.getText().size());
  UnicodeLexer lexer(&input);
  lexer.removeErrorListeners();
  TokenFilter filter(lexer, text, diags, limits.maxNesting,
                     limits.maxOperators);
  antlr4::CommonTokenStream tokens(&filter);
  {
    PhaseTimes::Scope phase(times, "lex (careful path: every token kept)",
                            /*recordRSS=*/false);
    tokens.fill();
  }
  // A bracket left open or closed wrongly, or nesting past the limit, is
  // reported by the filter, and ANTLR's errors after it are not shown (they
  // would only repeat it): the parse can only fail, so it is not run. On a
  // megabyte of `network N { input x: [3]; ` it took 1.3 s.
  if (filter.hasStructuralError())
    return nullptr;

  // One parse: full LL prediction, ANTLR's default error recovery, every
  // syntax error reported in plain words.
  std::optional<PhaseTimes::Scope> parseTimer;
  parseTimer.emplace(times, "parse (ANTLR, careful path: LL)",
                     /*recordRSS=*/false);
  NetcParser parser(&tokens);
  parser.removeErrorListeners();
  SyntaxErrorReporter reporter(text, filter, diags);
  parser.addErrorListener(&reporter);
  parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::LL);
  NetcParser::FileContext *tree = parser.file();
  parseTimer.reset();

  if (diags.getNumErrors() != errorsBefore || !tree)
    return nullptr;
  PhaseTimes::Scope buildTimer(times, "build AST (from ANTLR's tree)");
  ASTBuilder builder(text, diags, bufferId);
  std::unique_ptr<ast::Module> module = builder.buildFile(*tree);
  if (diags.getNumErrors() != errorsBefore)
    return nullptr;
  return module;
}

std::unique_ptr<ast::Module> netc::parseModule(unsigned bufferId,
                                               DiagnosticEngine &diags,
                                               const ParseOptions &options,
                                               bool *usedCarefulPath) {
  std::optional<SourceText> text;
  {
    PhaseTimes::Scope phase(options.times, "validate UTF-8",
                            /*recordRSS=*/false);
    text.emplace(bufferId, diags);
  }
  if (usedCarefulPath)
    *usedCarefulPath = false;
  if (!text->isValid())
    return nullptr;
  if (options.strategy == ParseStrategy::Fast)
    if (std::unique_ptr<ast::Module> module = parseHand(
            bufferId, *text, diags, options.limits, options.times))
      return module;
  if (usedCarefulPath)
    *usedCarefulPath = true;
  return parseCareful(bufferId, *text, diags, options.limits, options.times);
}
