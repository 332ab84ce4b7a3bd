//===- DirectParser.cpp - the hand parser: tokens straight to the AST -----===//
//
// See DirectParser.h. Each function parses one rule of grammar/Netc.g4,
// quoted above it, and builds what the ASTBuilder function of the same rule
// (BuildTopLevel.cpp, BuildExpressions.cpp) builds from ANTLR's context:
// the same node, with the range that is ANTLR's start and stop token of the
// rule. Every function returns null (or false) when the input is not
// accepted; the callers pass that straight up.
//
//===----------------------------------------------------------------------===//
#include "DirectParser.h"

#include "netc/Basic/Numbers.h"

#include "Literals.h"

#include "NetcLexer.h"

using namespace netc;
using namespace netc::parse;

/// The token types (the lexer's; the generated parser numbers them alike).
using L = netc_grammar::NetcLexer;
static constexpr size_t EndOfFile = antlr4::Token::EOF;

static bool isSeparator(size_t type) {
  return type == L::NEWLINE || type == L::SEMI;
}

void DirectParser::skipSeparators() {
  while (isSeparator(la()))
    consume();
}

//===----------------------------------------------------------------------===//
// Top level
//===----------------------------------------------------------------------===//

// file : sep* (topItem sep*)* EOF
// topItem : IMPORT path=STRING                                # importDecl
//         | CONST name=IDENT ASSIGN expr                      # constDecl
//         | BLOCK ...                                         # blockDecl
//         | NETWORK ...                                       # networkDecl
std::unique_ptr<ast::Module> DirectParser::parseFile() {
  std::vector<ast::ImportDecl> imports;
  std::vector<ast::ConstDecl> consts;
  std::vector<std::unique_ptr<ast::BlockDecl>> blocks;
  std::vector<std::unique_ptr<ast::Network>> networks;
  skipSeparators();
  while (la() != EndOfFile) {
    switch (la()) {
    case L::IMPORT: {
      consume();
      std::optional<TokenRecord> path = expect(L::STRING);
      if (!path)
        return nullptr;
      llvm::SMRange range = rangeOf(*path);
      imports.push_back({unquote(spelling(range)), range});
      break;
    }
    case L::CONST: {
      consume();
      std::optional<TokenRecord> name = expect(L::IDENT);
      if (!name || !expect(L::ASSIGN))
        return nullptr;
      ast::ExprPtr value = parseExpr();
      if (!value)
        return nullptr;
      consts.push_back({identifier(*name), std::move(value)});
      break;
    }
    case L::BLOCK: {
      std::unique_ptr<ast::BlockDecl> block = parseCallable<ast::BlockDecl>();
      if (!block)
        return nullptr;
      blocks.push_back(std::move(block));
      break;
    }
    case L::NETWORK: {
      std::unique_ptr<ast::Network> network = parseCallable<ast::Network>();
      if (!network)
        return nullptr;
      networks.push_back(std::move(network));
      break;
    }
    default:
      return nullptr;
    }
    skipSeparators();
  }
  return std::make_unique<ast::Module>(bufferId, std::move(imports),
                                       std::move(consts), std::move(blocks),
                                       std::move(networks));
}

// blockDecl : BLOCK name=IDENT LPAREN paramList? RPAREN LBRACE body RBRACE
// networkDecl : NETWORK name=IDENT (LPAREN paramList? RPAREN)?
//               LBRACE body RBRACE
template <typename DeclT> std::unique_ptr<DeclT> DirectParser::parseCallable() {
  TokenRecord keyword = consume();
  std::optional<TokenRecord> name = expect(L::IDENT);
  if (!name)
    return nullptr;
  std::vector<ast::Parameter> params;
  if (keyword.type == L::BLOCK || la() == L::LPAREN) {
    if (!expect(L::LPAREN))
      return nullptr;
    if (la() != L::RPAREN && !parseParamList(params))
      return nullptr;
    if (!expect(L::RPAREN))
      return nullptr;
  }
  std::vector<ast::StmtPtr> body;
  if (!expect(L::LBRACE) || !parseBody(body) || !expect(L::RBRACE))
    return nullptr;
  return std::make_unique<DeclT>(identifier(*name), std::move(params),
                                 std::move(body), extent(keyword));
}

