//===- SyntaxErrorReporter.cpp - ANTLR errors in plain words --------------===//
//
// Classifies each ANTLR syntax error by what the parser expected at that
// point and words it for a person. At most one syntax error is reported per
// line, and none once the bracket structure is broken (the token filter has
// already said where), so a single mistake gives a single error.
//
//===----------------------------------------------------------------------===//
#include "SyntaxErrorReporter.h"

#include "netc/Basic/PyTorchNames.h"

#include "netc/Basic/Suggest.h"

#include "NetcParser.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcParser;

/// How a token kind reads in a message ("a name", "')'").
static std::string tokenKindName(size_t type) {
  switch (type) {
  case antlr4::Token::EOF:
    return "end of file";
  case NetcParser::NEWLINE:
    return "a line end";
  case NetcParser::IDENT:
    return "a name";
  case NetcParser::INT:
    return "an integer";
  case NetcParser::FLOAT:
    return "a number";
  case NetcParser::STRING:
    return "a string";
  case NetcParser::NETWORK:
    return "'network'";
  case NetcParser::INPUT:
    return "'input'";
  case NetcParser::PARAM:
    return "'param'";
  case NetcParser::BUFFER:
    return "'buffer'";
  case NetcParser::OUTPUT:
    return "'output'";
  case NetcParser::IMPORT:
    return "'import'";
  case NetcParser::CONST:
    return "'const'";
  case NetcParser::BLOCK:
    return "'block'";
  case NetcParser::RETURN:
    return "'return'";
  case NetcParser::IF:
    return "'if'";
  case NetcParser::ELSE:
    return "'else'";
  case NetcParser::FOR:
    return "'for'";
  case NetcParser::IN:
    return "'in'";
  case NetcParser::AND:
    return "'and'";
  case NetcParser::OR:
    return "'or'";
  case NetcParser::NOT:
    return "'not'";
  case NetcParser::AS:
    return "'as'";
  case NetcParser::DOTDOT:
    return "'..'";
  case NetcParser::DOT:
    return "'.'";
  case NetcParser::EQ:
    return "'=='";
  case NetcParser::NE:
    return "'!='";
  case NetcParser::LT:
    return "'<'";
  case NetcParser::LE:
    return "'<='";
  case NetcParser::GT:
    return "'>'";
  case NetcParser::GE:
    return "'>='";
  case NetcParser::PLUS:
    return "'+'";
  case NetcParser::STAR:
    return "'*'";
  case NetcParser::SLASH:
    return "'/'";
  case NetcParser::DSLASH:
    return "'//'";
  case NetcParser::PERCENT:
    return "'%'";
  case NetcParser::TRUE:
    return "'true'";
  case NetcParser::FALSE:
    return "'false'";
  case NetcParser::PIPE:
    return "'|>'";
  case NetcParser::ASSIGN:
    return "'='";
  case NetcParser::COLON:
    return "':'";
  case NetcParser::SEMI:
    return "';'";
  case NetcParser::COMMA:
    return "','";
  case NetcParser::MINUS:
    return "'-'";
  case NetcParser::LPAREN:
    return "'('";
  case NetcParser::RPAREN:
    return "')'";
  case NetcParser::LBRACK:
    return "'['";
  case NetcParser::RBRACK:
    return "']'";
  case NetcParser::LBRACE:
    return "'{'";
  case NetcParser::RBRACE:
    return "'}'";
  default:
    return "a token";
  }
}

std::string SyntaxErrorReporter::describe(const antlr4::Token &token) const {
  size_t type = token.getType();
  if (type == antlr4::Token::EOF || type == NetcParser::NEWLINE)
    return tokenKindName(type);
  std::string spelling = token.getText();
  if (spelling.size() > 40)
    spelling = spelling.substr(0, 37) + "...";
  return "'" + spelling + "'";
}

