//===- StatementParser.h - statements straight to the AST -------*- C++ -*-===//
//
// The first stage of the fast path (Parser.cpp). ANTLR makes a context object
// for every rule it enters (about fifty for `x = x |> conv2d(16, kernel=3)
// |> relu`, ten for each literal argument alone, as `expr` descends through
// the precedence levels to `primary`) and the ASTBuilder then walks them.
// This parser reads the same tokens by recursive descent along the rules of
// Netc.g4 from `statement` down, and builds the AST directly, node for node
// and range for range as the ASTBuilder builds it from ANTLR's tree.
//
// It only ever accepts input the grammar accepts, and it never reports:
// whatever it does not handle (`if` and `for` statements, anything
// unexpected, anything the ASTBuilder would report such as a too large
// literal) makes it decline, and the statement goes to ANTLR (SLL
// prediction, then the careful path on any error). The unit test ParseStages
// checks on every example, every test input and generated programs that it
// builds exactly the AST ANTLR's path builds. A change to the parser rules
// of Netc.g4 needs the same change here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ASTBuilder.h"
#include "SourceText.h"
#include "StreamingInput.h"

#include "NetcParser.h"

namespace netc::parse {

/// Thrown when the statement parser declines a statement.
struct DeclineStatement {};

class StatementParser {
public:
  using P = netc_grammar::NetcParser;

  StatementParser(WindowTokenStream &tokens, const SourceText &text)
      : tokens(tokens), text(text) {}

  /// Parses the statement at the current token; throws DeclineStatement
  /// (with the tokens partly consumed: the caller seeks back).
  ast::StmtPtr parseStatement() {
    antlr4::Token *first = tokens.LT(1);
    switch (first->getType()) {
    case P::INPUT: {
      // INPUT name=IDENT COLON dtype=IDENT? LBRACK exprList? RBRACK
      consume();
      ast::Identifier name = identifier(expect(P::IDENT));
      expect(P::COLON);
      std::optional<ast::Identifier> dtype;
      if (la(1) == P::IDENT)
        dtype = identifier(consume());
      expect(P::LBRACK);
      std::vector<ast::ExprPtr> dims;
      if (la(1) != P::RBRACK)
        dims = exprList(P::RBRACK);
      expect(P::RBRACK);
      return std::make_unique<ast::InputStmt>(
          std::move(name), std::move(dtype), std::move(dims), extent(first));
    }
    case P::OUTPUT: {
      // OUTPUT name=IDENT (ASSIGN expr)?
      consume();
      ast::Identifier name = identifier(expect(P::IDENT));
      ast::ExprPtr value;
      if (la(1) == P::ASSIGN) {
        consume();
        value = expr();
      }
      return std::make_unique<ast::OutputStmt>(std::move(name),
                                               std::move(value), extent(first));
    }
    case P::RETURN: {
      // RETURN expr (COMMA expr)*; `return a, b` returns the tuple (a, b).
      consume();
      std::vector<ast::ExprPtr> values;
      values.push_back(expr());
      while (la(1) == P::COMMA) {
        consume();
        values.push_back(expr());
      }
      if (values.size() == 1)
        return std::make_unique<ast::ReturnStmt>(std::move(values.front()),
                                                 extent(first));
      llvm::SMRange tupleRange(values.front()->getRange().Start,
                               values.back()->getRange().End);
      return std::make_unique<ast::ReturnStmt>(
          std::make_unique<ast::TupleExpr>(std::move(values), tupleRange),
          extent(first));
    }
    case P::IDENT:
      if (la(2) == P::ASSIGN || la(2) == P::COMMA) {
        // IDENT (COMMA IDENT)* ASSIGN expr
        std::vector<ast::Identifier> targets;
        targets.push_back(identifier(consume()));
        while (la(1) == P::COMMA) {
          consume();
          targets.push_back(identifier(expect(P::IDENT)));
        }
        expect(P::ASSIGN);
        ast::ExprPtr value = expr();
        return std::make_unique<ast::AssignStmt>(std::move(targets),
                                                 std::move(value),
                                                 extent(first));
      }
      break;
    case P::IF:
    case P::FOR:
      throw DeclineStatement();
    default:
      break;
    }
    // expr
    ast::ExprPtr value = expr();
    return std::make_unique<ast::ExprStmt>(std::move(value), extent(first));
  }

private:
  size_t la(ssize_t i) { return tokens.LA(i); }
  antlr4::Token *consume() {
    antlr4::Token *token = tokens.LT(1);
    if (token->getType() == antlr4::Token::EOF)
      throw DeclineStatement();
    tokens.consume();
    last = token;
    return token;
  }
  antlr4::Token *expect(size_t type) {
    if (la(1) != type)
      throw DeclineStatement();
    return consume();
  }