// paramList : param (COMMA param)* COMMA?     (then RPAREN)
// param : name=IDENT (ASSIGN expr)?
bool DirectParser::parseParamList(std::vector<ast::Parameter> &params) {
  while (true) {
    std::optional<TokenRecord> name = expect(L::IDENT);
    if (!name)
      return false;
    ast::ExprPtr defaultValue;
    if (la() == L::ASSIGN) {
      consume();
      defaultValue = parseExpr();
      if (!defaultValue)
        return false;
    }
    params.push_back({identifier(*name), std::move(defaultValue)});
    if (la() != L::COMMA)
      return true;
    consume();
    if (la() == L::RPAREN)
      return true;
  }
}

// body : sep* (statement (sep+ statement)* sep*)?     (then RBRACE)
// sep : NEWLINE | SEMI
bool DirectParser::parseBody(std::vector<ast::StmtPtr> &body) {
  skipSeparators();
  while (la() != L::RBRACE) {
    ast::StmtPtr statement = parseStatement();
    if (!statement)
      return false;
    body.push_back(std::move(statement));
    if (!isSeparator(la()))
      return la() == L::RBRACE;
    skipSeparators();
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

// statement : declStatement | outputStatement | assignStatement
//           | returnStatement | ifStmt | forStatement | exprStatement
ast::StmtPtr DirectParser::parseStatement() {
  switch (la()) {
  case L::INPUT:
  case L::PARAM:
  case L::BUFFER:
    return parseDecl();
  case L::OUTPUT:
    return parseOutput();
  case L::RETURN:
    return parseReturn();
  case L::IF:
    return parseIf();
  case L::FOR:
    return parseFor();
  case L::IDENT:
    if (la(2) == L::ASSIGN || la(2) == L::COMMA)
      return parseAssign();
    break;
  default:
    break;
  }
  // exprStatement : expr
  TokenRecord first = tokens.peek();
  ast::ExprPtr value = parseExpr();
  if (!value)
    return nullptr;
  return std::make_unique<ast::ExprStmt>(std::move(value), extent(first));
}

// kind=(INPUT | PARAM | BUFFER) name=IDENT COLON dtype=IDENT?
// LBRACK exprList? RBRACK
ast::StmtPtr DirectParser::parseDecl() {
  TokenRecord first = consume();
  ast::TensorDeclKind kind = first.type == L::INPUT   ? ast::TensorDeclKind::Input
                             : first.type == L::PARAM ? ast::TensorDeclKind::Param
                                                      : ast::TensorDeclKind::Buffer;
  std::optional<TokenRecord> name = expect(L::IDENT);
  if (!name || !expect(L::COLON))
    return nullptr;
  std::optional<ast::Identifier> dtype;
  if (la() == L::IDENT)
    dtype = identifier(consume());
  if (!expect(L::LBRACK))
    return nullptr;
  std::vector<ast::ExprPtr> dims;
  if (la() != L::RBRACK && !parseExprList(dims))
    return nullptr;
  if (!expect(L::RBRACK))
    return nullptr;
  return std::make_unique<ast::TensorDeclStmt>(kind, identifier(*name),
                                               std::move(dtype),
                                               std::move(dims), extent(first));
}

// OUTPUT name=IDENT (ASSIGN expr)?
ast::StmtPtr DirectParser::parseOutput() {
  TokenRecord first = consume();
  std::optional<TokenRecord> name = expect(L::IDENT);
  if (!name)
    return nullptr;
  ast::ExprPtr value;
  if (la() == L::ASSIGN) {
    consume();
    value = parseExpr();
    if (!value)
      return nullptr;
  }
  return std::make_unique<ast::OutputStmt>(identifier(*name), std::move(value),
                                           extent(first));
}

// RETURN expr (COMMA expr)*; `return a, b` returns the tuple (a, b).
ast::StmtPtr DirectParser::parseReturn() {
  TokenRecord first = consume();
  std::vector<ast::ExprPtr> values;
  do {
    if (!values.empty())
      consume(); // ','
    ast::ExprPtr value = parseExpr();
    if (!value)
      return nullptr;
    values.push_back(std::move(value));
  } while (la() == L::COMMA);
  if (values.size() == 1)
    return std::make_unique<ast::ReturnStmt>(std::move(values.front()),
                                             extent(first));
  llvm::SMRange tupleRange(values.front()->getRange().Start,
                           values.back()->getRange().End);
  return std::make_unique<ast::ReturnStmt>(
      std::make_unique<ast::TupleExpr>(std::move(values), tupleRange),
      extent(first));
}

// IDENT (COMMA IDENT)* ASSIGN expr
ast::StmtPtr DirectParser::parseAssign() {
  TokenRecord first = tokens.peek();
  std::vector<ast::Identifier> targets;
  targets.push_back(identifier(consume()));
  while (la() == L::COMMA) {
    consume();
    std::optional<TokenRecord> target = expect(L::IDENT);
    if (!target)
      return nullptr;
    targets.push_back(identifier(*target));
  }
  if (!expect(L::ASSIGN))
    return nullptr;
  ast::ExprPtr value = parseExpr();
  if (!value)
    return nullptr;
  return std::make_unique<ast::AssignStmt>(std::move(targets), std::move(value),
                                           extent(first));
}

// ifStatement : IF cond=expr LBRACE thenBody=body RBRACE
//               (ELSE (LBRACE elseBody=body RBRACE | elseIf=ifStatement))?
// An `else if` is an IfStmt alone in the else branch, ranging from its `if`
// to the end of the chain. The chain is read in a loop and its IfStmts
// built from the last one out, so that a long chain does not recurse (the
// token filter allows 256 `else` a bracket, in brackets 256 deep).
ast::StmtPtr DirectParser::parseIf() {
  struct Branch {
    TokenRecord first;
    ast::ExprPtr condition;
    std::vector<ast::StmtPtr> body;
  };
  std::vector<Branch> branches;
  std::vector<ast::StmtPtr> elseBody;
  while (true) {
    Branch branch{consume(), parseExpr(), {}};
    if (!branch.condition || !expect(L::LBRACE) || !parseBody(branch.body) ||
        !expect(L::RBRACE))
      return nullptr;
    branches.push_back(std::move(branch));
    if (la() != L::ELSE)
      break;
    consume();
    if (la() == L::IF)
      continue;
    if (!expect(L::LBRACE) || !parseBody(elseBody) || !expect(L::RBRACE))
      return nullptr;
    break;
  }
  ast::StmtPtr statement;
  for (auto branch = branches.rbegin(); branch != branches.rend(); ++branch) {
    if (statement) {
      elseBody.clear();
      elseBody.push_back(std::move(statement));
    }
    statement = std::make_unique<ast::IfStmt>(
        std::move(branch->condition), std::move(branch->body),
        std::move(elseBody), extent(branch->first));
  }
  return statement;
}

// FOR var=IDENT IN from=expr DOTDOT to=expr LBRACE body RBRACE
ast::StmtPtr DirectParser::parseFor() {
  TokenRecord first = consume();
  std::optional<TokenRecord> variable = expect(L::IDENT);
  if (!variable || !expect(L::IN))
    return nullptr;
  ast::ExprPtr from = parseExpr();
  if (!from || !expect(L::DOTDOT))
    return nullptr;
  ast::ExprPtr to = parseExpr();
  if (!to)
    return nullptr;
  std::vector<ast::StmtPtr> body;
  if (!expect(L::LBRACE) || !parseBody(body) || !expect(L::RBRACE))
    return nullptr;
  return std::make_unique<ast::ForStmt>(identifier(*variable), std::move(from),
                                        std::move(to), std::move(body),
                                        extent(first));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// `lhs op rhs`, its range from the start of \p lhs to the end of \p rhs.
static ast::ExprPtr makeBinary(ast::BinaryExpr::Op op, ast::ExprPtr lhs,
                               llvm::SMRange opRange, ast::ExprPtr rhs) {
  llvm::SMRange range(lhs->getRange().Start, rhs->getRange().End);
  return std::make_unique<ast::BinaryExpr>(op, std::move(lhs), std::move(rhs),
                                           opRange, range);
}

// layerName : AS (name=IDENT | index=INT | LPAREN computed=expr RPAREN)
// Called at AS; false when the input is not accepted.
bool DirectParser::parseLayerName(std::unique_ptr<ast::LayerName> &out) {
  TokenRecord as = consume();
  auto layerName = std::make_unique<ast::LayerName>();
  if (la() == L::IDENT || la() == L::INT) {
    layerName->spelling = spelling(rangeOf(consume())).str();
  } else if (la() == L::LPAREN) {
    consume();
    layerName->computed = parseExpr();
    if (!layerName->computed || !expect(L::RPAREN))
      return false;
  } else {
    return false;
  }
  layerName->range = extent(as);
  out = std::move(layerName);
  return true;
}

// expr : orExpr (PIPE pipeStage)*
// pipeStage : callee=IDENT (LPAREN argList? RPAREN)? layerName?
// `a |> f(b)` is the call f(a, b), marked as piped; its range is the stage's.
ast::ExprPtr DirectParser::parseExpr() {
  ast::ExprPtr value = parseOrExpr();
  if (!value)
    return nullptr;
  while (la() == L::PIPE) {
    consume();
    std::optional<TokenRecord> callee = expect(L::IDENT);
    if (!callee)
      return nullptr;
    std::vector<ast::Argument> args;
    llvm::SMRange pipedRange = value->getRange();
    args.push_back({nullptr, std::move(value), pipedRange});
    if (la() == L::LPAREN) {
      consume();
      if (la() != L::RPAREN && !parseArgList(args))
        return nullptr;
      if (!expect(L::RPAREN))
        return nullptr;
    }
    std::unique_ptr<ast::LayerName> layerName;
    if (la() == L::AS && !parseLayerName(layerName))
      return nullptr;
    value = std::make_unique<ast::CallExpr>(identifier(*callee),
                                            std::move(args), /*piped=*/true,
                                            extent(*callee),
                                            std::move(layerName));
  }
  return value;
}

// orExpr : andExpr (OR andExpr)*
ast::ExprPtr DirectParser::parseOrExpr() {
  ast::ExprPtr value = parseAndExpr();
  while (value && la() == L::OR) {
    llvm::SMRange op = rangeOf(consume());
    ast::ExprPtr rhs = parseAndExpr();
    if (!rhs)
      return nullptr;
    value = makeBinary(ast::BinaryExpr::Op::Or, std::move(value), op,
                       std::move(rhs));
  }
  return value;
}

// andExpr : notExpr (AND notExpr)*
ast::ExprPtr DirectParser::parseAndExpr() {
  ast::ExprPtr value = parseNotExpr();
  while (value && la() == L::AND) {
    llvm::SMRange op = rangeOf(consume());
    ast::ExprPtr rhs = parseNotExpr();
    if (!rhs)
      return nullptr;
    value = makeBinary(ast::BinaryExpr::Op::And, std::move(value), op,
                       std::move(rhs));
  }
  return value;
}

// notExpr : NOT notExpr | comparison
ast::ExprPtr DirectParser::parseNotExpr() {
  if (la() != L::NOT)
    return parseComparison();
  TokenRecord op = consume();
  ast::ExprPtr operand = parseNotExpr();
  if (!operand)
    return nullptr;
  return std::make_unique<ast::UnaryExpr>(
      ast::UnaryExpr::Op::Not, std::move(operand), rangeOf(op), extent(op));
}

/// The comparison operator a token is, if it is one.
static std::optional<ast::BinaryExpr::Op> comparisonOp(size_t type) {
  switch (type) {
  case L::EQ:
    return ast::BinaryExpr::Op::Eq;
  case L::NE:
    return ast::BinaryExpr::Op::Ne;
  case L::LT:
    return ast::BinaryExpr::Op::Lt;
  case L::LE:
    return ast::BinaryExpr::Op::Le;
  case L::GT:
    return ast::BinaryExpr::Op::Gt;
  case L::GE:
    return ast::BinaryExpr::Op::Ge;
  default:
    return std::nullopt;
  }
}

// comparison : additive (op=(EQ | NE | LT | LE | GT | GE) additive)?
// (At most one: `a < b < c` is not accepted.)
ast::ExprPtr DirectParser::parseComparison() {
  ast::ExprPtr value = parseAdditive();
  if (!value)
    return nullptr;
  std::optional<ast::BinaryExpr::Op> op = comparisonOp(la());
  if (!op)
    return value;
  llvm::SMRange opRange = rangeOf(consume());
  ast::ExprPtr rhs = parseAdditive();
  if (!rhs)
    return nullptr;
  return makeBinary(*op, std::move(value), opRange, std::move(rhs));
}

// additive : multiplicative (ops+=(PLUS | MINUS) multiplicative)*
ast::ExprPtr DirectParser::parseAdditive() {
  ast::ExprPtr value = parseMultiplicative();
  while (value && (la() == L::PLUS || la() == L::MINUS)) {
    TokenRecord op = consume();
    ast::ExprPtr rhs = parseMultiplicative();
    if (!rhs)
      return nullptr;
    value = makeBinary(op.type == L::PLUS ? ast::BinaryExpr::Op::Add
                                          : ast::BinaryExpr::Op::Sub,
                       std::move(value), rangeOf(op), std::move(rhs));
  }
  return value;
}

/// The multiplicative operator a token is, if it is one.
static std::optional<ast::BinaryExpr::Op> multiplicativeOp(size_t type) {
  switch (type) {
  case L::STAR:
    return ast::BinaryExpr::Op::Mul;
  case L::SLASH:
    return ast::BinaryExpr::Op::Div;
  case L::DSLASH:
    return ast::BinaryExpr::Op::FloorDiv;
  case L::PERCENT:
    return ast::BinaryExpr::Op::Mod;
  default:
    return std::nullopt;
  }
}

// multiplicative : unary (ops+=(STAR | SLASH | DSLASH | PERCENT) unary)*
ast::ExprPtr DirectParser::parseMultiplicative() {
  ast::ExprPtr value = parseUnary();
  while (value) {
    std::optional<ast::BinaryExpr::Op> op = multiplicativeOp(la());
    if (!op)
      return value;
    llvm::SMRange opRange = rangeOf(consume());
    ast::ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    value = makeBinary(*op, std::move(value), opRange, std::move(rhs));
  }
  return value;
}

// unary : MINUS unary | postfix
// A minus sign directly before a lone number literal (a postfix that is an
// INT or FLOAT and nothing else: not followed by '.' or '[') is folded into
// the literal, whose range then starts at the minus sign (so that -2^63 is
// representable).
ast::ExprPtr DirectParser::parseUnary() {
  if (la() != L::MINUS)
    return parsePostfix();
  TokenRecord minus = consume();
  size_t next = la();
  if ((next == L::INT || next == L::FLOAT) && la(2) != L::DOT &&
      la(2) != L::LBRACK) {
    TokenRecord literal = consume();
    return parseNumber(literal, /*negative=*/true, extent(minus));
  }
  ast::ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  return std::make_unique<ast::UnaryExpr>(ast::UnaryExpr::Op::Negate,
                                          std::move(operand), rangeOf(minus),
                                          extent(minus));
}

/// An INT or FLOAT literal; null when its value is out of range (which the
/// ASTBuilder reports).
ast::ExprPtr DirectParser::parseNumber(const TokenRecord &literal,
                                       bool negative, llvm::SMRange range) {
  llvm::StringRef digits = spelling(rangeOf(literal));
  if (literal.type == L::INT) {
    std::optional<int64_t> value = getDigitsValue(digits, negative);
    if (!value)
      return nullptr;
    return std::make_unique<ast::IntegerExpr>(*value, range);
  }
  std::optional<double> value = getFloatSpellingValue(digits);
  if (!value)
    return nullptr;
  return std::make_unique<ast::FloatExpr>(negative ? -*value : *value, range);
}

// postfix : primary (DOT member=IDENT
//                   | LBRACK (index=expr (COLON stop=expr?)?
//                             | COLON stop=expr?) RBRACK)*
ast::ExprPtr DirectParser::parsePostfix() {
  ast::ExprPtr value = parsePrimary();
  while (value) {
    if (la() == L::DOT) {
      consume();
      std::optional<TokenRecord> member = expect(L::IDENT);
      if (!member)
        return nullptr;
      ast::Identifier name = identifier(*member);
      llvm::SMRange range(value->getRange().Start, name.range.End);
      value = std::make_unique<ast::MemberExpr>(std::move(value),
                                                std::move(name), range);
    } else if (la() == L::LBRACK) {
      consume();
      ast::ExprPtr index;
      if (la() != L::COLON) {
        index = parseExpr();
        if (!index)
          return nullptr;
      }
      if (la() == L::COLON) {
        consume();
        ast::ExprPtr stop;
        if (la() != L::RBRACK) {
          stop = parseExpr();
          if (!stop)
            return nullptr;
        }
        std::optional<TokenRecord> close = expect(L::RBRACK);
        if (!close)
          return nullptr;
        llvm::SMRange range(value->getRange().Start, rangeOf(*close).End);
        value = std::make_unique<ast::SliceExpr>(
            std::move(value), std::move(index), std::move(stop), range);
        continue;
      }
      std::optional<TokenRecord> close = expect(L::RBRACK);
      if (!close)
        return nullptr;
      llvm::SMRange range(value->getRange().Start, rangeOf(*close).End);
      value = std::make_unique<ast::IndexExpr>(std::move(value),
                                               std::move(index), range);
    } else {
      return value;
    }
  }
  return value;
}

// primary : INT                                    # integerLiteral
//         | FLOAT                                  # floatLiteral
//         | (TRUE | FALSE)                         # boolLiteral
//         | STRING                                 # stringLiteral
//         | callee=IDENT LPAREN argList? RPAREN layerName?   # callExpr
//         | IDENT                                  # nameExpr
//         | LPAREN (...)? RPAREN                   # parenOrTuple
ast::ExprPtr DirectParser::parsePrimary() {
  switch (la()) {
  case L::INT:
  case L::FLOAT: {
    TokenRecord literal = consume();
    return parseNumber(literal, /*negative=*/false, rangeOf(literal));
  }
  case L::TRUE:
  case L::FALSE: {
    TokenRecord literal = consume();
    return std::make_unique<ast::BoolExpr>(literal.type == L::TRUE,
                                           rangeOf(literal));
  }
  case L::STRING: {
    llvm::SMRange range = rangeOf(consume());
    return std::make_unique<ast::StringExpr>(unquote(spelling(range)), range);
  }
  case L::IDENT: {
    TokenRecord name = consume();
    if (la() != L::LPAREN) {
      llvm::SMRange range = rangeOf(name);
      return std::make_unique<ast::NameExpr>(spelling(range).str(), range);
    }
    consume();
    std::vector<ast::Argument> args;
    if (la() != L::RPAREN && !parseArgList(args))
      return nullptr;
    if (!expect(L::RPAREN))
      return nullptr;
    std::unique_ptr<ast::LayerName> layerName;
    if (la() == L::AS && !parseLayerName(layerName))
      return nullptr;
    return std::make_unique<ast::CallExpr>(identifier(name), std::move(args),
                                           /*piped=*/false, extent(name),
                                           std::move(layerName));
  }
  case L::LPAREN:
    return parseParenOrTuple();
  default:
    return nullptr;
  }
}

// parenOrTuple : LPAREN (expr (COMMA expr)* trailingComma=COMMA?)? RPAREN
// `(e)` is the expression e itself, with e's range; `()`, `(e,)` and
// `(a, b)` are tuples, with the range of the parentheses.
ast::ExprPtr DirectParser::parseParenOrTuple() {
  TokenRecord open = consume();
  std::vector<ast::ExprPtr> elements;
  bool trailingComma = false;
  while (la() != L::RPAREN) {
    ast::ExprPtr element = parseExpr();
    if (!element)
      return nullptr;
    elements.push_back(std::move(element));
    if (la() != L::COMMA)
      break;
    consume();
    trailingComma = la() == L::RPAREN;
  }
  if (!expect(L::RPAREN))
    return nullptr;
  if (elements.size() == 1 && !trailingComma)
    return std::move(elements.front());
  return std::make_unique<ast::TupleExpr>(std::move(elements), extent(open));
}

// argList : argument (COMMA argument)* COMMA?     (then RPAREN)
// argument : (keyword=IDENT ASSIGN)? expr
// Appends to \p args (after a piped first argument). A positional argument
// after a keyword argument is not accepted (the ASTBuilder reports it).
bool DirectParser::parseArgList(std::vector<ast::Argument> &args) {
  bool keywordSeen = false;
  while (true) {
    TokenRecord first = tokens.peek();
    ast::Argument arg;
    if (first.type == L::IDENT && la(2) == L::ASSIGN) {
      arg.keyword = std::make_unique<ast::Identifier>(identifier(consume()));
      consume(); // '='
      keywordSeen = true;
    } else if (keywordSeen) {
      return false;
    }
    arg.value = parseExpr();
    if (!arg.value)
      return false;
    arg.range = extent(first);
    args.push_back(std::move(arg));
    if (la() != L::COMMA)
      return true;
    consume();
    if (la() == L::RPAREN)
      return true;
  }
}

// exprList : expr (COMMA expr)* COMMA?     (then RBRACK: only in shapes)
bool DirectParser::parseExprList(std::vector<ast::ExprPtr> &exprs) {
  while (true) {
    ast::ExprPtr expr = parseExpr();
    if (!expr)
      return false;
    exprs.push_back(std::move(expr));
    if (la() != L::COMMA)
      return true;
    consume();
    if (la() == L::RBRACK)
      return true;
  }
}
