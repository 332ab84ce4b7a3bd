//===- BuildTopLevel.cpp - AST for files, networks and statements ---------===//
//
// The ASTBuilder functions for the grammar rules `file`, `network`, `body`
// and `statement`.
//
//===----------------------------------------------------------------------===//
#include "ASTBuilder.h"

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcParser;

llvm::SMRange ASTBuilder::rangeOf(antlr4::ParserRuleContext &ctx) const {
  antlr4::Token *start = ctx.getStart();
  antlr4::Token *stop = ctx.getStop();
  if (!start)
    return {};
  if (!stop || stop->getStopIndex() < start->getStartIndex())
    return text.getRange(start->getStartIndex(), start->getStopIndex());
  return text.getRange(start->getStartIndex(), stop->getStopIndex());
}

llvm::SMRange ASTBuilder::rangeOf(antlr4::Token *token) const {
  return text.getRange(token->getStartIndex(), token->getStopIndex());
}

ast::Identifier ASTBuilder::identifier(antlr4::Token *token) const {
  return {token->getText(), rangeOf(token)};
}

// file : sep* (network sep*)* EOF
std::unique_ptr<ast::Module>
ASTBuilder::buildFile(NetcParser::FileContext &ctx) {
  std::vector<std::unique_ptr<ast::Network>> networks;
  for (NetcParser::NetworkContext *network : ctx.network())
    networks.push_back(buildNetwork(*network));
  return std::make_unique<ast::Module>(std::move(networks));
}

// network : NETWORK name=IDENT LBRACE body RBRACE
std::unique_ptr<ast::Network>
ASTBuilder::buildNetwork(NetcParser::NetworkContext &ctx) {
  std::vector<ast::StmtPtr> body;
  for (NetcParser::StatementContext *statement : ctx.body()->statement())
    if (ast::StmtPtr built = buildStatement(*statement))
      body.push_back(std::move(built));
  return std::make_unique<ast::Network>(identifier(ctx.name), std::move(body),
                                        rangeOf(ctx));
}

// statement : inputStatement | outputStatement | assignStatement
//           | exprStatement
ast::StmtPtr ASTBuilder::buildStatement(NetcParser::StatementContext &ctx) {
  llvm::SMRange range = rangeOf(ctx);
  if (auto *input = dynamic_cast<NetcParser::InputStatementContext *>(&ctx)) {
    std::optional<ast::Identifier> dtype;
    if (input->dtype)
      dtype = identifier(input->dtype);
    return std::make_unique<ast::InputStmt>(identifier(input->name),
                                            std::move(dtype),
                                            buildExprList(input->exprList()),
                                            range);
  }
  if (auto *output = dynamic_cast<NetcParser::OutputStatementContext *>(&ctx)) {
    ast::ExprPtr value;
    if (output->expr())
      value = buildExpr(*output->expr());
    return std::make_unique<ast::OutputStmt>(identifier(output->name),
                                             std::move(value), range);
  }
  if (auto *assign = dynamic_cast<NetcParser::AssignStatementContext *>(&ctx))
    return std::make_unique<ast::AssignStmt>(
        identifier(assign->target), buildExpr(*assign->expr()), range);
  auto &exprStmt = dynamic_cast<NetcParser::ExprStatementContext &>(ctx);
  return std::make_unique<ast::ExprStmt>(buildExpr(*exprStmt.expr()), range);
}
