//===- BuildExpressions.cpp - AST for expressions, pipes and arguments ----===//
//
// The ASTBuilder functions for the grammar rules `expr`, `pipeStage`,
// `primary`, `argList`, `argument` and `exprList`. Pipes are desugared here:
// `a |> f(b)` becomes the call f(a, b) marked as piped.
//
//===----------------------------------------------------------------------===//
#include "ASTBuilder.h"

#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace netc;
using namespace netc::parse;
using netc_grammar::NetcParser;

/// Shortens a literal's spelling for a message: "1111...1111".
static std::string abbreviate(const std::string &spelling) {
  if (spelling.size() <= 32)
    return spelling;
  return spelling.substr(0, 12) + "..." + spelling.substr(spelling.size() - 12) +
         " (" + std::to_string(spelling.size()) + " characters)";
}

// expr : primary (PIPE pipeStage)*
ast::ExprPtr ASTBuilder::buildExpr(NetcParser::ExprContext &ctx) {
  ast::ExprPtr value = buildPrimary(*ctx.primary());
  for (NetcParser::PipeStageContext *stage : ctx.pipeStage()) {
    std::vector<ast::Argument> args;
    llvm::SMRange pipedRange = value->getRange();
    args.push_back({std::nullopt, std::move(value), pipedRange});
    std::vector<ast::Argument> rest = buildArgList(stage->argList());
    for (ast::Argument &arg : rest)
      args.push_back(std::move(arg));
    value = std::make_unique<ast::CallExpr>(identifier(stage->callee),
                                            std::move(args), /*piped=*/true,
                                            rangeOf(*stage));
  }
  return value;
}

ast::ExprPtr
ASTBuilder::buildIntegerLiteral(NetcParser::IntegerLiteralContext &ctx) {
  std::string digits = ctx.INT()->getText();
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  bool negative = ctx.MINUS() != nullptr;
  // Accumulate as a negative number so that -2^63 is representable.
  int64_t value = 0;
  bool overflow = false;
  for (char c : digits) {
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_sub_overflow(value, c - '0', &value)) {
      overflow = true;
      break;
    }
  }
  if (!overflow && !negative && __builtin_mul_overflow(value, -1, &value))
    overflow = true;
  llvm::SMRange range = rangeOf(ctx);
  if (overflow) {
    diags.report(range.Start, diag::err_integer_too_large,
                 abbreviate(ctx.getText()), negative ? "small" : "large",
                 negative ? "-2^63" : "2^63-1")
        .range(range);
    value = 0;
  }
  return std::make_unique<ast::IntegerExpr>(value, range);
}

ast::ExprPtr ASTBuilder::buildFloatLiteral(NetcParser::FloatLiteralContext &ctx) {
  std::string spelling = ctx.FLOAT()->getText();
  spelling.erase(std::remove(spelling.begin(), spelling.end(), '_'),
                 spelling.end());
  errno = 0;
  double value = std::strtod(spelling.c_str(), nullptr);
  llvm::SMRange range = rangeOf(ctx);
  if (errno == ERANGE && std::isinf(value)) {
    diags.report(range.Start, diag::err_float_invalid,
                 abbreviate(ctx.getText()))
        .range(range);
    value = 0;
  }
  if (ctx.MINUS())
    value = -value;
  return std::make_unique<ast::FloatExpr>(value, range);
}

ast::ExprPtr
ASTBuilder::buildStringLiteral(NetcParser::StringLiteralContext &ctx) {
  std::string quoted = ctx.STRING()->getText();
  std::string value;
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 2 < quoted.size()) {
      char next = quoted[++i];
      value += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      continue;
    }
    value += c;
  }
  return std::make_unique<ast::StringExpr>(std::move(value), rangeOf(ctx));
}

// primary : integerLiteral | floatLiteral | boolLiteral | stringLiteral
//         | callExpr | nameExpr | parenOrTuple
ast::ExprPtr ASTBuilder::buildPrimary(NetcParser::PrimaryContext &ctx) {
  llvm::SMRange range = rangeOf(ctx);
  if (auto *i = dynamic_cast<NetcParser::IntegerLiteralContext *>(&ctx))
    return buildIntegerLiteral(*i);
  if (auto *f = dynamic_cast<NetcParser::FloatLiteralContext *>(&ctx))
    return buildFloatLiteral(*f);
  if (auto *b = dynamic_cast<NetcParser::BoolLiteralContext *>(&ctx))
    return std::make_unique<ast::BoolExpr>(b->TRUE() != nullptr, range);
  if (auto *s = dynamic_cast<NetcParser::StringLiteralContext *>(&ctx))
    return buildStringLiteral(*s);
  if (auto *call = dynamic_cast<NetcParser::CallExprContext *>(&ctx))
    return std::make_unique<ast::CallExpr>(identifier(call->callee),
                                           buildArgList(call->argList()),
                                           /*piped=*/false, range);
  if (auto *name = dynamic_cast<NetcParser::NameExprContext *>(&ctx))
    return std::make_unique<ast::NameExpr>(name->IDENT()->getText(), range);
  auto &group = dynamic_cast<NetcParser::ParenOrTupleContext &>(ctx);
  std::vector<NetcParser::ExprContext *> elements = group.expr();
  // `(e)` is a parenthesised expression; `()`, `(e,)` and `(a, b)` are tuples.
  if (elements.size() == 1 && !group.trailingComma)
    return buildExpr(*elements.front());
  std::vector<ast::ExprPtr> built;
  for (NetcParser::ExprContext *element : elements)
    built.push_back(buildExpr(*element));
  return std::make_unique<ast::TupleExpr>(std::move(built), range);
}

// argList : argument (COMMA argument)* COMMA?
// argument : (keyword=IDENT ASSIGN)? expr
std::vector<ast::Argument>
ASTBuilder::buildArgList(NetcParser::ArgListContext *ctx) {
  std::vector<ast::Argument> args;
  if (!ctx)
    return args;
  std::optional<llvm::SMRange> firstKeyword;
  for (NetcParser::ArgumentContext *arg : ctx->argument()) {
    ast::Argument built;
    built.range = rangeOf(*arg);
    if (arg->keyword)
      built.keyword = identifier(arg->keyword);
    built.value = buildExpr(*arg->expr());
    if (!built.keyword && firstKeyword) {
      diags.report(built.range.Start, diag::err_positional_after_keyword)
          .range(built.range)
          .note(firstKeyword->Start, diag::note_first_keyword);
    }
    if (built.keyword && !firstKeyword)
      firstKeyword = built.range;
    args.push_back(std::move(built));
  }
  return args;
}

// exprList : expr (COMMA expr)* COMMA?
std::vector<ast::ExprPtr>
ASTBuilder::buildExprList(NetcParser::ExprListContext *ctx) {
  std::vector<ast::ExprPtr> exprs;
  if (!ctx)
    return exprs;
  for (NetcParser::ExprContext *expr : ctx->expr())
    exprs.push_back(buildExpr(*expr));
  return exprs;
}
