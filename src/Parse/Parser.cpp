//===- Parser.cpp - parseModule: buffer and diagnostics in, AST out -------===//
//
// The parse stage's single entry point. Steps:
//   1. validate the buffer (UTF-8, no NUL) and map code points to bytes;
//   2. the fast path, one statement (or other top-level piece) at a time,
//      lexing on demand through the TokenFilter (which applies the
//      line-end rules and checks brackets) and keeping only the tokens of
//      the piece being parsed:
//        a. the StatementParser parses a statement by recursive descent
//           straight into the AST (no parse tree);
//        b. what it declines (if and for statements, import, const and
//           parameter lists, anything unexpected) ANTLR parses with SLL
//           prediction and a bail-out error strategy; its parse tree is
//           freed as soon as the ASTBuilder has built the piece's AST.
//      Diagnostics go to a scratch engine: any of them, or any syntax error,
//      abandons the fast path;
//   3. the careful path, only then: the whole token stream filled up front,
//      ANTLR's two-stage strategy on the whole file (SLL with bail-out, and
//      if that fails, full LL with error recovery and the plain-words
//      SyntaxErrorReporter), and, if there were no errors, the AST from the
//      parse tree. Every diagnostic of a file comes from this path, exactly
//      as if the fast path did not exist.
//
// The fast path recognises the `file`, `topItem` and `body` rules of
// Netc.g4 by hand (they are LL(1)); it hands statements to the
// StatementParser, and to ANTLR what that declines, `topItem` for import
// and const, and `paramList`. SLL prediction does not depend on the rule a
// decision is reached from, so ANTLR parses each piece as the whole-file
// parse would. ASCII text is lexed by FastLexer, which applies the lexer
// rules of Netc.g4 directly; other text by ANTLR's generated lexer. The
// unit test ParseStages checks that every strategy of ParseStrategy gives
// the same AST and the same diagnostics.
//
//===----------------------------------------------------------------------===//
#include "netc/Parse/Parser.h"

#include "ASTBuilder.h"
#include "FastLexer.h"
#include "SourceText.h"
#include "StatementParser.h"
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

/// Counts the fast path's diagnostics without showing them.
class CountingConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &) override { ++count; }
  unsigned count = 0;
};

/// Thrown when the input leaves what the fast path parses.
struct LeaveFastPath {};

} // namespace

