//===- BuildExpressions.cpp - AST for expressions, pipes and arguments ----===//
//
// The ASTBuilder functions for `expr` and every expression rule below it.
// Pipes are desugared here: `a |> f(b)` becomes the call f(a, b) marked as
// piped. A minus sign directly before a number literal is folded into the
// literal (so that -2^63 is representable).
//
//===----------------------------------------------------------------------===//
#include "ASTBuilder.h"

#include "netc/Basic/Numbers.h"
#include "Literals.h"

#include "llvm/ADT/StringExtras.h"

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

static llvm::SMRange join(llvm::SMRange a, llvm::SMRange b) {
  return llvm::SMRange(a.Start, b.End);
}

// expr : orExpr (PIPE pipeStage)*
ast::ExprPtr ASTBuilder::buildExpr(NetcParser::ExprContext &ctx) {
  ast::ExprPtr value = buildOrExpr(*ctx.orExpr());
  for (NetcParser::PipeStageContext *stage : ctx.pipeStage()) {
    std::vector<ast::Argument> args;
    llvm::SMRange pipedRange = value->getRange();
    args.push_back({nullptr, std::move(value), pipedRange});
    std::vector<ast::Argument> rest = buildArgList(stage->argList());
    for (ast::Argument &arg : rest)
      args.push_back(std::move(arg));
    value = std::make_unique<ast::CallExpr>(
        identifier(stage->callee), std::move(args), /*piped=*/true,
        rangeOf(*stage), buildLayerName(stage->layerName()));
  }
  return value;
}

// layerName : AS (name=IDENT | index=INT | LPAREN computed=expr RPAREN)
std::unique_ptr<ast::LayerName>
ASTBuilder::buildLayerName(NetcParser::LayerNameContext *ctx) {
  if (!ctx)
    return nullptr;
  auto layerName = std::make_unique<ast::LayerName>();
  if (ctx->name)
    layerName->spelling = ctx->name->getText();
  else if (ctx->index)
    layerName->spelling = ctx->index->getText();
  else
    layerName->computed = buildExpr(*ctx->computed);
  layerName->range = rangeOf(*ctx);
  return layerName;
}

static ast::BinaryExpr::Op binaryOpFor(size_t tokenType) {
  switch (tokenType) {
  case NetcParser::PLUS:
    return ast::BinaryExpr::Op::Add;
  case NetcParser::MINUS:
    return ast::BinaryExpr::Op::Sub;
  case NetcParser::STAR:
    return ast::BinaryExpr::Op::Mul;
  case NetcParser::SLASH:
    return ast::BinaryExpr::Op::Div;
  case NetcParser::DSLASH:
    return ast::BinaryExpr::Op::FloorDiv;
  case NetcParser::PERCENT:
    return ast::BinaryExpr::Op::Mod;
  case NetcParser::EQ:
    return ast::BinaryExpr::Op::Eq;
  case NetcParser::NE:
    return ast::BinaryExpr::Op::Ne;
  case NetcParser::LT:
    return ast::BinaryExpr::Op::Lt;
  case NetcParser::LE:
    return ast::BinaryExpr::Op::Le;
  case NetcParser::GT:
    return ast::BinaryExpr::Op::Gt;
  case NetcParser::GE:
    return ast::BinaryExpr::Op::Ge;
  case NetcParser::AND:
    return ast::BinaryExpr::Op::And;
  default:
    return ast::BinaryExpr::Op::Or;
  }
}

ast::ExprPtr ASTBuilder::foldLeft(ast::ExprPtr lhs, antlr4::Token *op,
                                  ast::ExprPtr rhs) {
  llvm::SMRange range = join(lhs->getRange(), rhs->getRange());
  return std::make_unique<ast::BinaryExpr>(binaryOpFor(op->getType()),
                                           std::move(lhs), std::move(rhs),
                                           rangeOf(op), range);
}