/// True for the reserved words of the language.
static bool isKeyword(size_t type) {
  switch (type) {
  case NetcParser::NETWORK:
  case NetcParser::INPUT:
  case NetcParser::PARAM:
  case NetcParser::BUFFER:
  case NetcParser::OUTPUT:
  case NetcParser::IMPORT:
  case NetcParser::CONST:
  case NetcParser::BLOCK:
  case NetcParser::RETURN:
  case NetcParser::IF:
  case NetcParser::ELSE:
  case NetcParser::FOR:
  case NetcParser::IN:
  case NetcParser::AND:
  case NetcParser::OR:
  case NetcParser::NOT:
  case NetcParser::TRUE:
  case NetcParser::FALSE:
  case NetcParser::AS:
    return true;
  default:
    return false;
  }
}

bool SyntaxErrorReporter::reportPythonRange(antlr4::ParserRuleContext &from) {
  std::string tokens = from.getText(); // without spaces
  llvm::StringRef written = tokens;
  if (!written.consume_front("range(") || !written.consume_back(")"))
    return false;
  llvm::SmallVector<llvm::StringRef, 3> bounds;
  written.split(bounds, ',');
  llvm::SMRange range = text.getRange(from.getStart()->getStartIndex(),
                                      from.getStop()->getStopIndex());
  auto report = diags.report(range.Start, diag::err_for_range);
  report.range(range);
  // range(n) and range(a, b) have a certain rewrite; a step does not.
  if (bounds.size() == 1 && !bounds[0].empty())
    report.fixIt(range, ("0.." + bounds[0]).str());
  else if (bounds.size() == 2)
    report.fixIt(range, (bounds[0] + ".." + bounds[1]).str());
  return true;
}

bool SyntaxErrorReporter::reportMethodCall(NetcParser &parser,
                                           const antlr4::Token &paren) {
  size_t index = paren.getTokenIndex();
  if (index < 3)
    return false;
  antlr4::TokenStream *tokens = parser.getTokenStream();
  antlr4::Token *method = tokens->get(index - 1);
  antlr4::Token *dot = tokens->get(index - 2);
  antlr4::Token *receiver = tokens->get(index - 3);
  if (method->getType() != NetcParser::IDENT ||
      dot->getType() != NetcParser::DOT ||
      receiver->getType() != NetcParser::IDENT)
    return false;
  std::string name = method->getText();
  std::string op = findPyTorchSpelling(name).value_or(name).str();
  llvm::SMRange range =
      text.getRange(receiver->getStartIndex(), paren.getStopIndex());
  // The arguments' meaning may change (torch counts the batch axis), so
  // the rewrite is told, not applied.
  diags.report(range.Start, diag::err_method_call, receiver->getText(), name,
               op)
      .range(range);
  return true;
}

bool SyntaxErrorReporter::reportSubscriptComma(NetcParser &parser,
                                               const antlr4::Token &comma) {
  auto *postfix = dynamic_cast<NetcParser::PostfixContext *>(parser.getContext());
  if (!postfix)
    return false;
  antlr4::TokenStream *tokens = parser.getTokenStream();
  // The subscript's '[': the last one before the comma at this depth.
  size_t open = comma.getTokenIndex(), depth = 0;
  while (open > postfix->getStart()->getTokenIndex()) {
    size_t t = tokens->get(--open)->getType();
    if (t == NetcParser::RBRACK || t == NetcParser::RPAREN)
      ++depth;
    else if ((t == NetcParser::LBRACK || t == NetcParser::LPAREN) && depth)
      --depth;
    else if (t == NetcParser::LBRACK)
      break;
  }
  if (tokens->get(open)->getType() != NetcParser::LBRACK)
    return false;
  antlr4::Token *receiver = postfix->getStart();
  std::string name = receiver->getType() == NetcParser::IDENT
                         ? receiver->getText()
                         : std::string("x");
  llvm::SMRange at = text.getRange(comma.getStartIndex(), comma.getStopIndex());
  auto report = diags.report(at.Start, diag::err_subscript_comma, name);
  report.range(at);
  // torch's `[:, i]` on a batch-first tensor: netc's `[i]`, when what
  // follows the comma is one token or a negative number and the ']'.
  if (comma.getTokenIndex() != open + 2 ||
      tokens->get(open + 1)->getType() != NetcParser::COLON)
    return true;
  size_t close = comma.getTokenIndex() + 1;
  if (tokens->get(close)->getType() == NetcParser::MINUS)
    ++close;
  antlr4::Token *index = tokens->get(close);
  if (index->getType() != NetcParser::INT ||
      tokens->get(close + 1)->getType() != NetcParser::RBRACK)
    return true;
  antlr4::Token *last = tokens->get(close + 1);
  llvm::SMRange whole =
      text.getRange(tokens->get(open)->getStartIndex(), last->getStopIndex());
  std::string indexText =
      (close > comma.getTokenIndex() + 1 ? "-" : "") + index->getText();
  std::string written = "[:, " + indexText + "]";
  // The meaning changes if the tensor was not batch-first in the user's
  // mind: a note's fix-it, never applied by --fixit.
  report.note(whole.Start, diag::note_no_batch_axis, name + written,
              name + "[" + indexText + "]")
      .noteRange(whole)
      .noteFixIt(whole, "[" + indexText + "]");
  return true;
}