  llvm::SMRange rangeOf(antlr4::Token *token) const {
    return text.getRange(token->getStartIndex(), token->getStopIndex());
  }
  /// The range from \p first to the last token consumed, as ASTBuilder's
  /// rangeOf gives it for a rule context that starts at \p first.
  llvm::SMRange extent(antlr4::Token *first) const {
    if (last->getStopIndex() < first->getStartIndex())
      return rangeOf(first);
    return text.getRange(first->getStartIndex(), last->getStopIndex());
  }
  /// The token's text: read in place from an ASCII buffer (where code point
  /// indices are byte offsets), else from the token.
  std::string spelling(antlr4::Token *token) const {
    if (text.isAscii()) {
      size_t start = token->getStartIndex();
      return text.getText().slice(start, token->getStopIndex() + 1).str();
    }
    return token->getText();
  }
  /// As spelling(), without a copy when the text is ASCII (\p storage holds
  /// it otherwise).
  llvm::StringRef spellingRef(antlr4::Token *token,
                              std::string &storage) const {
    if (text.isAscii())
      return text.getText().slice(token->getStartIndex(),
                                  token->getStopIndex() + 1);
    storage = token->getText();
    return storage;
  }
  ast::Identifier identifier(antlr4::Token *token) const {
    return {spelling(token), rangeOf(token)};
  }
  static llvm::SMRange join(llvm::SMRange a, llvm::SMRange b) {
    return llvm::SMRange(a.Start, b.End);
  }

  // expr : orExpr (PIPE pipeStage)*
  // pipeStage : callee=IDENT (LPAREN argList? RPAREN)?
  ast::ExprPtr expr() {
    ast::ExprPtr value = orExpr();
    while (la(1) == P::PIPE) {
      consume();
      antlr4::Token *callee = expect(P::IDENT);
      std::vector<ast::Argument> args;
      llvm::SMRange pipedRange = value->getRange();
      args.push_back({nullptr, std::move(value), pipedRange});
      if (la(1) == P::LPAREN) {
        consume();
        if (la(1) != P::RPAREN)
          argList(args);
        expect(P::RPAREN);
      }
      value = std::make_unique<ast::CallExpr>(identifier(callee),
                                              std::move(args),
                                              /*piped=*/true, extent(callee));
    }
    return value;
  }

  ast::ExprPtr binary(ast::ExprPtr lhs, antlr4::Token *op, ast::ExprPtr rhs,
                      ast::BinaryExpr::Op kind) {
    llvm::SMRange range = join(lhs->getRange(), rhs->getRange());
    return std::make_unique<ast::BinaryExpr>(kind, std::move(lhs),
                                             std::move(rhs), rangeOf(op),
                                             range);
  }

  // orExpr : andExpr (OR andExpr)*
  ast::ExprPtr orExpr() {
    ast::ExprPtr value = andExpr();
    while (la(1) == P::OR) {
      antlr4::Token *op = consume();
      value = binary(std::move(value), op, andExpr(), ast::BinaryExpr::Op::Or);
    }
    return value;
  }

  // andExpr : notExpr (AND notExpr)*
  ast::ExprPtr andExpr() {
    ast::ExprPtr value = notExpr();
    while (la(1) == P::AND) {
      antlr4::Token *op = consume();
      value = binary(std::move(value), op, notExpr(), ast::BinaryExpr::Op::And);
    }
    return value;
  }

  // notExpr : NOT notExpr | comparison
  ast::ExprPtr notExpr() {
    if (la(1) != P::NOT)
      return comparison();
    antlr4::Token *op = consume();
    ast::ExprPtr operand = notExpr();
    return std::make_unique<ast::UnaryExpr>(ast::UnaryExpr::Op::Not,
                                            std::move(operand), rangeOf(op),
                                            extent(op));
  }

