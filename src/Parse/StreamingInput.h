//===- StreamingInput.h - character and token streams that stay small -*- C++ -*-===//
//
// Two streams for the parser's fast path (Parser.cpp):
//
//   ByteCharStream    the characters of a pure-ASCII buffer, read in place
//                     (ANTLRInputStream copies the text into UTF-32, four
//                     bytes per character);
//   WindowTokenStream the tokens from a TokenSource, fetched on demand and
//                     kept only from the statement being parsed on
//                     (CommonTokenStream keeps every token of the file).
//
// Both behave as ANTLR's own streams do for everything the parser, its
// prediction and the lexer ask of them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "antlr4-runtime.h"

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <vector>
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

/// The tokens of a TokenSource (every token on the default channel, as the
/// TokenFilter delivers them), fetched in batches as the parser looks ahead.
/// discardBefore() drops the tokens the parser is done with, so only the
/// tokens of the statement being parsed stay in memory.
class WindowTokenStream final : public antlr4::TokenStream {
public:
  explicit WindowTokenStream(antlr4::TokenSource &source) : source(source) {}

  /// When set, the time spent fetching tokens (lexing and the token filter)
  /// is added to *lexSeconds.
  void timeFetches(double *lexSeconds) { fetchSeconds = lexSeconds; }

  antlr4::Token *LT(ssize_t k) override {
    if (k == 0)
      return nullptr;
    if (k < 0) {
      if (static_cast<size_t>(-k) > p)
        return nullptr;
      return at(p - static_cast<size_t>(-k));
    }
    size_t i = p + static_cast<size_t>(k) - 1;
    sync(i);
    if (i >= end())
      return window.back().get(); // EOF
    return at(i);
  }
  size_t LA(ssize_t i) override {
    if (i > 0) {
      size_t index = p + static_cast<size_t>(i) - 1;
      sync(index);
      if (index >= end())
        return types.back(); // EOF
      return types[index - base + head];
    }
    antlr4::Token *token = LT(i);
    return token ? token->getType() : antlr4::Token::INVALID_TYPE;
  }
  void consume() override {
    if (LA(1) == antlr4::Token::EOF)
      throw antlr4::IllegalStateException("cannot consume EOF");
    ++p;
    sync(p);
  }
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p; }
  void seek(size_t index) override {
    sync(index);
    p = index < end() ? index : end() - 1;
  }
  size_t size() override { return end(); }
  std::string getSourceName() const override {
    return source.getSourceName();
  }
  antlr4::Token *get(size_t index) const override { return at(index); }
  antlr4::TokenSource *getTokenSource() const override { return &source; }
  std::string getText(const antlr4::misc::Interval &interval) override {
    std::string text;
    if (interval.a < 0 || interval.b < interval.a)
      return text;
    for (size_t i = std::max<size_t>(interval.a, base);
         i <= static_cast<size_t>(interval.b) && i < end(); ++i) {
      if (at(i)->getType() == antlr4::Token::EOF)
        break;
      text += at(i)->getText();
    }
    return text;
  }
  std::string getText() override {
    return getText(antlr4::misc::Interval(base, end() - 1));
  }
  std::string getText(antlr4::RuleContext *ctx) override {
    return getText(ctx->getSourceInterval());
  }
  std::string getText(antlr4::Token *start, antlr4::Token *stop) override {
    if (!start || !stop)
      return "";
    return getText(
        antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
  }

  /// Forgets the tokens before \p index, except the one just before it (the
  /// parser reads it back as the stop token of the rule it ends).
  void discardBefore(size_t index) {
    if (index < base + 2)
      return;
    size_t drop = std::min(index - 1, end() - 1) - base;
    for (size_t i = head; i < head + drop; ++i)
      window[i].reset();
    head += drop;
    base += drop;
    // Reuse the front of the buffers once the dropped part dominates.
    if (head >= 256 && head * 2 >= window.size()) {
      window.erase(window.begin(), window.begin() + head);
      types.erase(types.begin(), types.begin() + head);
      head = 0;
    }
  }

private:
  /// Tokens are fetched this many at a time.
  static constexpr size_t Batch = 64;

  /// One past the index of the last token fetched.
  size_t end() const { return base + (window.size() - head); }
  antlr4::Token *at(size_t index) const {
    return window[index - base + head].get();
  }

  /// Makes token \p index available, unless EOF comes first.
  void sync(size_t index) {
    if (index < end() || fetchedEOF)
      return;
    if (!fetchSeconds) {
      fetch(index);
      return;
    }
    auto start = std::chrono::steady_clock::now();
    fetch(index);
    *fetchSeconds += std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  }
  void fetch(size_t index) {
    size_t want = index + Batch;
    while (end() <= want && !fetchedEOF) {
      std::unique_ptr<antlr4::Token> token = source.nextToken();
      // The lexer's factory makes CommonTokens, which number as
      // BufferedTokenStream numbers them.
      static_cast<antlr4::CommonToken *>(token.get())->setTokenIndex(end());
      size_t type = token->getType();
      fetchedEOF = type == antlr4::Token::EOF;
      window.push_back(std::move(token));
      types.push_back(type);
    }
  }

  antlr4::TokenSource &source;
  /// The tokens fetched and not yet forgotten are window[head...]; types
  /// holds their types, read without a virtual call.
  std::vector<std::unique_ptr<antlr4::Token>> window;
  std::vector<size_t> types;
  size_t head = 0;
  /// The index of window[head].
  size_t base = 0;
  /// The index of the current token.
  size_t p = 0;
  bool fetchedEOF = false;
  double *fetchSeconds = nullptr;
};

} // namespace netc::parse
