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
//      not accept, makes it give up (by returning null);
//   3. the careful path, only then: the whole token stream filled up front,
//      ANTLR's parser on the whole file (full LL prediction, its default
//      error recovery, the plain-words SyntaxErrorReporter), and, if there
//      were no errors, the AST from the parse tree (ASTBuilder). Every
//      diagnostic of a file comes from this path, exactly as if the hand
//      parser did not exist.
//
// ASCII text is lexed by FastLexer, which applies the lexer rules of
// Netc.g4 directly; other text by ANTLR's generated lexer. The unit test
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

#include "NetcLexer.h"
#include "NetcParser.h"

#include <chrono>
#include <optional>

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcParser;

namespace {

using Clock = std::chrono::steady_clock;

/// Adds the time between its construction and destruction to *sink, when
/// there is a sink.
class ScopedTimer {
public:
  explicit ScopedTimer(double *sink) : sink(sink) {
    if (sink)
      start = Clock::now();
  }
  ~ScopedTimer() {
    if (sink)
      *sink += std::chrono::duration<double>(Clock::now() - start).count();
  }

private:
  double *sink;
  Clock::time_point start;
};

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
                                              ParseTimings *timings) {
  double total = 0, lex = 0;
  std::unique_ptr<ast::Module> module;
  {
    ScopedTimer totalTimer(timings ? &total : nullptr);
    CountingConsumer quiet;
    DiagnosticEngine scratch(diags.getSourceMgr(), quiet);

    // ASCII text is read in place by the hand-written lexer; other text
    // goes through ANTLR's input stream and generated lexer.
    std::unique_ptr<antlr4::CharStream> input;
    std::unique_ptr<netc_grammar::NetcLexer> lexer;
    if (text.isAscii()) {
      input = std::make_unique<ByteCharStream>(text.getText());
      lexer = std::make_unique<FastLexer>(input.get(), text.getText());
    } else {
      input = std::make_unique<antlr4::ANTLRInputStream>(
          text.getText().data(), text.getText().size());
      lexer = std::make_unique<netc_grammar::NetcLexer>(input.get());
    }
    lexer->removeErrorListeners();
    TokenFilter filter(*lexer, text, scratch, limits.maxNesting,
                       limits.maxOperators);
    TokenReader tokens(filter);
    if (timings)
      tokens.timeFetches(&lex);

    module = DirectParser(tokens, text, bufferId).parseFile();
    if (quiet.count != 0)
      module = nullptr;
  }
  if (timings) {
    timings->lex += lex;
    timings->handParse += total - lex;
  }
  return module;
}

/// The careful path: the whole file at once, with every diagnostic.
static std::unique_ptr<ast::Module> parseCareful(unsigned bufferId,
                                                 const SourceText &text,
                                                 DiagnosticEngine &diags,
                                                 const ParseLimits &limits,
                                                 ParseTimings *timings) {
  unsigned errorsBefore = diags.getNumErrors();
  antlr4::ANTLRInputStream input(text.getText().data(), text.getText().size());
  netc_grammar::NetcLexer lexer(&input);
  lexer.removeErrorListeners();
  TokenFilter filter(lexer, text, diags, limits.maxNesting,
                     limits.maxOperators);
  antlr4::CommonTokenStream tokens(&filter);
  {
    ScopedTimer timer(timings ? &timings->lex : nullptr);
    tokens.fill();
  }

  // One parse: full LL prediction, ANTLR's default error recovery, every
  // syntax error reported in plain words.
  std::optional<ScopedTimer> parseTimer;
  parseTimer.emplace(timings ? &timings->parseANTLR : nullptr);
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
  ScopedTimer buildTimer(timings ? &timings->buildAST : nullptr);
  ASTBuilder builder(text, diags, bufferId);
  std::unique_ptr<ast::Module> module = builder.buildFile(*tree);
  if (diags.getNumErrors() != errorsBefore)
    return nullptr;
  return module;
}

std::unique_ptr<ast::Module>
netc::parseModule(unsigned bufferId, DiagnosticEngine &diags,
                  const ParseLimits &limits, ParseTimings *timings,
                  ParseStrategy strategy) {
  std::optional<ScopedTimer> validateTimer;
  validateTimer.emplace(timings ? &timings->validate : nullptr);
  SourceText text(bufferId, diags);
  validateTimer.reset();
  if (!text.isValid())
    return nullptr;

  if (strategy == ParseStrategy::Fast)
    if (std::unique_ptr<ast::Module> module =
            parseHand(bufferId, text, diags, limits, timings))
      return module;
  if (timings)
    timings->usedCarefulPath = true;
  return parseCareful(bufferId, text, diags, limits, timings);
}