  // comparison : additive (op=(EQ | NE | LT | LE | GT | GE) additive)?
  ast::ExprPtr comparison() {
    ast::ExprPtr value = additive();
    ast::BinaryExpr::Op kind;
    switch (la(1)) {
    case P::EQ:
      kind = ast::BinaryExpr::Op::Eq;
      break;
    case P::NE:
      kind = ast::BinaryExpr::Op::Ne;
      break;
    case P::LT:
      kind = ast::BinaryExpr::Op::Lt;
      break;
    case P::LE:
      kind = ast::BinaryExpr::Op::Le;
      break;
    case P::GT:
      kind = ast::BinaryExpr::Op::Gt;
      break;
    case P::GE:
      kind = ast::BinaryExpr::Op::Ge;
      break;
    default:
      return value;
    }
    antlr4::Token *op = consume();
    return binary(std::move(value), op, additive(), kind);
  }

  // additive : multiplicative (ops+=(PLUS | MINUS) multiplicative)*
  ast::ExprPtr additive() {
    ast::ExprPtr value = multiplicative();
    while (la(1) == P::PLUS || la(1) == P::MINUS) {
      antlr4::Token *op = consume();
      value = binary(std::move(value), op, multiplicative(),
                     op->getType() == P::PLUS ? ast::BinaryExpr::Op::Add
                                              : ast::BinaryExpr::Op::Sub);
    }
    return value;
  }

  // multiplicative : unary (ops+=(STAR | SLASH | DSLASH | PERCENT) unary)*
  ast::ExprPtr multiplicative() {
    ast::ExprPtr value = unary();
    while (true) {
      ast::BinaryExpr::Op kind;
      switch (la(1)) {
      case P::STAR:
        kind = ast::BinaryExpr::Op::Mul;
        break;
      case P::SLASH:
        kind = ast::BinaryExpr::Op::Div;
        break;
      case P::DSLASH:
        kind = ast::BinaryExpr::Op::FloorDiv;
        break;
      case P::PERCENT:
        kind = ast::BinaryExpr::Op::Mod;
        break;
      default:
        return value;
      }
      antlr4::Token *op = consume();
      value = binary(std::move(value), op, unary(), kind);
    }
  }

  /// True when the postfix at the current token is a lone number literal:
  /// INT or FLOAT followed by neither '.' nor '[' (a postfix with one child
  /// and an integerLiteral or floatLiteral primary).
  bool atLoneNumber() {
    size_t type = la(1);
    if (type != P::INT && type != P::FLOAT)
      return false;
    size_t next = la(2);
    return next != P::DOT && next != P::LBRACK;
  }

  // unary : MINUS unary | postfix
  // A minus sign directly before a lone number literal is folded into it.
  ast::ExprPtr unary() {
    if (la(1) != P::MINUS)
      return postfix();
    antlr4::Token *minus = consume();
    if (atLoneNumber()) {
      antlr4::Token *literal = consume();
      return number(literal, /*negative=*/true, extent(minus));
    }
    ast::ExprPtr operand = unary();
    return std::make_unique<ast::UnaryExpr>(ast::UnaryExpr::Op::Negate,
                                            std::move(operand), rangeOf(minus),
                                            extent(minus));
  }

  /// An INT or FLOAT literal; declines what the ASTBuilder would report.
  ast::ExprPtr number(antlr4::Token *literal, bool negative,
                      llvm::SMRange range) {
    std::string storage;
    llvm::StringRef digits = spellingRef(literal, storage);
    if (literal->getType() == P::INT) {
      std::optional<int64_t> value =
          ASTBuilder::parseIntegerSpelling(digits, negative);
      if (!value)
        throw DeclineStatement();
      return std::make_unique<ast::IntegerExpr>(*value, range);
    }
    std::optional<double> value =
        ASTBuilder::parseFloatSpelling(digits);
    if (!value)
      throw DeclineStatement();
    return std::make_unique<ast::FloatExpr>(negative ? -*value : *value,
                                            range);
  }