// orExpr : andExpr (OR andExpr)*
ast::ExprPtr ASTBuilder::buildOrExpr(NetcParser::OrExprContext &ctx) {
  auto operands = ctx.andExpr();
  ast::ExprPtr value = buildAndExpr(*operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    value = foldLeft(std::move(value), ctx.OR(i - 1)->getSymbol(),
                     buildAndExpr(*operands[i]));
  return value;
}

// andExpr : notExpr (AND notExpr)*
ast::ExprPtr ASTBuilder::buildAndExpr(NetcParser::AndExprContext &ctx) {
  auto operands = ctx.notExpr();
  ast::ExprPtr value = buildNotExpr(*operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    value = foldLeft(std::move(value), ctx.AND(i - 1)->getSymbol(),
                     buildNotExpr(*operands[i]));
  return value;
}

// notExpr : NOT notExpr | comparison
ast::ExprPtr ASTBuilder::buildNotExpr(NetcParser::NotExprContext &ctx) {
  if (ctx.NOT())
    return std::make_unique<ast::UnaryExpr>(
        ast::UnaryExpr::Op::Not, buildNotExpr(*ctx.notExpr()),
        rangeOf(ctx.NOT()->getSymbol()), rangeOf(ctx));
  return buildComparison(*ctx.comparison());
}

// comparison : additive (op additive)?
ast::ExprPtr ASTBuilder::buildComparison(NetcParser::ComparisonContext &ctx) {
  auto operands = ctx.additive();
  ast::ExprPtr value = buildAdditive(*operands[0]);
  if (operands.size() == 2)
    value = foldLeft(std::move(value), ctx.op, buildAdditive(*operands[1]));
  return value;
}

// additive : multiplicative ((PLUS | MINUS) multiplicative)*
ast::ExprPtr ASTBuilder::buildAdditive(NetcParser::AdditiveContext &ctx) {
  auto operands = ctx.multiplicative();
  ast::ExprPtr value = buildMultiplicative(*operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    value = foldLeft(std::move(value), ctx.ops[i - 1],
                     buildMultiplicative(*operands[i]));
  return value;
}

// multiplicative : unary ((STAR | SLASH | DSLASH | PERCENT) unary)*
ast::ExprPtr
ASTBuilder::buildMultiplicative(NetcParser::MultiplicativeContext &ctx) {
  auto operands = ctx.unary();
  ast::ExprPtr value = buildUnary(*operands[0]);
  for (size_t i = 1; i < operands.size(); ++i)
    value = foldLeft(std::move(value), ctx.ops[i - 1],
                     buildUnary(*operands[i]));
  return value;
}

// unary : MINUS unary | postfix
ast::ExprPtr ASTBuilder::buildUnary(NetcParser::UnaryContext &ctx) {
  if (!ctx.MINUS())
    return buildPostfix(*ctx.postfix());
  llvm::SMRange range = rangeOf(ctx);
  // -<number literal> is the literal's value.
  NetcParser::UnaryContext *operand = ctx.unary();
  if (NetcParser::PostfixContext *postfix = operand->postfix()) {
    if (postfix->children.size() == 1) {
      NetcParser::PrimaryContext *primary = postfix->primary();
      if (auto *i = dynamic_cast<NetcParser::IntegerLiteralContext *>(primary))
        return buildIntegerLiteral(i->INT()->getSymbol(), true, range);
      if (auto *f = dynamic_cast<NetcParser::FloatLiteralContext *>(primary))
        return buildFloatLiteral(f->FLOAT()->getSymbol(), true, range);
    }
  }
  return std::make_unique<ast::UnaryExpr>(ast::UnaryExpr::Op::Negate,
                                          buildUnary(*operand),
                                          rangeOf(ctx.MINUS()->getSymbol()),
                                          range);
}

// postfix : primary (DOT member=IDENT
//                   | LBRACK (index=expr (COLON stop=expr?)?
//                             | COLON stop=expr?) RBRACK)*
ast::ExprPtr ASTBuilder::buildPostfix(NetcParser::PostfixContext &ctx) {
  ast::ExprPtr value = buildPrimary(*ctx.primary());
  // Walk the children after the primary: `.name` or `[ expr ]`.
  for (size_t i = 1; i < ctx.children.size(); ++i) {
    auto *terminal = dynamic_cast<antlr4::tree::TerminalNode *>(ctx.children[i]);
    if (!terminal)
      continue;
    size_t type = terminal->getSymbol()->getType();
    if (type == NetcParser::DOT && i + 1 < ctx.children.size()) {
      auto *name =
          dynamic_cast<antlr4::tree::TerminalNode *>(ctx.children[i + 1]);
      ast::Identifier member = identifier(name->getSymbol());
      llvm::SMRange range = join(value->getRange(), member.range);
      value = std::make_unique<ast::MemberExpr>(std::move(value),
                                                std::move(member), range);
      ++i;
    } else if (type == NetcParser::LBRACK) {
      // Up to the RBRACK: an index, or bounds around a COLON.
      NetcParser::ExprContext *bounds[2] = {nullptr, nullptr};
      bool slice = false;
      size_t j = i + 1;
      for (; j < ctx.children.size(); ++j) {
        auto *token = dynamic_cast<antlr4::tree::TerminalNode *>(ctx.children[j]);
        if (!token) {
          bounds[slice] = dynamic_cast<NetcParser::ExprContext *>(ctx.children[j]);
          continue;
        }
        if (token->getSymbol()->getType() == NetcParser::COLON) {
          slice = true;
          continue;
        }
        break; // RBRACK
      }
      if (j >= ctx.children.size())
        break;
      auto *close = dynamic_cast<antlr4::tree::TerminalNode *>(ctx.children[j]);
      llvm::SMRange range =
          join(value->getRange(), rangeOf(close->getSymbol()));
      if (slice)
        value = std::make_unique<ast::SliceExpr>(
            std::move(value), bounds[0] ? buildExpr(*bounds[0]) : nullptr,
            bounds[1] ? buildExpr(*bounds[1]) : nullptr, range);
      else
        value = std::make_unique<ast::IndexExpr>(std::move(value),
                                                 buildExpr(*bounds[0]), range);
      i = j;
    }
  }
  return value;
}

ast::ExprPtr ASTBuilder::buildIntegerLiteral(antlr4::Token *token,
                                             bool negative,
                                             llvm::SMRange range) {
  std::string spelling = token->getText();
  std::optional<int64_t> value = getDigitsValue(spelling, negative);
  if (!value) {
    diags.report(range.Start, diag::err_integer_too_large,
                 abbreviate((negative ? "-" : "") + spelling),
                 negative ? "small" : "large", negative ? "-2^63" : "2^63-1")
        .range(range);
    value = 0;
  }
  return std::make_unique<ast::IntegerExpr>(*value, range);
}

ast::ExprPtr ASTBuilder::buildFloatLiteral(antlr4::Token *token,
                                           bool negative,
                                           llvm::SMRange range) {
  std::string spelling = token->getText();
  std::optional<double> value = getFloatSpellingValue(spelling);
  if (!value) {
    diags.report(range.Start, diag::err_float_invalid, abbreviate(spelling))
        .range(range);
    value = 0;
  }
  return std::make_unique<ast::FloatExpr>(negative ? -*value : *value, range);
}

ast::ExprPtr
ASTBuilder::buildStringLiteral(NetcParser::StringLiteralContext &ctx) {
  std::string value = unquote(ctx.STRING()->getText());
  return std::make_unique<ast::StringExpr>(std::move(value), rangeOf(ctx));
}

// primary : integerLiteral | floatLiteral | boolLiteral | stringLiteral
//         | callExpr | nameExpr | parenOrTuple
ast::ExprPtr ASTBuilder::buildPrimary(NetcParser::PrimaryContext &ctx) {
  llvm::SMRange range = rangeOf(ctx);
  if (auto *i = dynamic_cast<NetcParser::IntegerLiteralContext *>(&ctx))
    return buildIntegerLiteral(i->INT()->getSymbol(), false, range);
  if (auto *f = dynamic_cast<NetcParser::FloatLiteralContext *>(&ctx))
    return buildFloatLiteral(f->FLOAT()->getSymbol(), false, range);
  if (auto *b = dynamic_cast<NetcParser::BoolLiteralContext *>(&ctx))
    return std::make_unique<ast::BoolExpr>(b->TRUE() != nullptr, range);
  if (auto *s = dynamic_cast<NetcParser::StringLiteralContext *>(&ctx))
    return buildStringLiteral(*s);
  if (auto *call = dynamic_cast<NetcParser::CallExprContext *>(&ctx))
    return std::make_unique<ast::CallExpr>(
        identifier(call->callee), buildArgList(call->argList()),
        /*piped=*/false, range, buildLayerName(call->layerName()));
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
      built.keyword = std::make_unique<ast::Identifier>(identifier(arg->keyword));
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
