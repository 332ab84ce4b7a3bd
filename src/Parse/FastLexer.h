//===- FastLexer.h - the lexer rules of Netc.g4, by hand, for ASCII -*- C++ -*-===//
//
// ANTLR's generated lexer simulates the lexer ATN for every character (and
// makes a token of every run of blanks only to skip it). For a pure-ASCII
// buffer this lexer applies the same rules directly: the same tokens (type,
// start, stop, line, column), in the same order, with the same longest-match
// and first-rule-wins choices. NON_ASCII_NAME can never match in ASCII text
// (on ASCII letters it is exactly IDENT, which comes first).
//
// It must agree with the grammar's lexer rules: the unit test ParseStages
// parses every example, every test input, generated programs and generated
// mistakes with this lexer and with ANTLR's, and compares the ASTs (ranges
// included) and the diagnostics. A change to the lexer rules of Netc.g4
// needs the same change here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "NetcLexer.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"

#include <memory>

namespace netc::parse {

/// A CommonToken whose memory comes from a free list: the hand parser's
/// TokenReader makes and frees a token for every few characters of the
/// file, each freed as soon as it is read, so the same few blocks are used
/// over and over. (Deleting a token through its Token base finds this
/// class's operator delete: the destructor is virtual.)
class PooledToken final : public antlr4::CommonToken {
public:
  /// The token CommonTokenFactory would make for these arguments (its
  /// constructor asks the source for the line and column, which are then
  /// overwritten; the fields are set here directly instead).
  PooledToken(std::pair<antlr4::TokenSource *, antlr4::CharStream *> source,
              size_t type, size_t start, size_t stop, size_t line,
              size_t column)
      : CommonToken(type) {
    _source = source;
    _channel = DEFAULT_CHANNEL;
    _start = start;
    _stop = stop;
    _line = line;
    _charPositionInLine = column;
  }

  static void *operator new(size_t size) {
    if (size != sizeof(PooledToken))
      return ::operator new(size);
    if (FreeBlock *block = freeList()) {
      freeList() = block->next;
      return block;
    }
    return ::operator new(size);
  }
  static void operator delete(void *pointer, size_t size) {
    if (!pointer)
      return;
    if (size != sizeof(PooledToken))
      return ::operator delete(pointer);
    auto *block = static_cast<FreeBlock *>(pointer);
    block->next = freeList();
    freeList() = block;
  }

private:
  struct FreeBlock {
    FreeBlock *next;
  };
  static FreeBlock *&freeList() {
    static thread_local FreeBlock *list = nullptr;
    return list;
  }
};

/// A NetcLexer for its token types and its place in the token pipeline; it
/// overrides nextToken and never runs the generated lexer's ATN, which is
/// therefore never built for ASCII input (grammar/LazyLexerInit.cmake makes
/// it lazy; building it costs about 5 ms).
class FastLexer : public netc_grammar::NetcLexer {
public:
  /// Lexes \p text, which must be pure ASCII and be the text of \p input.
  FastLexer(antlr4::CharStream *input, llvm::StringRef text)
      : NetcLexer(input), input(input), text(text) {}

  std::unique_ptr<antlr4::Token> nextToken() override {
    using L = netc_grammar::NetcLexer;
    const char *data = text.data();
    size_t n = text.size();
    while (true) {
      if (pos >= n)
        return make(antlr4::Token::EOF, n, n - 1, line, column);
      size_t start = pos;
      size_t startLine = line, startColumn = column;
      char c = data[pos];
      size_t type;
      switch (c) {
      case '\n':
        advance(1);
        return make(L::NEWLINE, start, pos - 1, startLine, startColumn);
      case '\r':
        advance(pos + 1 < n && data[pos + 1] == '\n' ? 2 : 1);
        return make(L::NEWLINE, start, pos - 1, startLine, startColumn);
      case ' ':
      case '\t':
      case '\f': // WS -> skip
        while (pos < n && (data[pos] == ' ' || data[pos] == '\t' ||
                           data[pos] == '\f'))
          advance(1);
        continue;
      case '#': { // COMMENT -> skip
        size_t end = pos;
        while (end < n && data[end] != '\r' && data[end] != '\n')
          ++end;
        advance(end - pos);
        continue;
      }
      case '"':
        type = lexString();
        return make(type, start, pos - 1, startLine, startColumn);
      case '|':
        return punct(data, n, '>', L::PIPE, L::INVALID);
      case '.':
        return punct(data, n, '.', L::DOTDOT, L::DOT);
      case '=':
        return punct(data, n, '=', L::EQ, L::ASSIGN);
      case '!':
        return punct(data, n, '=', L::NE, L::INVALID);
      case '<':
        return punct(data, n, '=', L::LE, L::LT);
      case '>':
        return punct(data, n, '=', L::GE, L::GT);
      case '/':
        return punct(data, n, '/', L::DSLASH, L::SLASH);
      case ':':
        return single(L::COLON);
      case ';':
        return single(L::SEMI);
      case ',':
        return single(L::COMMA);
      case '+':
        return single(L::PLUS);
      case '-':
        return single(L::MINUS);
      case '*':
        return single(L::STAR);
      case '%':
        return single(L::PERCENT);
      case '(':
        return single(L::LPAREN);
      case ')':
        return single(L::RPAREN);
      case '[':
        return single(L::LBRACK);
      case ']':
        return single(L::RBRACK);
      case '{':
        return single(L::LBRACE);
      case '}':
        return single(L::RBRACE);
      default:
        break;
      }
      if (isLetter(c)) {
        size_t end = pos + 1;
        while (end < n && (isLetter(data[end]) || isDigit(data[end])))
          ++end;
        type = keywordOrIdent(text.slice(pos, end));
        advance(end - pos);
        return make(type, start, pos - 1, startLine, startColumn);
      }
      if (isDigit(c)) {
        type = lexNumber();
        return make(type, start, pos - 1, startLine, startColumn);
      }
      return single(L::INVALID); // INVALID : .
    }
  }

