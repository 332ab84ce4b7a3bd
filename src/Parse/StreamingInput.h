//===- StreamingInput.h - character and token streams that stay small -*- C++ -*-===//
//
// The input of the hand parser (Parser.cpp, DirectParser):
//
//   ByteCharStream  the characters of a pure-ASCII buffer, read in place
//                   (ANTLRInputStream copies the text into UTF-32, four
//                   bytes per character); it behaves as ANTLR's own stream
//                   does for everything the lexer asks of it;
//   TokenReader     the tokens from a TokenSource (the TokenFilter), fetched
//                   in batches as small records, with two tokens of
//                   lookahead (CommonTokenStream keeps every token of the
//                   file as a heap object).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "antlr4-runtime.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Compiler.h"

#include <array>
#include <cassert>
#include <chrono>
#include <memory>

namespace netc::parse {

/// The characters of an ASCII text, in place: code point i is byte i.
class ByteCharStream : public antlr4::CharStream {
public:
  explicit ByteCharStream(llvm::StringRef text) : text(text) {}

  void consume() override {
    if (p >= text.size())
      throw antlr4::IllegalStateException("cannot consume EOF");
    ++p;
  }
  size_t LA(ssize_t i) override {
    if (i == 0)
      return 0; // undefined
    ssize_t position = static_cast<ssize_t>(p);
    if (i < 0) {
      ++i; // LA(-1) is the character before p
      if (position + i - 1 < 0)
        return antlr4::IntStream::EOF;
    }
    if (position + i - 1 >= static_cast<ssize_t>(text.size()))
      return antlr4::IntStream::EOF;
    return static_cast<unsigned char>(text[position + i - 1]);
  }
  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return p; }
  void seek(size_t index) override {
    p = index < text.size() ? index : text.size();
  }
  size_t size() override { return text.size(); }
  std::string getSourceName() const override {
    return antlr4::IntStream::UNKNOWN_SOURCE_NAME;
  }
  std::string getText(const antlr4::misc::Interval &interval) override {
    if (interval.a < 0 || interval.b < interval.a)
      return "";
    size_t start = static_cast<size_t>(interval.a);
    size_t stop = static_cast<size_t>(interval.b);
    if (start >= text.size())
      return "";
    if (stop >= text.size())
      stop = text.size() - 1;
    return text.substr(start, stop - start + 1).str();
  }
  std::string toString() const override { return text.str(); }

private:
  llvm::StringRef text;
  size_t p = 0;
};

/// A token as the hand parser reads it: its type and its first and last
/// code point (ANTLR's inclusive start and stop indices). Line and column
/// are left behind: the hand parser reports nothing.
struct TokenRecord {
  size_t type;
  size_t start;
  size_t stop;
};

/// The tokens of a TokenSource (every token on the default channel, as the
/// TokenFilter delivers them) as TokenRecords, fetched in batches as the
/// hand parser looks ahead. Each antlr4::Token is freed as soon as it is
/// copied (FastLexer's pooled tokens go straight back to their free list),
/// so only a batch of small records is in memory, whatever the file's size.
/// The hand parser never looks back and at most two tokens ahead.
class TokenReader {
public:
  explicit TokenReader(antlr4::TokenSource &source) : source(source) {}

  /// When set, the time spent fetching tokens (lexing and the token filter)
  /// is added to *lexSeconds.
  void timeFetches(double *lexSeconds) { fetchSeconds = lexSeconds; }

  /// The token \p k ahead (1: the current one; at most MaxLookahead); the
  /// EOF token past the end.
  const TokenRecord &peek(size_t k = 1) {
    if (LLVM_LIKELY(pos + k <= count))
      return buffer[pos + k - 1];
    return peekAfterRefill(k);
  }
  /// The type of the token \p k ahead.
  size_t la(size_t k = 1) { return peek(k).type; }
  /// Moves past the current token (never EOF) and returns it.
  TokenRecord consume() {
    TokenRecord token = peek(1);
    assert(token.type != antlr4::Token::EOF && "consuming EOF");
    ++pos;
    return token;
  }

  static constexpr size_t MaxLookahead = 2;

private:
  /// Tokens are fetched this many at a time.
  static constexpr size_t Batch = 128;

  /// peek() when the token is not fetched yet (kept out of line, so that
  /// the common case stays a compare and a load).
  LLVM_ATTRIBUTE_NOINLINE const TokenRecord &peekAfterRefill(size_t k) {
    refill(k);
    return pos + k <= count ? buffer[pos + k - 1] : buffer[count - 1];
  }
  /// Keeps the tokens not yet consumed and fetches more, so that \p k
  /// tokens are ahead unless EOF comes first.
  void refill(size_t k) {
    assert(k <= MaxLookahead && "looking too far ahead");
    if (fetchedEOF)
      return;
    size_t kept = count - pos;
    for (size_t i = 0; i < kept; ++i)
      buffer[i] = buffer[pos + i];
    pos = 0;
    count = kept;
    if (!fetchSeconds) {
      fetch();
      return;
    }
    auto start = std::chrono::steady_clock::now();
    fetch();
    *fetchSeconds += std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  }
  void fetch() {
    while (count < buffer.size() && !fetchedEOF) {
      std::unique_ptr<antlr4::Token> token = source.nextToken();
      size_t type = token->getType();
      buffer[count++] = {type, token->getStartIndex(), token->getStopIndex()};
      fetchedEOF = type == antlr4::Token::EOF;
    }
  }

  antlr4::TokenSource &source;
  /// The tokens fetched: buffer[pos, count) are still ahead.
  std::array<TokenRecord, Batch + MaxLookahead> buffer;
  size_t pos = 0;
  size_t count = 0;
  bool fetchedEOF = false;
  double *fetchSeconds = nullptr;
};

} // namespace netc::parse
