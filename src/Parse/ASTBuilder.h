//===- ASTBuilder.h - parse tree to AST -------------------------*- C++ -*-===//
//
// Private to the parse stage (after kuzu's Transformer, but never exported).
// The careful path's second half (Parser.cpp): once ANTLR has parsed a whole
// file without a syntax error, it builds the AST from the parse tree. One
// build function per grammar rule, named after it; each returns the
// hand-written AST node with its source range. Literal values are checked
// here (integer overflow, float range; the values themselves come from
// Literals.h) and reported. The hand parser (DirectParser) builds the same
// AST without a parse tree; the unit test ParseStages compares the two.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourceText.h"

#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"

#include "NetcParser.h"

namespace netc::parse {

/// Builds the AST of one successfully parsed file.
class ASTBuilder {
public:
  ASTBuilder(const SourceText &text, DiagnosticEngine &diags, unsigned bufferId)
      : text(text), diags(diags), bufferId(bufferId) {}

  using P = netc_grammar::NetcParser;

  // BuildTopLevel.cpp: file, topItem, paramList, body, statement, ifStatement
  std::unique_ptr<ast::Module> buildFile(P::FileContext &ctx);
  std::vector<ast::Parameter> buildParamList(P::ParamListContext *ctx);
  std::vector<ast::StmtPtr> buildBody(P::BodyContext &ctx);
  ast::StmtPtr buildStatement(P::StatementContext &ctx);
  ast::StmtPtr buildIfStatement(P::IfStatementContext &ctx);

  // BuildExpressions.cpp: expr and every expression rule below it
  ast::ExprPtr buildExpr(P::ExprContext &ctx);
  std::unique_ptr<ast::LayerName> buildLayerName(P::LayerNameContext *ctx);
  ast::ExprPtr buildOrExpr(P::OrExprContext &ctx);
  ast::ExprPtr buildAndExpr(P::AndExprContext &ctx);
  ast::ExprPtr buildNotExpr(P::NotExprContext &ctx);
  ast::ExprPtr buildComparison(P::ComparisonContext &ctx);
  ast::ExprPtr buildAdditive(P::AdditiveContext &ctx);
  ast::ExprPtr buildMultiplicative(P::MultiplicativeContext &ctx);
  ast::ExprPtr buildUnary(P::UnaryContext &ctx);
  ast::ExprPtr buildPostfix(P::PostfixContext &ctx);
  ast::ExprPtr buildPrimary(P::PrimaryContext &ctx);
  std::vector<ast::Argument> buildArgList(P::ArgListContext *ctx);
  std::vector<ast::ExprPtr> buildExprList(P::ExprListContext *ctx);

  /// The source range of a rule context or a token.
  llvm::SMRange rangeOf(antlr4::ParserRuleContext &ctx) const;
  llvm::SMRange rangeOf(antlr4::Token *token) const;
  ast::Identifier identifier(antlr4::Token *token) const;

private:
  ast::ExprPtr buildIntegerLiteral(antlr4::Token *digits, bool negative,
                                   llvm::SMRange range);
  ast::ExprPtr buildFloatLiteral(antlr4::Token *digits, bool negative,
                                 llvm::SMRange range);
  ast::ExprPtr buildStringLiteral(P::StringLiteralContext &ctx);
  /// Folds a chain `a op b op c` left to right.
  ast::ExprPtr foldLeft(ast::ExprPtr lhs, antlr4::Token *op, ast::ExprPtr rhs);

  const SourceText &text;
  DiagnosticEngine &diags;
  unsigned bufferId;
};

} // namespace netc::parse