  // postfix : primary (DOT member=IDENT | LBRACK index=expr RBRACK)*
  ast::ExprPtr postfix() {
    ast::ExprPtr value = primary();
    while (true) {
      if (la(1) == P::DOT) {
        consume();
        ast::Identifier member = identifier(expect(P::IDENT));
        llvm::SMRange range = join(value->getRange(), member.range);
        value = std::make_unique<ast::MemberExpr>(std::move(value),
                                                  std::move(member), range);
      } else if (la(1) == P::LBRACK) {
        consume();
        ast::ExprPtr index = expr();
        antlr4::Token *close = expect(P::RBRACK);
        llvm::SMRange range = join(value->getRange(), rangeOf(close));
        value = std::make_unique<ast::IndexExpr>(std::move(value),
                                                 std::move(index), range);
      } else {
        return value;
      }
    }
  }

  // primary : INT | FLOAT | (TRUE | FALSE) | STRING
  //         | callee=IDENT LPAREN argList? RPAREN | IDENT
  //         | LPAREN (expr (COMMA expr)* trailingComma=COMMA?)? RPAREN
  ast::ExprPtr primary() {
    antlr4::Token *first = tokens.LT(1);
    switch (first->getType()) {
    case P::INT:
    case P::FLOAT:
      consume();
      return number(first, /*negative=*/false, rangeOf(first));
    case P::TRUE:
    case P::FALSE:
      consume();
      return std::make_unique<ast::BoolExpr>(first->getType() == P::TRUE,
                                             rangeOf(first));
    case P::STRING:
      consume();
      return std::make_unique<ast::StringExpr>(
          ASTBuilder::unquote(spelling(first)), rangeOf(first));
    case P::IDENT:
      consume();
      if (la(1) == P::LPAREN) {
        consume();
        std::vector<ast::Argument> args;
        if (la(1) != P::RPAREN)
          argList(args);
        expect(P::RPAREN);
        return std::make_unique<ast::CallExpr>(
            identifier(first), std::move(args), /*piped=*/false,
            extent(first));
      }
      return std::make_unique<ast::NameExpr>(spelling(first),
                                             rangeOf(first));
    case P::LPAREN: {
      consume();
      std::vector<ast::ExprPtr> elements;
      bool trailingComma = false;
      if (la(1) != P::RPAREN) {
        elements.push_back(expr());
        while (la(1) == P::COMMA) {
          consume();
          if (la(1) == P::RPAREN) {
            trailingComma = true;
            break;
          }
          elements.push_back(expr());
        }
      }
      expect(P::RPAREN);
      // `(e)` is a parenthesised expression; `()`, `(e,)` and `(a, b)` are
      // tuples.
      if (elements.size() == 1 && !trailingComma)
        return std::move(elements.front());
      return std::make_unique<ast::TupleExpr>(std::move(elements),
                                              extent(first));
    }
    default:
      throw DeclineStatement();
    }
  }

  // argList : argument (COMMA argument)* COMMA?
  // argument : (keyword=IDENT ASSIGN)? expr
  // The arguments are appended to \p args (after a piped first argument).
  void argList(std::vector<ast::Argument> &args) {
    bool keywordSeen = false;
    while (true) {
      antlr4::Token *first = tokens.LT(1);
      ast::Argument arg;
      if (first->getType() == P::IDENT && la(2) == P::ASSIGN) {
        arg.keyword = std::make_unique<ast::Identifier>(identifier(consume()));
        consume();
        keywordSeen = true;
      } else if (keywordSeen) {
        throw DeclineStatement(); // a positional argument after a keyword
      }
      arg.value = expr();
      arg.range = extent(first);
      args.push_back(std::move(arg));
      if (la(1) != P::COMMA)
        return;
      consume();
      if (la(1) == P::RPAREN)
        return;
    }
  }

  // exprList : expr (COMMA expr)* COMMA?  (then \p closer)
  std::vector<ast::ExprPtr> exprList(size_t closer) {
    std::vector<ast::ExprPtr> exprs;
    while (true) {
      exprs.push_back(expr());
      if (la(1) != P::COMMA)
        return exprs;
      consume();
      if (la(1) == closer)
        return exprs;
    }
  }

  WindowTokenStream &tokens;
  const SourceText &text;
  /// The last token consumed (ANTLR's LT(-1) when a rule ends).
  antlr4::Token *last = nullptr;
};

} // namespace netc::parse
