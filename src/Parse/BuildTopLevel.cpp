//===- BuildTopLevel.cpp - AST for files, declarations and statements -----===//
//
// The ASTBuilder functions for the grammar rules `file`, `topItem` (import,
// const, block, network), `paramList`, `body`, `statement` and
// `ifStatement`.
//
//===----------------------------------------------------------------------===//
#include "ASTBuilder.h"
#include "Literals.h"

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

// file : sep* (topItem sep*)* EOF
// topItem : importDecl | constDecl | blockDecl | networkDecl
std::unique_ptr<ast::Module> ASTBuilder::buildFile(NetcParser::FileContext &ctx) {
  std::vector<ast::ImportDecl> imports;
  std::vector<ast::ConstDecl> consts;
  std::vector<std::unique_ptr<ast::BlockDecl>> blocks;
  std::vector<std::unique_ptr<ast::Network>> networks;
  for (NetcParser::TopItemContext *item : ctx.topItem()) {
    if (auto *import = dynamic_cast<NetcParser::ImportDeclContext *>(item)) {
      imports.push_back(
          {unquote(import->path->getText()), rangeOf(import->path)});
    } else if (auto *c = dynamic_cast<NetcParser::ConstDeclContext *>(item)) {
      consts.push_back({identifier(c->name), buildExpr(*c->expr())});
    } else if (auto *b = dynamic_cast<NetcParser::BlockDeclContext *>(item)) {
      blocks.push_back(std::make_unique<ast::BlockDecl>(
          identifier(b->name), buildParamList(b->paramList()),
          buildBody(*b->body()), rangeOf(*b)));
    } else if (auto *n = dynamic_cast<NetcParser::NetworkDeclContext *>(item)) {
      networks.push_back(std::make_unique<ast::Network>(
          identifier(n->name), buildParamList(n->paramList()),
          buildBody(*n->body()), rangeOf(*n)));
    }
  }
  return std::make_unique<ast::Module>(bufferId, std::move(imports),
                                       std::move(consts), std::move(blocks),
                                       std::move(networks));
}

// paramList : param (COMMA param)* COMMA?
// param : name=IDENT (ASSIGN expr)?
std::vector<ast::Parameter>
ASTBuilder::buildParamList(NetcParser::ParamListContext *ctx) {
  std::vector<ast::Parameter> params;
  if (!ctx)
    return params;
  for (NetcParser::ParamContext *param : ctx->param()) {
    ast::ExprPtr def;
    if (param->expr())
      def = buildExpr(*param->expr());
    params.push_back({identifier(param->name), std::move(def)});
  }
  return params;
}

// body : sep* (statement (sep+ statement)* sep*)?
std::vector<ast::StmtPtr> ASTBuilder::buildBody(NetcParser::BodyContext &ctx) {
  std::vector<ast::StmtPtr> body;
  for (NetcParser::StatementContext *statement : ctx.statement())
    if (ast::StmtPtr built = buildStatement(*statement))
      body.push_back(std::move(built));
  return body;
}

// ifStatement : IF expr { body } (ELSE ({ body } | ifStatement))?
ast::StmtPtr ASTBuilder::buildIfStatement(NetcParser::IfStatementContext &ctx) {
  std::vector<ast::StmtPtr> elseBody;
  if (ctx.elseBody)
    elseBody = buildBody(*ctx.elseBody);
  else if (ctx.elseIf)
    elseBody.push_back(buildIfStatement(*ctx.elseIf));
  return std::make_unique<ast::IfStmt>(buildExpr(*ctx.cond),
                                       buildBody(*ctx.thenBody),
                                       std::move(elseBody), rangeOf(ctx));
}

// statement : input | output | assign | return | if | for | expr
ast::StmtPtr ASTBuilder::buildStatement(NetcParser::StatementContext &ctx) {
  llvm::SMRange range = rangeOf(ctx);
  if (auto *decl = dynamic_cast<NetcParser::DeclStatementContext *>(&ctx)) {
    std::optional<ast::Identifier> dtype;
    if (decl->dtype)
      dtype = identifier(decl->dtype);
    size_t type = decl->kind->getType();
    ast::TensorDeclKind kind = type == NetcParser::INPUT
                                   ? ast::TensorDeclKind::Input
                               : type == NetcParser::PARAM
                                   ? ast::TensorDeclKind::Param
                                   : ast::TensorDeclKind::Buffer;
    return std::make_unique<ast::TensorDeclStmt>(
        kind, identifier(decl->name), std::move(dtype),
        buildExprList(decl->exprList()), range);
  }
  if (auto *output = dynamic_cast<NetcParser::OutputStatementContext *>(&ctx)) {
    ast::ExprPtr value;
    if (output->expr())
      value = buildExpr(*output->expr());
    return std::make_unique<ast::OutputStmt>(identifier(output->name),
                                             std::move(value), range);
  }
  if (auto *assign = dynamic_cast<NetcParser::AssignStatementContext *>(&ctx)) {
    std::vector<ast::Identifier> targets;
    for (antlr4::tree::TerminalNode *name : assign->IDENT())
      targets.push_back(identifier(name->getSymbol()));
    return std::make_unique<ast::AssignStmt>(
        std::move(targets), buildExpr(*assign->expr()), range);
  }
  if (auto *ret = dynamic_cast<NetcParser::ReturnStatementContext *>(&ctx)) {
    // `return a, b` returns the tuple (a, b).
    std::vector<NetcParser::ExprContext *> values = ret->expr();
    if (values.size() == 1)
      return std::make_unique<ast::ReturnStmt>(buildExpr(*values[0]), range);
    std::vector<ast::ExprPtr> elements;
    for (NetcParser::ExprContext *value : values)
      elements.push_back(buildExpr(*value));
    llvm::SMRange tupleRange(elements.front()->getRange().Start,
                             elements.back()->getRange().End);
    return std::make_unique<ast::ReturnStmt>(
        std::make_unique<ast::TupleExpr>(std::move(elements), tupleRange),
        range);
  }
  if (auto *ifStmt = dynamic_cast<NetcParser::IfStmtContext *>(&ctx))
    return buildIfStatement(*ifStmt->ifStatement());
  if (auto *forStmt = dynamic_cast<NetcParser::ForStatementContext *>(&ctx))
    return std::make_unique<ast::ForStmt>(
        identifier(forStmt->var), buildExpr(*forStmt->from),
        buildExpr(*forStmt->to), buildBody(*forStmt->body()), range);
  auto &exprStmt = dynamic_cast<NetcParser::ExprStatementContext &>(ctx);
  return std::make_unique<ast::ExprStmt>(buildExpr(*exprStmt.expr()), range);
}
