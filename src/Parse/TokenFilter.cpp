//===- TokenFilter.cpp - line-end rules and bracket checks ----------------===//
//
// See TokenFilter.h. The filter is a small state machine over the lexer's
// tokens with a stack of open brackets and one token of lookahead.
//
//===----------------------------------------------------------------------===//
#include "TokenFilter.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcLexer;

static char closerFor(size_t openType) {
  switch (openType) {
  case NetcLexer::LPAREN:
    return ')';
  case NetcLexer::LBRACK:
    return ']';
  default:
    return '}';
  }
}

static char openerFor(size_t closeType) {
  switch (closeType) {
  case NetcLexer::RPAREN:
    return '(';
  case NetcLexer::RBRACK:
    return '[';
  default:
    return '{';
  }
}

static size_t openTypeFor(size_t closeType) {
  switch (closeType) {
  case NetcLexer::RPAREN:
    return NetcLexer::LPAREN;
  case NetcLexer::RBRACK:
    return NetcLexer::LBRACK;
  default:
    return NetcLexer::LBRACE;
  }
}

llvm::SMRange TokenFilter::rangeOf(const antlr4::Token &token) const {
  return text.getRange(token.getStartIndex(), token.getStopIndex());
}

bool TokenFilter::newlinesAreInsignificant() const {
  return !open.empty() && open.back().type != NetcLexer::LBRACE;
}

void TokenFilter::reportUnclosed(const OpenBracket &bracket, llvm::SMLoc where) {
  structuralError = true;
  // An unterminated string swallowed the closer: that error says it all.
  if (hasLexicalErrorOnLine(bracket.line))
    return;
  char opener = bracket.type == NetcLexer::LPAREN   ? '('
                : bracket.type == NetcLexer::LBRACK ? '['
                                                    : '{';
  if (bracket.firstLineEnd.isValid())
    where = bracket.firstLineEnd;
  std::string closer(1, closerFor(bracket.type));
  DiagnosticBuilder builder =
      diags.report(where, diag::err_expected_closing, closer, bracket.construct);
  // Closing at the end of the line is certain when the line ends a complete
  // item, not a ',', an opener or an operator that asks for more.
  llvm::StringRef before = llvm::StringRef(
      text.getText().data(),
      where.getPointer() - text.getText().data()).rtrim(" \t\r");
  if (bracket.firstLineEnd.isValid() && !before.empty() &&
      !llvm::StringRef(",([{|+-*/=<>!").contains(before.back()))
    builder.fixIt(llvm::SMRange(where, where), closer);
  builder.note(bracket.loc, diag::note_opening_bracket, std::string(1, opener));
  structuralError = true;
}

/// True for the tokens that can nest one expression in another: prefix and
/// infix operators, '|>', '.', '..' and '[' (indexing, and shapes).
static bool isOperator(size_t type) {
  switch (type) {
  case NetcLexer::PLUS:
  case NetcLexer::MINUS:
  case NetcLexer::STAR:
  case NetcLexer::SLASH:
  case NetcLexer::DSLASH:
  case NetcLexer::PERCENT:
  case NetcLexer::EQ:
  case NetcLexer::NE:
  case NetcLexer::LT:
  case NetcLexer::LE:
  case NetcLexer::GT:
  case NetcLexer::GE:
  case NetcLexer::AND:
  case NetcLexer::OR:
  case NetcLexer::NOT:
  case NetcLexer::PIPE:
  case NetcLexer::DOT:
  case NetcLexer::DOTDOT:
  case NetcLexer::LBRACK:
    return true;
  default:
    return false;
  }
}

/// Returns the next token from the lookahead slot or the lexer.
std::unique_ptr<antlr4::Token> TokenFilter::fetch() {
  if (pending)
    return std::move(pending);
  return lexer.nextToken();
}