  size_t getLine() const override { return line; }
  size_t getCharPositionInLine() override { return column; }

private:
  static bool isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  static size_t keywordOrIdent(llvm::StringRef word) {
    using L = netc_grammar::NetcLexer;
    return llvm::StringSwitch<size_t>(word)
        .Case("network", L::NETWORK)
        .Case("input", L::INPUT)
        .Case("param", L::PARAM)
        .Case("buffer", L::BUFFER)
        .Case("output", L::OUTPUT)
        .Case("import", L::IMPORT)
        .Case("const", L::CONST)
        .Case("block", L::BLOCK)
        .Case("return", L::RETURN)
        .Case("if", L::IF)
        .Case("else", L::ELSE)
        .Case("for", L::FOR)
        .Case("in", L::IN)
        .Case("and", L::AND)
        .Case("or", L::OR)
        .Case("not", L::NOT)
        .Case("true", L::TRUE)
        .Case("false", L::FALSE)
        .Case("as", L::AS)
        .Default(L::IDENT);
  }

  /// Moves over \p count characters (ANTLR counts lines at '\n' only).
  void advance(size_t count) {
    for (size_t i = 0; i < count; ++i, ++pos) {
      if (text[pos] == '\n') {
        ++line;
        column = 0;
      } else {
        ++column;
      }
    }
  }

  /// DIGITS : [0-9] ('_'? [0-9])* ; the end of the digits from \p i, or \p i
  /// when there are none.
  size_t digitsEnd(size_t i) const {
    size_t n = text.size();
    if (i >= n || !isDigit(text[i]))
      return i;
    ++i;
    while (i < n) {
      if (isDigit(text[i]))
        ++i;
      else if (text[i] == '_' && i + 1 < n && isDigit(text[i + 1]))
        i += 2;
      else
        break;
    }
    return i;
  }
  /// EXPONENT : [eE] [+-]? [0-9]+ ; its end from \p i, or \p i if none.
  size_t exponentEnd(size_t i) const {
    size_t n = text.size();
    if (i >= n || (text[i] != 'e' && text[i] != 'E'))
      return i;
    size_t j = i + 1;
    if (j < n && (text[j] == '+' || text[j] == '-'))
      ++j;
    if (j >= n || !isDigit(text[j]))
      return i;
    while (j < n && isDigit(text[j]))
      ++j;
    return j;
  }
  /// FLOAT : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ; INT : DIGITS ;
  size_t lexNumber() {
    using L = netc_grammar::NetcLexer;
    size_t n = text.size();
    size_t end = digitsEnd(pos);
    size_t type = L::INT;
    if (end + 1 < n && text[end] == '.' && isDigit(text[end + 1])) {
      end = exponentEnd(digitsEnd(end + 1));
      type = L::FLOAT;
    } else if (size_t e = exponentEnd(end); e != end) {
      end = e;
      type = L::FLOAT;
    }
    advance(end - pos);
    return type;
  }
  /// STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
  /// UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;
  size_t lexString() {
    using L = netc_grammar::NetcLexer;
    size_t n = text.size();
    size_t i = pos + 1;
    while (i < n) {
      char c = text[i];
      if (c == '"') {
        advance(i + 1 - pos);
        return L::STRING;
      }
      if (c == '\r' || c == '\n')
        break;
      if (c == '\\') {
        if (i + 1 < n && text[i + 1] != '\r' && text[i + 1] != '\n')
          i += 2;
        else
          break;
        continue;
      }
      ++i;
    }
    advance(i - pos);
    return L::UNTERMINATED_STRING;
  }

  /// A one-character token.
  std::unique_ptr<antlr4::Token> single(size_t type) {
    size_t start = pos, startLine = line, startColumn = column;
    advance(1);
    return make(type, start, start, startLine, startColumn);
  }
  /// \p two when the next character is \p second, else the one-character
  /// token \p one.
  std::unique_ptr<antlr4::Token> punct(const char *data, size_t n, char second,
                                       size_t two, size_t one) {
    if (pos + 1 < n && data[pos + 1] == second) {
      size_t start = pos, startLine = line, startColumn = column;
      advance(2);
      return make(two, start, start + 1, startLine, startColumn);
    }
    return single(one);
  }

  std::unique_ptr<antlr4::Token> make(size_t type, size_t start, size_t stop,
                                      size_t tokenLine, size_t tokenColumn) {
    return std::make_unique<PooledToken>(
        std::make_pair(static_cast<antlr4::TokenSource *>(this), input), type,
        start, stop, tokenLine, tokenColumn);
  }

  antlr4::CharStream *input;
  llvm::StringRef text;
  size_t pos = 0;
  size_t line = 1;
  size_t column = 0;
};

} // namespace netc::parse
