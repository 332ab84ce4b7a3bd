//===- DirectParser.h - the hand parser, tokens to AST ----------*- C++ -*-===//
//
// Private to the parse stage. netc's parser: a recursive-descent parser that
// follows every parser rule of grammar/Netc.g4, from `file` down to
// `primary`, one function per rule, and builds the AST directly, with no
// parse tree: node for node and range for range the AST the ASTBuilder
// builds from ANTLR's tree for the same input. ANTLR makes a context object
// for every rule it enters (about fifty for `x = x |> conv2d(16, kernel=3)
// |> relu`) and the ASTBuilder then walks them; this parser makes the ten
// AST nodes and nothing else. It reads the tokens the TokenFilter passes on
// (FastLexer's for ASCII text, ANTLR's generated lexer's otherwise) through
// a TokenReader, and never calls ANTLR's parser.
//
// It reports nothing and throws nothing: each parse function returns null
// (or false) when the input leaves the grammar or holds something the
// ASTBuilder would report (a literal out of range, a positional argument
// after a keyword argument), and parseFile() then returns null; parseModule
// (Parser.cpp) then parses the file again on its careful path, ANTLR with
// error recovery, which reports every mistake. The grammar is LL(2) (a name
// followed by '=' or ',' starts an assignment, by '(' a call; a number
// literal followed by '.' or '[' is not folded into a minus sign before it),
// so the parser never backtracks.
//
// Netc.g4 is the definition: a change to its parser rules needs the same
// change here. The unit test ParseStages (every example, every test input,
// generated programs and generated mistakes) and the fuzzer check that this
// parser accepts exactly what ANTLR accepts without a diagnostic and builds
// the same AST, source ranges included.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SourceText.h"
#include "StreamingInput.h"

#include "netc/AST/AST.h"

#include <memory>
#include <optional>
#include <vector>

namespace netc::parse {

/// Parses one file's tokens into its AST; see the file comment.
class DirectParser {
public:
  DirectParser(TokenReader &tokens, const SourceText &text, unsigned bufferId)
      : tokens(tokens), text(text), bufferId(bufferId) {}

  /// The file's AST, or null when the input is not accepted (and nothing
  /// has been reported). The file ends where the TokenReader's EOF is.
  std::unique_ptr<ast::Module> parseFile();

private:
  // Top level: file, topItem, paramList, param, body, sep.
  /// blockDecl or networkDecl (\p DeclT: ast::BlockDecl or ast::Network).
  template <typename DeclT> std::unique_ptr<DeclT> parseCallable();
  bool parseParamList(std::vector<ast::Parameter> &params);
  bool parseBody(std::vector<ast::StmtPtr> &body);

  // Statements: statement, ifStatement.
  ast::StmtPtr parseStatement();
  ast::StmtPtr parseDecl();
  ast::StmtPtr parseOutput();
  ast::StmtPtr parseReturn();
  ast::StmtPtr parseAssign();
  ast::StmtPtr parseIf();
  ast::StmtPtr parseFor();

  // Expressions, loosest first.
  ast::ExprPtr parseExpr();
  bool parseLayerName(std::unique_ptr<ast::LayerName> &out);
  ast::ExprPtr parseOrExpr();
  ast::ExprPtr parseAndExpr();
  ast::ExprPtr parseNotExpr();
  ast::ExprPtr parseComparison();
  ast::ExprPtr parseAdditive();
  ast::ExprPtr parseMultiplicative();
  ast::ExprPtr parseUnary();
  ast::ExprPtr parsePostfix();
  ast::ExprPtr parsePrimary();
  ast::ExprPtr parseParenOrTuple();
  bool parseArgList(std::vector<ast::Argument> &args);
  bool parseExprList(std::vector<ast::ExprPtr> &exprs);
  ast::ExprPtr parseNumber(const TokenRecord &literal, bool negative,
                           llvm::SMRange range);

  // Tokens.
  size_t la(size_t k = 1) { return tokens.la(k); }
  TokenRecord consume() {
    TokenRecord token = tokens.consume();
    lastStop = token.stop;
    return token;
  }
  /// Consumes the current token if it has type \p type.
  std::optional<TokenRecord> expect(size_t type) {
    if (la() != type)
      return std::nullopt;
    return consume();
  }
  void skipSeparators();

  // Ranges and spellings.
  llvm::SMRange rangeOf(const TokenRecord &token) const {
    return text.getRange(token.start, token.stop);
  }
  /// From \p first to the last token consumed: the range the ASTBuilder
  /// gives a rule context that starts at \p first and ends here.
  llvm::SMRange extent(const TokenRecord &first) const {
    return text.getRange(first.start, lastStop);
  }
  static llvm::StringRef spelling(llvm::SMRange range) {
    return llvm::StringRef(range.Start.getPointer(),
                           range.End.getPointer() - range.Start.getPointer());
  }
  ast::Identifier identifier(const TokenRecord &token) const {
    llvm::SMRange range = rangeOf(token);
    return {spelling(range).str(), range};
  }

  TokenReader &tokens;
  const SourceText &text;
  unsigned bufferId;
  /// The stop index of the last token consumed (ANTLR's stop token of the
  /// rule that ends there).
  size_t lastStop = 0;
};

} // namespace netc::parse