std::unique_ptr<antlr4::Token> TokenFilter::nextToken() {
  while (true) {
    if (stopAtFirstDiagnostic && !stopped &&
        diags.getNumErrors() + diags.getNumWarnings() != 0)
      stopped = true;
    std::unique_ptr<antlr4::Token> token = fetch();
    size_t type = token->getType();
    if (stopped && type != antlr4::Token::EOF)
      continue;

    switch (type) {
    case NetcLexer::INVALID: {
      llvm::SMRange range = rangeOf(*token);
      std::string shown = token->getText();
      unsigned char first = shown.empty() ? 0 : shown[0];
      if (first < 0x20 || first == 0x7f)
        shown = llvm::formatv("\\x{0}", llvm::format_hex_no_prefix(first, 2))
                    .str();
      diags.report(range.Start, diag::err_invalid_character, shown)
          .range(range);
      lexicalErrorLines.push_back(token->getLine());
      continue;
    }
    case NetcLexer::NON_ASCII_NAME: {
      llvm::SMRange range = rangeOf(*token);
      diags.report(range.Start, diag::err_non_ascii_name, token->getText())
          .range(range);
      lexicalErrorLines.push_back(token->getLine());
      if (auto *writable = dynamic_cast<antlr4::WritableToken *>(token.get()))
        writable->setType(NetcLexer::IDENT);
      type = NetcLexer::IDENT;
      break;
    }
    case NetcLexer::UNTERMINATED_STRING: {
      llvm::SMRange range = rangeOf(*token);
      diags.report(range.Start, diag::err_unterminated_string).range(range);
      lexicalErrorLines.push_back(token->getLine());
      continue;
    }
    case NetcLexer::NEWLINE: {
      if (newlinesAreInsignificant()) {
        // The line's code ends after its last token, before a comment.
        if (!open.back().firstLineEnd.isValid())
          open.back().firstLineEnd =
              previousEnd.isValid() ? previousEnd : rangeOf(*token).Start;
        continue;
      }
      // Fold a run of line ends; drop them all before a '|>' line.
      std::unique_ptr<antlr4::Token> next = lexer.nextToken();
      while (next->getType() == NetcLexer::NEWLINE)
        next = lexer.nextToken();
      if (next->getType() == NetcLexer::PIPE ||
          next->getType() == NetcLexer::ELSE) {
        pending = std::move(next);
        continue;
      }
      pending = std::move(next);
      if (previousType == NetcLexer::NEWLINE)
        continue;
      break;
    }
    case NetcLexer::LPAREN:
    case NetcLexer::LBRACK:
    case NetcLexer::LBRACE: {
      llvm::StringRef construct =
          type == NetcLexer::LBRACE ? "network body"
          : type == NetcLexer::LBRACK
              ? "shape"
              : (previousType == NetcLexer::IDENT ? "call" : "tuple");
      llvm::SMLoc loc = rangeOf(*token).Start;
      open.push_back({type, loc, construct, llvm::SMLoc(), token->getLine()});
      if (open.size() > maxNesting) {
        diags.report(loc, diag::err_nesting_too_deep, maxNesting);
        structuralError = true;
        stopped = true;
        open.clear();
        continue;
      }
      break;
    }
    case NetcLexer::RPAREN:
    case NetcLexer::RBRACK:
    case NetcLexer::RBRACE: {
      size_t wanted = openTypeFor(type);
      llvm::SMRange range = rangeOf(*token);
      if (!open.empty() && open.back().type == wanted) {
        open.pop_back();
        break;
      }
      // Is it closing something further out? Then the inner ones are unclosed.
      auto it = std::find_if(open.rbegin(), open.rend(),
                             [&](const OpenBracket &b) { return b.type == wanted; });
      if (it != open.rend()) {
        reportUnclosed(open.back(), range.Start);
        open.erase(std::prev(it.base()), open.end());
        break;
      }
      if (!open.empty() && open.back().type != NetcLexer::LBRACE &&
          type != NetcLexer::RBRACE) {
        // The wrong closer for the innermost bracket: `[3, 32)`.
        OpenBracket bracket = open.back();
        bracket.firstLineEnd = llvm::SMLoc(); // the error is right here
        reportUnclosed(bracket, range.Start);
        open.pop_back();
        break;
      }
      diags.report(range.Start, diag::err_unmatched_closing,
                   std::string(1, closerFor(wanted)),
                   std::string(1, openerFor(type)))
          .range(range);
      structuralError = true;
      continue;
    }
    case NetcLexer::NETWORK:
      // `network` only starts a top-level item: anything still open was
      // never closed (typically the previous network's '}').
      if (!open.empty()) {
        reportUnclosed(open.back(), rangeOf(*token).Start);
        open.clear();
      }
      break;
    case antlr4::Token::EOF:
      if (!open.empty()) {
        reportUnclosed(open.back(), rangeOf(*token).Start);
        open.clear();
      }
      break;
    default:
      break;
    }
    // Chains that nest without brackets: operators in a statement, and
    // `else if` branches in an if statement (counted in the brackets whose
    // body holds the statement; a statement end there restarts the count).
    bool statementEnd = type == NetcLexer::NEWLINE || type == NetcLexer::SEMI;
    if (statementEnd && !open.empty())
      open.back().elses = 0;
    if (statementEnd || type == NetcLexer::LBRACE || type == NetcLexer::RBRACE)
      operators = 0;
    bool tooManyOperators = isOperator(type) && ++operators > maxOperators;
    bool tooManyElses = type == NetcLexer::ELSE && !open.empty() &&
                        ++open.back().elses > maxNesting;
    if (tooManyOperators || tooManyElses) {
      llvm::SMRange range = rangeOf(*token);
      if (tooManyOperators)
        diags.report(range.Start, diag::err_too_many_operators, maxOperators)
            .range(range);
      else
        diags.report(range.Start, diag::err_else_chain_too_long, maxNesting)
            .range(range);
      structuralError = true;
      stopped = true;
      open.clear();
      continue;
    }
    previousType = type;
    previousEnd = rangeOf(*token).End;
    return token;
  }
}