/// The fast path: null when it gave up, and then it has reported nothing.
static std::unique_ptr<ast::Module>
parseFast(unsigned bufferId, const SourceText &text, DiagnosticEngine &diags,
          const ParseLimits &limits, ParseTimings *timings,
          bool directStatements) {
  double total = 0, lex = 0, build = 0, antlrSeconds = 0;
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
    WindowTokenStream tokens(filter);
    if (timings)
      tokens.timeFetches(&lex);

    NetcParser parser(&tokens);
    parser.removeErrorListeners();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    ASTBuilder builder(text, scratch, bufferId);
    StatementParser statements(tokens, text);
    double *buildSink = timings ? &build : nullptr;

    // Frees the parse tree of the piece just built, and the tokens before
    // the current one.
    auto release = [&] {
      parser.getTreeTracker().reset();
      tokens.discardBefore(tokens.index());
    };
    auto isSeparator = [](size_t type) {
      return type == NetcParser::NEWLINE || type == NetcParser::SEMI;
    };
    auto skipSeparators = [&] {
      while (isSeparator(tokens.LA(1)))
        tokens.consume();
    };
    auto expect = [&](size_t type) {
      antlr4::Token *token = tokens.LT(1);
      if (token->getType() != type)
        throw LeaveFastPath();
      tokens.consume();
      return token;
    };
    // Runs an ANTLR rule, timed apart from the lexing it does.
    auto antlr = [&](auto rule) {
      if (!timings)
        return rule();
      Clock::time_point begin = Clock::now();
      double lexBefore = lex;
      auto tree = rule();
      antlrSeconds +=
          std::chrono::duration<double>(Clock::now() - begin).count() -
          (lex - lexBefore);
      return tree;
    };
    // One statement: directly if the StatementParser takes it, else by
    // ANTLR and the ASTBuilder.
    auto statement = [&]() -> ast::StmtPtr {
      if (directStatements) {
        size_t start = tokens.index();
        try {
          return statements.parseStatement();
        } catch (const DeclineStatement &) {
          tokens.seek(start);
        }
      }
      NetcParser::StatementContext *tree =
          antlr([&] { return parser.statement(); });
      ScopedTimer timer(buildSink);
      return builder.buildStatement(*tree);
    };

    ASTBuilder::ModuleParts parts;
    try {
      // file : sep* (topItem sep*)* EOF
      skipSeparators();
      while (tokens.LA(1) != antlr4::Token::EOF) {
        size_t keyword = tokens.LA(1);
        if (keyword == NetcParser::IMPORT || keyword == NetcParser::CONST) {
          NetcParser::TopItemContext *item =
              antlr([&] { return parser.topItem(); });
          {
            ScopedTimer timer(buildSink);
            builder.addTopItem(*item, parts);
          }
          release();
        } else if (keyword == NetcParser::BLOCK ||
                   keyword == NetcParser::NETWORK) {
          // BLOCK name=IDENT LPAREN paramList? RPAREN LBRACE body RBRACE
          // NETWORK name=IDENT (LPAREN paramList? RPAREN)? LBRACE body RBRACE
          size_t start = tokens.LT(1)->getStartIndex();
          tokens.consume();
          ast::Identifier name = builder.identifier(expect(NetcParser::IDENT));
          std::vector<ast::Parameter> params;
          if (keyword == NetcParser::BLOCK ||
              tokens.LA(1) == NetcParser::LPAREN) {
            expect(NetcParser::LPAREN);
            if (tokens.LA(1) != NetcParser::RPAREN) {
              NetcParser::ParamListContext *list =
                  antlr([&] { return parser.paramList(); });
              {
                ScopedTimer timer(buildSink);
                params = builder.buildParamList(list);
              }
              release();
            }
            expect(NetcParser::RPAREN);
          }
          expect(NetcParser::LBRACE);
          // body : sep* (statement (sep+ statement)* sep*)?
          std::vector<ast::StmtPtr> body;
          skipSeparators();
          while (tokens.LA(1) != NetcParser::RBRACE) {
            if (ast::StmtPtr built = statement())
              body.push_back(std::move(built));
            release();
            if (tokens.LA(1) != NetcParser::RBRACE &&
                !isSeparator(tokens.LA(1)))
              throw LeaveFastPath();
            skipSeparators();
          }
          size_t stop = expect(NetcParser::RBRACE)->getStopIndex();
          llvm::SMRange range = text.getRange(start, stop);
          if (keyword == NetcParser::BLOCK)
            parts.blocks.push_back(std::make_unique<ast::BlockDecl>(
                std::move(name), std::move(params), std::move(body), range));
          else
            parts.networks.push_back(std::make_unique<ast::Network>(
                std::move(name), std::move(params), std::move(body), range));
          release();
        } else {
          throw LeaveFastPath();
        }
        skipSeparators();
      }
    } catch (const LeaveFastPath &) {
      return nullptr;
    } catch (const antlr4::RuntimeException &) {
      // ParseCancellationException from the bail-out strategy.
      return nullptr;
    }
    if (quiet.count != 0)
      return nullptr;
    module = builder.finish(std::move(parts));
  }
  if (timings) {
    timings->lex += lex;
    timings->buildAST += build;
    // The rest is the hand-written top-level loop around the statements.
    timings->parseDirect += total - lex - build - antlrSeconds;
    timings->parseANTLR += antlrSeconds;
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

  std::optional<ScopedTimer> parseTimer;
  parseTimer.emplace(timings ? &timings->parseANTLR : nullptr);
  NetcParser parser(&tokens);
  parser.removeErrorListeners();
  auto *simulator = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();

  // Stage 1: SLL, bail out at the first error.
  simulator->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  NetcParser::FileContext *tree = nullptr;
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

  if (strategy != ParseStrategy::Careful)
    if (std::unique_ptr<ast::Module> module =
            parseFast(bufferId, text, diags, limits, timings,
                      strategy == ParseStrategy::Fast))
      return module;
  if (timings)
    timings->usedCarefulPath = true;
  return parseCareful(bufferId, text, diags, limits, timings);
}