/// True when \p expected holds token type \p type.
static bool has(const antlr4::misc::IntervalSet &expected, size_t type) {
  return expected.contains(type);
}

/// True when \p expected is the start of an expression (then "an expression"
/// says it better than the list of tokens).
static bool expectsExpression(const antlr4::misc::IntervalSet &expected) {
  return has(expected, NetcParser::INT) &&
         has(expected, NetcParser::IDENT) &&
         has(expected, NetcParser::LPAREN);
}

std::string SyntaxErrorReporter::describeExpected(
    const antlr4::misc::IntervalSet &expected) const {
  llvm::SmallVector<std::string, 8> names;
  bool expression = expectsExpression(expected);
  if (expression)
    names.push_back("an expression");
  for (size_t type : expected.toList()) {
    if (expression &&
        (type == NetcParser::INT || type == NetcParser::FLOAT ||
         type == NetcParser::STRING || type == NetcParser::IDENT ||
         type == NetcParser::TRUE || type == NetcParser::FALSE ||
         type == NetcParser::LPAREN || type == NetcParser::MINUS))
      continue;
    // '|>' and the operators are possible after every expression; naming
    // them is noise.
    if (expected.size() > 1 &&
        (type == NetcParser::PIPE || type == NetcParser::DOT ||
         type == NetcParser::LBRACK || type == NetcParser::EQ ||
         type == NetcParser::NE || type == NetcParser::LT ||
         type == NetcParser::LE || type == NetcParser::GT ||
         type == NetcParser::GE || type == NetcParser::PLUS ||
         type == NetcParser::MINUS || type == NetcParser::STAR ||
         type == NetcParser::SLASH || type == NetcParser::DSLASH ||
         type == NetcParser::PERCENT || type == NetcParser::AND ||
         type == NetcParser::OR))
      continue;
    if (type == NetcParser::SEMI && has(expected, NetcParser::NEWLINE))
      continue;
    names.push_back(tokenKindName(type));
  }
  if (names.empty())
    return "something else";
  if (names.size() == 1)
    return names.front();
  std::string result;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i)
      result += i + 1 == names.size() ? " or " : ", ";
    result += names[i];
  }
  return result;
}

/// Decides whether an error is a follow-on of the previous one. It is when
/// it is on the same line, when no statement separator lies between the two,
/// or when the first error threw the parser out of a network body and it is
/// now stumbling over the rest of that body at the top level.
bool SyntaxErrorReporter::shouldSuppress(antlr4::Parser &parser,
                                         antlr4::Token &offending) {
  if (lastErrorToken == static_cast<size_t>(-1))
    return false;
  // After a mistake, running out of file is almost always its echo.
  if (offending.getType() == antlr4::Token::EOF)
    return true;
  if (offending.getLine() == lastErrorLine)
    return true;
  antlr4::TokenStream *tokens = parser.getTokenStream();
  size_t end = offending.getTokenIndex();
  bool separator = false, network = false;
  for (size_t i = lastErrorToken + 1; i <= end && i < tokens->size(); ++i) {
    size_t type = tokens->get(i)->getType();
    separator |= type == NetcParser::NEWLINE || type == NetcParser::SEMI;
    network |= type == NetcParser::NETWORK;
  }
  if (!separator)
    return true;
  if (dynamic_cast<NetcParser::FileContext *>(parser.getContext()) && !network)
    return true;
  return false;
}

