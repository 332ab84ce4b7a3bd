//===- Parser.cpp - parseModule: buffer and diagnostics in, AST out -------===//
//
// The parse stage's single entry point. Steps:
//   1. validate the buffer (UTF-8, no NUL) and map code points to bytes;
//   2. lex through the TokenFilter, which applies the line-end rules and
//      checks brackets; the whole token stream is filled up front;
//   3. parse with ANTLR's two-stage strategy: fast SLL prediction with a
//      bail-out error strategy first, and only if that fails, full LL with
//      error recovery and the plain-words SyntaxErrorReporter;
//   4. if there were no errors, build the AST from the parse tree.
//
//===----------------------------------------------------------------------===//
#include "netc/Parse/Parser.h"

#include "ASTBuilder.h"
#include "SourceText.h"
#include "SyntaxErrorReporter.h"
#include "TokenFilter.h"

#include "NetcLexer.h"
#include "NetcParser.h"

using namespace netc;
using namespace netc::parse;

std::unique_ptr<ast::Module> netc::parseModule(unsigned bufferId,
                                               DiagnosticEngine &diags,
                                               const ParseLimits &limits) {
  unsigned errorsBefore = diags.getNumErrors();
  SourceText text(bufferId, diags);
  if (!text.isValid())
    return nullptr;

  antlr4::ANTLRInputStream input(text.getText().data(), text.getText().size());
  netc_grammar::NetcLexer lexer(&input);
  lexer.removeErrorListeners();
  TokenFilter filter(lexer, text, diags, limits.maxNesting);
  antlr4::CommonTokenStream tokens(&filter);
  tokens.fill();

  netc_grammar::NetcParser parser(&tokens);
  parser.removeErrorListeners();
  auto *simulator = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();

  // Stage 1: SLL, bail out at the first error.
  simulator->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  netc_grammar::NetcParser::FileContext *tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException &) {
    tree = nullptr;
  }

  // Stage 2: full LL with recovery and reporting.
  SyntaxErrorReporter reporter(text, filter, diags);
  if (!tree) {
    tokens.seek(0);
    parser.reset();
    parser.addErrorListener(&reporter);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    simulator->setPredictionMode(antlr4::atn::PredictionMode::LL);
    tree = parser.file();
  }

  if (diags.getNumErrors() != errorsBefore || !tree)
    return nullptr;
  ASTBuilder builder(text, diags, bufferId);
  std::unique_ptr<ast::Module> module = builder.buildFile(*tree);
  if (diags.getNumErrors() != errorsBefore)
    return nullptr;
  return module;
}
