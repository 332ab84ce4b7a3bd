//===- ASTBuilder.h - parse tree to AST -------------------------*- C++ -*-===//
//
// Private to the parse stage (after kuzu's Transformer, but never exported).
// One build function per grammar rule, named after it; each returns the
// hand-written AST node with its source range. Literal values are checked
// here (integer overflow, float range, string escapes).
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
  ASTBuilder(const SourceText &text, DiagnosticEngine &diags)
      : text(text), diags(diags) {}

  // BuildTopLevel.cpp
  std::unique_ptr<ast::Module> buildFile(netc_grammar::NetcParser::FileContext &ctx);
  std::unique_ptr<ast::Network>
  buildNetwork(netc_grammar::NetcParser::NetworkContext &ctx);
  ast::StmtPtr buildStatement(netc_grammar::NetcParser::StatementContext &ctx);

  // BuildExpressions.cpp
  ast::ExprPtr buildExpr(netc_grammar::NetcParser::ExprContext &ctx);
  ast::ExprPtr buildPrimary(netc_grammar::NetcParser::PrimaryContext &ctx);
  std::vector<ast::Argument>
  buildArgList(netc_grammar::NetcParser::ArgListContext *ctx);
  std::vector<ast::ExprPtr>
  buildExprList(netc_grammar::NetcParser::ExprListContext *ctx);

  /// The source range of a rule context or a token.
  llvm::SMRange rangeOf(antlr4::ParserRuleContext &ctx) const;
  llvm::SMRange rangeOf(antlr4::Token *token) const;
  ast::Identifier identifier(antlr4::Token *token) const;

private:
  ast::ExprPtr buildIntegerLiteral(netc_grammar::NetcParser::IntegerLiteralContext &ctx);
  ast::ExprPtr buildFloatLiteral(netc_grammar::NetcParser::FloatLiteralContext &ctx);
  ast::ExprPtr buildStringLiteral(netc_grammar::NetcParser::StringLiteralContext &ctx);

  const SourceText &text;
  DiagnosticEngine &diags;
};

} // namespace netc::parse