antlr4::Token *
SyntaxErrorReporter::getStatementStartBefore(NetcParser &parser,
                                             const antlr4::Token &offending) {
  size_t index = offending.getTokenIndex();
  if (index == 0)
    return nullptr;
  antlr4::TokenStream *tokens = parser.getTokenStream();
  antlr4::Token *previous = tokens->get(index - 1);
  if (previous->getType() != NetcParser::IDENT)
    return nullptr;
  if (index >= 2) {
    size_t before = tokens->get(index - 2)->getType();
    if (before != NetcParser::NEWLINE && before != NetcParser::SEMI &&
        before != NetcParser::LBRACE)
      return nullptr;
  }
  return previous;
}

bool SyntaxErrorReporter::reportMisspeltKeyword(
    const antlr4::Token &token, llvm::ArrayRef<std::string> keywords,
    llvm::StringRef expectedWhat) {
  std::string word = token.getText();
  std::optional<std::string> keyword = findClosest(word, keywords);
  if (!keyword)
    return false;
  llvm::SMRange range =
      text.getRange(token.getStartIndex(), token.getStopIndex());
  diags.report(range.Start, diag::err_misspelt_keyword, expectedWhat, word,
               *keyword)
      .range(range)
      .fixIt(range, *keyword);
  return true;
}

void SyntaxErrorReporter::syntaxError(antlr4::Recognizer *recognizer,
                                      antlr4::Token *offending, size_t line,
                                      size_t, const std::string &,
                                      std::exception_ptr) {
  if (filter.hasStructuralError() || !offending ||
      filter.hasLexicalErrorOnLine(line))
    return;
  auto *parser = dynamic_cast<NetcParser *>(recognizer);
  if (parser && shouldSuppress(*parser, *offending))
    return;
  lastErrorLine = line;
  lastErrorToken = offending->getTokenIndex();

  llvm::SMRange range =
      text.getRange(offending->getStartIndex(), offending->getStopIndex());
  std::string found = describe(*offending);
  if (!parser) {
    diags.report(range.Start, diag::err_syntax, found, "something else")
        .range(range);
    return;
  }

  antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
  size_t type = offending->getType();

  // `import`, `const`, `block` and `network` inside a body.
  if ((type == NetcParser::IMPORT || type == NetcParser::CONST ||
       type == NetcParser::BLOCK || type == NetcParser::NETWORK) &&
      !dynamic_cast<NetcParser::FileContext *>(parser->getContext())) {
    diags.report(range.Start, diag::err_top_level_only, offending->getText())
        .range(range);
    return;
  }
  // A header whose '{' went on the next line.
  if (type == NetcParser::NEWLINE && has(expected, NetcParser::LBRACE)) {
    // Right after the header's last token (before any comment).
    size_t index = offending->getTokenIndex();
    antlr4::Token *last =
        index > 0 ? parser->getTokenStream()->get(index - 1) : offending;
    llvm::SMLoc at = text.getLoc(last->getStopIndex() + 1);
    diags.report(at, diag::err_brace_on_next_line);
    return;
  }

  // A keyword where a name belongs: `input input: [3]`.
  if (isKeyword(type) && has(expected, NetcParser::IDENT) &&
      !((type == NetcParser::TRUE || type == NetcParser::FALSE ||
         type == NetcParser::NOT || type == NetcParser::MINUS) &&
        expectsExpression(expected))) {
    diags.report(range.Start, diag::err_keyword_as_name, offending->getText())
        .range(range);
    return;
  }

  if (has(expected, NetcParser::NETWORK) &&
      dynamic_cast<NetcParser::FileContext *>(parser->getContext())) {
    // `netwrok N {`: a misspelt declaration keyword.
    if (type == NetcParser::IDENT &&
        reportMisspeltKeyword(*offending,
                              {"network", "block", "const", "import"},
                              "'network', 'block', 'const' or 'import'"))
      return;
    diags.report(range.Start, diag::err_expected_network, found).range(range);
    return;
  }

  // `x[:, 0]`: several axes in one subscript, as PyTorch indexes.
  if (type == NetcParser::COMMA && has(expected, NetcParser::RBRACK) &&
      reportSubscriptComma(*parser, *offending))
    return;

  // `x.view(16, -1)`: a tensor method, as PyTorch writes it.
  if (type == NetcParser::LPAREN && reportMethodCall(*parser, *offending))
    return;

  antlr4::ParserRuleContext *ctx = parser->getContext();
  // `for i in range(3)`, as Python writes it.
  if (auto *loop = dynamic_cast<NetcParser::ForStatementContext *>(ctx);
      loop && loop->from && has(expected, NetcParser::DOTDOT) &&
      reportPythonRange(*loop->from))
    return;

  // Where a statement could have ended: say that a line end was expected.
  bool atStatementEnd =
      has(expected, NetcParser::NEWLINE) ||
      (has(expected, NetcParser::RBRACE) &&
       (dynamic_cast<NetcParser::NetworkDeclContext *>(ctx) ||
        dynamic_cast<NetcParser::BlockDeclContext *>(ctx) ||
        dynamic_cast<NetcParser::IfStatementContext *>(ctx) ||
        dynamic_cast<NetcParser::ForStatementContext *>(ctx)));
  if (atStatementEnd && type != NetcParser::NEWLINE &&
      type != antlr4::Token::EOF && type != NetcParser::RBRACE) {
    // `inptu x: [3]`, `ouput y = ...`: a statement that starts with a
    // misspelt keyword reads as a name followed by another name.
    if (antlr4::Token *first = getStatementStartBefore(*parser, *offending))
      if (reportMisspeltKeyword(*first, {"input", "output", "return", "for", "if"},
                                "a statement"))
        return;
    diags.report(range.Start, diag::err_expected_statement_end, found)
        .range(range);
    return;
  }
  // `conv2d(x, 64) as`: the name the call was to get is missing.
  if (dynamic_cast<NetcParser::LayerNameContext *>(ctx)) {
    diags.report(range.Start, diag::err_expected_name,
                 "after 'as' (a layer name such as 'layer1', an index or a "
                 "parenthesised expression)",
                 found)
        .range(range);
    return;
  }
  if (expectsExpression(expected) && !has(expected, NetcParser::RPAREN) &&
      !has(expected, NetcParser::RBRACK)) {
    diags.report(range.Start, diag::err_expected_expression, found)
        .range(range);
    return;
  }
  // Inside an argument list or tuple: a missing comma is the usual cause.
  if (has(expected, NetcParser::RPAREN) && !has(expected, NetcParser::COMMA) &&
      !expectsExpression(expected) &&
      (dynamic_cast<NetcParser::ArgListContext *>(ctx) ||
       dynamic_cast<NetcParser::CallExprContext *>(ctx) ||
       dynamic_cast<NetcParser::PipeStageContext *>(ctx) ||
       dynamic_cast<NetcParser::ParenOrTupleContext *>(ctx))) {
    diags.report(range.Start, diag::err_syntax, found, "',' or ')'")
        .range(range);
    return;
  }
  if (expected.size() == 1 && has(expected, NetcParser::IDENT)) {
    llvm::StringRef what = "here";
    if (dynamic_cast<NetcParser::NetworkDeclContext *>(parser->getContext()))
      what = "after 'network'";
    else if (dynamic_cast<NetcParser::BlockDeclContext *>(parser->getContext()))
      what = "after 'block'";
    else if (dynamic_cast<NetcParser::ConstDeclContext *>(parser->getContext()))
      what = "after 'const'";
    else if (dynamic_cast<NetcParser::ForStatementContext *>(
                 parser->getContext()))
      what = "after 'for'";
    else if (auto *decl = dynamic_cast<NetcParser::DeclStatementContext *>(
                 parser->getContext()))
      what = decl->kind->getType() == NetcParser::PARAM    ? "after 'param'"
             : decl->kind->getType() == NetcParser::BUFFER ? "after 'buffer'"
                                                           : "after 'input'";
    else if (dynamic_cast<NetcParser::OutputStatementContext *>(
                 parser->getContext()))
      what = "after 'output'";
    else if (dynamic_cast<NetcParser::PipeStageContext *>(parser->getContext()))
      what = "of a layer after '|>'";
    diags.report(range.Start, diag::err_expected_name, what, found)
        .range(range);
    return;
  }
  diags.report(range.Start, diag::err_syntax, found, describeExpected(expected))
      .range(range);
}
