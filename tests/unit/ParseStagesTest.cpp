//===- ParseStagesTest.cpp - the hand parser agrees with ANTLR ------------===//
//
// parseModule has two strategies (netc/Parse/Parser.h): Fast, the hand
// parser (DirectParser: recursive descent straight into the AST; FastLexer
// for ASCII text), which falls back to the careful path when it gives up,
// and Careful, ANTLR alone (the generated lexer and parser with error
// recovery, then the ASTBuilder). ANTLR is the reference. On every example,
// every test input, generated programs that use every construct of the
// grammar, and generated mistakes, the two must build the same AST, range
// for range, and report the same diagnostics, and the hand parser must give
// up exactly when ANTLR's path reports a mistake. The hand-written lexer
// must give the tokens of ANTLR's generated lexer, token by token (type,
// bounds, line, column and text).
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Parse/Parser.h"

// Private to the parse stage: the lexers, for the token-by-token comparison.
#include "FastLexer.h"
#include "StreamingInput.h"

#include "NetcLexer.h"
#include "UnicodeLexer.h"

#include "llvm/Support/Casting.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <random>

using namespace netc;

namespace {

/// What one strategy made of a buffer: the full AST dump (empty when the
/// parse failed, and for an empty file) and the rendered diagnostics.
struct Outcome {
  std::string ast;
  std::string diagnostics;
  bool parsed = false;
  bool usedCarefulPath = false;
};

Outcome parseWith(llvm::StringRef source, ParseStrategy strategy) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "test.net"), llvm::SMLoc());
  Outcome outcome;
  llvm::raw_string_ostream diagOS(outcome.diagnostics);
  TextDiagnosticPrinter printer(sourceMgr, diagOS, /*showColors=*/false);
  DiagnosticEngine diags(sourceMgr, printer);
  ParseOptions options;
  options.strategy = strategy;
  std::unique_ptr<ast::Module> module =
      parseModule(1, diags, options, &outcome.usedCarefulPath);
  outcome.parsed = module != nullptr;
  if (module) {
    llvm::raw_string_ostream astOS(outcome.ast);
    // The exact dump: every node with its ranges.
    ast::dump(*module, astOS, sourceMgr.getMemoryBuffer(1)->getBufferStart());
  }
  diagOS.flush();
  return outcome;
}

/// True when \p source gets past validation (UTF-8 without NUL bytes), so
/// that a parser sees it.
bool isText(llvm::StringRef source) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(source.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(source.end());
  return !source.contains('\0') && llvm::isLegalUTF8String(&begin, end);
}

/// Parses \p source with both strategies: the hand parser must build the
/// AST ANTLR's path builds, range for range, report the same diagnostics,
/// and give up exactly when ANTLR's path reports a mistake. Returns true
/// when the source parsed.
bool expectHandParserAgrees(const std::string &source,
                            const std::string &what) {
  Outcome careful = parseWith(source, ParseStrategy::Careful);
  Outcome fast = parseWith(source, ParseStrategy::Fast);
  EXPECT_EQ(fast.parsed, careful.parsed) << what << "\n" << source;
  EXPECT_EQ(fast.ast, careful.ast) << what << "\n" << source;
  EXPECT_EQ(fast.diagnostics, careful.diagnostics) << what << "\n" << source;
  // Parsed by the hand parser alone, or it gave up and ANTLR reported.
  EXPECT_EQ(fast.usedCarefulPath, !careful.parsed && isText(source))
      << what << "\n"
      << source;
  EXPECT_EQ(careful.parsed, careful.diagnostics.empty()) << what << "\n"
                                                         << source;
  return careful.parsed;
}

/// The lexers of the parse stage, and ANTLR's own.
enum class LexerKind {
  /// FastLexer (pure ASCII only).
  Hand,
  /// The generated NetcLexer, as ANTLR made it.
  Generated,
  /// UnicodeLexer: the generated lexer, caching every code point.
  Unicode,
};

/// The tokens of \p text (after any byte-order mark), one line each.
std::vector<std::string> lexWith(llvm::StringRef text, LexerKind kind) {
  std::unique_ptr<antlr4::CharStream> input;
  std::unique_ptr<netc_grammar::NetcLexer> lexer;
  if (kind == LexerKind::Hand) {
    input = std::make_unique<parse::ByteCharStream>(text);
    lexer = std::make_unique<parse::FastLexer>(input.get(), text);
  } else {
    input =
        std::make_unique<antlr4::ANTLRInputStream>(text.data(), text.size());
    if (kind == LexerKind::Generated)
      lexer = std::make_unique<netc_grammar::NetcLexer>(input.get());
    else
      lexer = std::make_unique<parse::UnicodeLexer>(input.get());
  }
  lexer->removeErrorListeners();
  std::vector<std::string> tokens;
  while (true) {
    std::unique_ptr<antlr4::Token> token = lexer->nextToken();
    tokens.push_back(std::to_string(token->getType()) + " " +
                     std::to_string(token->getStartIndex()) + ":" +
                     std::to_string(token->getStopIndex()) + " line " +
                     std::to_string(token->getLine()) + ":" +
                     std::to_string(token->getCharPositionInLine()) +
                     " channel " + std::to_string(token->getChannel()) + " [" +
                     token->getText() + "]");
    if (token->getType() == antlr4::Token::EOF)
      return tokens;
  }
}

/// FastLexer (on ASCII text) and UnicodeLexer (on any text) must give
/// ANTLR's tokens for \p source.
void expectLexersAgree(llvm::StringRef source, const std::string &what) {
  llvm::StringRef text = source;
  if (text.startswith("\xEF\xBB\xBF"))
    text = text.drop_front(3);
  if (!isText(text))
    return;
  std::vector<std::string> generated = lexWith(text, LexerKind::Generated);
  EXPECT_EQ(lexWith(text, LexerKind::Unicode), generated) << what << "\n"
                                                          << source.str();
  if (llvm::any_of(text, [](char c) { return (unsigned char)c >= 0x80; }))
    return;
  EXPECT_EQ(lexWith(text, LexerKind::Hand), generated) << what << "\n"
                                                       << source.str();
}

std::vector<std::string> netFilesUnder(llvm::StringRef dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(dir, ec), end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".net")
      files.push_back(it->path());
  std::sort(files.begin(), files.end());
  return files;
}

/// examples/*.net, examples/blocks/*.net, and every .net file under tests/
/// (tests/verify, its inputs, tests/fuzz-regressions).
std::vector<std::string> everyNetFile() {
  std::vector<std::string> files = netFilesUnder(NETC_SOURCE_DIR "/examples");
  for (const std::string &f : netFilesUnder(NETC_SOURCE_DIR "/tests"))
    files.push_back(f);
  return files;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

TEST(ParseStages, EveryExampleAndTestInput) {
  std::vector<std::string> files = everyNetFile();
  ASSERT_GT(files.size(), 200u);
  unsigned parsed = 0;
  for (const std::string &file : files) {
    std::string source = readFile(file);
    parsed += expectHandParserAgrees(source, file);
    expectLexersAgree(source, file);
  }
  EXPECT_GT(parsed, 100u);
}

/// One program with every construct of the grammar; both parsers must
/// accept it.
TEST(ParseStages, EveryConstruct) {
  const char *source = R"(# every construct
import "blocks/resnet.net"; import "größe/x.net"
const WIDTH = 64 const SCALE = -1.5e-3
const FLAGS = (1, 2,); const EMPTY = (); const ONE = (7,)
block unit(x, channels, stride=1, kind="basic", pad=(1, 1),) {
  if stride != 1 and not (kind == "basic") or channels >= WIDTH {
    y = x |> conv2d(channels, kernel=3, stride=stride)
  } else if channels < 8 { y = x }
  else if channels <= 16 {
    y = x
      |> relu
  } else {
    y = -x; z = - -2
  }
  for i in 0..channels // 2 + 1 { y = y |> relu() }
  a, b = split(y, 2)
  return a, b[0], y.shape[-1]
}
network Net(size=224, classes=1000) {
  input image: f16[3, size, size,]
  input mask: []
  param cls: [1, 768]; buffer ids: i64[size,]
  x = unit(image, 64, stride=2, kind="größe \"q\" \\ \n")
  y = x * 2 / 3 // 4 % 5 + 6 - 7 == 1 - -9223372036854775808
  t = (x, y)[1]; u = (x); v = x[1:] + x[:-1] + x[:] + x[a:b] + x[-2:][0]
  relu(x)
  output logits = x |> dense(classes) |> softmax
  output y
}
network Bare { input x: [1]; output x }
)";
  EXPECT_TRUE(expectHandParserAgrees(source, "every construct"));
}

/// Random programs along the grammar, valid by construction (as syntax):
/// imports, consts, blocks with defaults, networks with and without
/// parameters, every statement (if / else if / else chains, for loops,
/// unpacking, returns of tuples), every operator, pipes, calls with keyword
/// arguments, tuples, and in one program of four non-ASCII text in strings,
/// comments and import paths. Now and then a literal out of range or a
/// non-ASCII name, which ANTLR's path reports and the hand parser must
/// reject.
class ProgramGenerator {
public:
  explicit ProgramGenerator(unsigned seed) : rng(seed) {}

  std::string program() {
    nonAscii = pick(4) == 0;
    std::string s;
    for (unsigned i = 0, n = pick(5); i < n; ++i) {
      s += separators();
      switch (pick(7)) {
      case 0:
        s += "import \"blocks/" + std::string(nonAscii ? "größe" : "x") +
             std::to_string(pick(3)) + ".net\"";
        break;
      case 1:
        s += "const " + upperName() + " = " + expr(2);
        break;
      case 2:
      case 3:
        s += "block b" + std::to_string(pick(5)) + "(" + params() + ") {" +
             body(3) + "}";
        break;
      default:
        s += "network N" + std::to_string(pick(5)) +
             (pick(2) ? "(" + params() + ")" : std::string()) + " {" + body(3) +
             "}";
        break;
      }
    }
    return s + separators();
  }

private:
  unsigned pick(unsigned n) {
    return std::uniform_int_distribution<unsigned>(0, n - 1)(rng);
  }
  template <size_t N> const char *oneOf(const char *const (&items)[N]) {
    return items[pick(N)];
  }

  std::string comment() {
    return nonAscii && pick(2) ? " # größe, 日本\n" : " # note\n";
  }
  std::string separators() {
    static const char *const seps[] = {"\n", "\n\n", ";",    "\n  ",
                                       "",   "\r\n", "; \n", " "};
    return pick(8) == 0 ? comment() : oneOf(seps);
  }
  std::string sep() {
    static const char *const seps[] = {"\n",   "\n\n", ";",  "\n  # c\n",
                                       "\r\n", " ;\n", ";;", "\r"};
    return pick(8) == 0 ? comment() : oneOf(seps);
  }
  std::string name() {
    static const char *const names[] = {"x",   "y",   "image", "kernel", "a_1",
                                        "_t",  "Net", "k2",    "input_", "ins",
                                        "if_", "x9",  "ELSE",  "For"};
    // A non-ASCII name: the token filter reports it.
    if (pick(400) == 0)
      return "größe";
    return oneOf(names);
  }
  std::string upperName() {
    static const char *const names[] = {"C", "WIDTH", "SCALE_2", "_K"};
    return oneOf(names);
  }
  std::string params() {
    std::string s;
    for (unsigned i = 0, n = pick(4); i < n; ++i)
      s += (i ? ", " : "") + name() + (pick(2) ? " = " + expr(1) : "");
    if (!s.empty() && pick(4) == 0)
      s += ",";
    return s;
  }
  std::string body(int depth) {
    std::string s = pick(2) ? "\n" : "";
    for (unsigned i = 0, n = pick(5); i < n; ++i)
      s += (i ? sep() : std::string(pick(2) ? "\n" : "")) + statement(depth);
    return s + (pick(2) ? "\n" : "") + (pick(6) == 0 ? ";" : "");
  }
  /// What may stand between '}' and `else`: the token filter drops line
  /// ends (and the comments on them) before `else`.
  std::string beforeElse() {
    static const char *const gaps[] = {" ", "\n", "\n\n  ", " # c\n  ", ""};
    return oneOf(gaps);
  }
  std::string targets() {
    std::string s = name();
    for (unsigned i = 0, n = pick(3); i < n; ++i)
      s += (pick(2) ? ", " : ",") + name();
    return s;
  }
  std::string statement(int depth) {
    switch (pick(depth > 0 ? 11 : 8)) {
    case 0: {
      static const char *const keywords[] = {"input ", "param ", "buffer "};
      std::string s = oneOf(keywords) + name() + ": " +
                      (pick(2) ? std::string(pick(2) ? "f16" : "i64") : "") +
                      "[";
      for (unsigned i = 0, n = pick(4); i < n; ++i)
        s += (i ? ", " : "") + expr(1);
      return s + (s.back() != '[' && pick(4) == 0 ? ",]" : "]");
    }
    case 1:
      return "output " + name() + (pick(2) ? " = " + expr(3) : "");
    case 2: {
      std::string s = "return " + expr(3);
      for (unsigned i = 0, n = pick(3); i < n; ++i)
        s += ", " + expr(2);
      return s;
    }
    case 3:
      return targets() + " = " + expr(3);
    case 4:
    case 5:
      return name() + " = " + expr(4);
    case 6:
    case 7:
      return expr(4);
    case 8:
    case 9: {
      std::string s = "if " + expr(2) + " {" + body(depth - 1) + "}";
      for (unsigned i = 0, n = pick(3); i < n; ++i)
        s += beforeElse() + "else if " + expr(1) + " {" + body(depth - 1) + "}";
      if (pick(2))
        s += beforeElse() + "else {" + body(depth - 1) + "}";
      return s;
    }
    default:
      return "for " + name() + " in " + expr(1) + ".." + expr(1) + " {" +
             body(depth - 1) + "}";
    }
  }
  std::string number() {
    static const char *const numbers[] = {
        "0",     "3",       "64",   "1_000",   "12_3_4",
        "0.5",   "1.5e3",   "2e-3", "1_0.2_5", "3E+2",
        "1e5",   "007",     "0.0",  "65_536",  "9223372036854775807",
        "1e308", "4.9e-324"};
    // Now and then a literal the builder reports (too large, out of range).
    static const char *const bad[] = {"9223372036854775808", "1e400", "1e-400",
                                      "99999999999999999999"};
    return pick(1500) == 0 ? oneOf(bad) : oneOf(numbers);
  }
  std::string argList() {
    std::string s;
    bool keywords = false;
    for (unsigned i = 0, n = pick(4); i < n; ++i) {
      s += i ? (pick(3) == 0 ? ",\n    " : ", ") : "";
      if (keywords || pick(3) == 0) {
        keywords = true;
        s += name() + (pick(2) ? "=" : " = ") + expr(1);
      } else {
        s += expr(1);
      }
    }
    if (!s.empty() && pick(5) == 0)
      s += pick(2) ? "," : ",\n";
    return s;
  }
  /// Now and then `as NAME` after a call: a name, an index or `(expr)`.
  std::string layerName(int depth) {
    static const char *const indices[] = {"0", "3", "1_000", "007"};
    switch (pick(12)) {
    case 0:
      return " as " + name();
    case 1:
      return std::string(" as ") + oneOf(indices);
    case 2:
      return " as (" + expr(depth) + ")";
    default:
      return "";
    }
  }
  /// An expression of any form: a pipe chain, a comparison, `not`, `and`,
  /// `or`, arithmetic, or an operand.
  std::string expr(int depth) {
    if (depth <= 0)
      return operand(0);
    switch (pick(8)) {
    case 0: {
      std::string s = arith(depth - 1);
      for (unsigned i = 0, n = 1 + pick(3); i < n; ++i) {
        s += pick(4) == 0 ? (pick(2) ? "\n  |> " : "\n\n  # c\n  |> ") : " |> ";
        s += name();
        if (pick(3))
          s += "(" + argList() + ")";
        s += layerName(depth - 1);
      }
      return s;
    }
    case 1: {
      static const char *const ops[] = {" == ", " != ", " < ", " <= ", " > ",
                                        " >= ", "<",    "==",  ">=",   "!="};
      return arith(depth - 1) + oneOf(ops) + arith(depth - 1);
    }
    case 2:
      return "not " + (pick(2) ? arith(depth - 1) : "not " + operand(0));
    case 3:
      return arith(depth - 1) + (pick(2) ? " and " : " or ") +
             arith(depth - 1) + (pick(2) ? " or not " + operand(0) : "");
    default:
      return arith(depth);
    }
  }
  /// `+ - * / // %` over operands.
  std::string arith(int depth) {
    static const char *const ops[] = {" + ", " - ", " * ", " / ", " // ",
                                      " % ", "+",   "-",   "*",   "//"};
    std::string s = operand(depth);
    for (unsigned i = 0, n = pick(3); i < n; ++i)
      s += oneOf(ops) + operand(depth - 1);
    return s;
  }
  /// A unary or postfix expression.
  std::string operand(int depth) {
    switch (pick(depth > 0 ? 14 : 5)) {
    case 0:
    case 1:
    case 2:
      return atom();
    case 3:
      return "-" + number();
    case 4:
      return std::string(pick(2) ? "-" : "- ") + atom();
    case 5:
      return name() + "(" + argList() + ")" + layerName(depth - 1);
    case 6:
      return operand(depth - 1) + (pick(2) ? ".shape" : ".x.y");
    case 7:
      return operand(depth - 1) + "[" + expr(depth - 1) + "]";
    case 8:
      return "(" + expr(depth - 1) + ")";
    case 9: {
      std::string s = "(";
      for (unsigned i = 0, n = pick(4); i < n; ++i)
        s += (i ? ", " : "") + expr(depth - 1);
      return s + (s.size() > 1 && pick(3) == 0 ? ",)" : ")");
    }
    case 10:
      return "(\n  " + expr(depth - 1) + "\n)";
    case 11:
      return "-" + number() + (pick(2) ? ".shape" : "[0]");
    case 12: {
      // A slice: either bound may be missing, x[:] and x[:-1] included.
      std::string s = operand(depth - 1) + "[";
      if (pick(2))
        s += expr(depth - 1);
      s += ":";
      if (pick(2))
        s += expr(depth - 1);
      return s + "]";
    }
    default:
      return "-" + operand(depth - 1);
    }
  }
  std::string atom() {
    switch (pick(6)) {
    case 0:
      return number();
    case 1:
      return pick(2) ? "true" : "false";
    case 2: {
      static const char *const strings[] = {"\"same\"", "\"a\\\"b\"",
                                            "\"\\\\\"", "\"x\\ny\"",
                                            "\"\"",     "\"tab\\there\""};
      static const char *const nonAsciiStrings[] = {"\"größe\"", "\"日本語\"",
                                                    "\"é\\n\"", "\"→\\\"\""};
      return nonAscii && pick(2) ? oneOf(nonAsciiStrings) : oneOf(strings);
    }
    default:
      return name();
    }
  }

  std::mt19937 rng;
  bool nonAscii = false;
};

TEST(ParseStages, GeneratedPrograms) {
  ProgramGenerator generator(20240611);
  unsigned parsed = 0, programs = 2000;
  for (unsigned i = 0; i < programs; ++i) {
    std::string source = generator.program();
    std::string what = "generated program " + std::to_string(i);
    bool ok = expectHandParserAgrees(source, what);
    expectLexersAgree(source, what);
    parsed += ok;
    if (!ok && getenv("SHOW_BAD")) {
      Outcome o = parseWith(source, ParseStrategy::Careful);
      llvm::errs() << "----\n" << source << "\n" << o.diagnostics;
    }
    if (HasFailure())
      return;
  }
  // Most generated programs are valid syntax (some literals overflow, some
  // names are not ASCII).
  EXPECT_GT(parsed, programs * 3 / 4);
}

/// The rough tokens of \p source (names and numbers, strings, two-character
/// operators, single characters), as [begin, end) offsets; blanks are left
/// out.
std::vector<std::pair<size_t, size_t>> roughTokens(const std::string &source) {
  std::vector<std::pair<size_t, size_t>> tokens;
  size_t i = 0, n = source.size();
  auto isWord = [](char c) { return isalnum((unsigned char)c) || c == '_'; };
  while (i < n) {
    char c = source[i];
    size_t start = i;
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    if (isWord(c) || (unsigned char)c >= 0x80) {
      while (i < n && (isWord(source[i]) || (unsigned char)source[i] >= 0x80))
        ++i;
    } else if (c == '"') {
      ++i;
      while (i < n && source[i] != '"' && source[i] != '\n')
        i += source[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, n);
    } else if (i + 1 < n && llvm::StringRef("|>..==!=<=>=//")
                                .contains(source.substr(i, 2))) {
      i += 2;
    } else {
      ++i;
    }
    tokens.push_back({start, i});
  }
  return tokens;
}

TEST(ParseStages, GeneratedMistakes) {
  ProgramGenerator generator(7);
  std::mt19937 rng(11);
  auto pick = [&](size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  static const char pieces[] = "()[]{},;:=.|>-+*/%<!\"#\n x1_e";
  static const char *const vocabulary[] = {
      "network", "block", "input", "output", "import", "const", "return",
      "if",      "else",  "for",   "in",     "and",    "or",    "not",
      "true",    "false", "|>",    "..",     ".",      "==",    "!=",
      "<=",      ">=",    "<",     ">",      "=",      ":",     ";",
      ",",       "+",     "-",     "*",      "//",     "/",     "%",
      "(",       ")",     "[",     "]",      "{",      "}",     "\n",
      "x",       "relu",  "3",     "1.5",    "\"s\"",  "-1",    "#"};
  unsigned mistakes = 0;
  for (unsigned i = 0; i < 2000; ++i) {
    std::string source = generator.program();
    if (source.empty())
      continue;
    if (i % 2 == 0) {
      // Delete, insert or replace one character.
      size_t at = pick(source.size());
      char piece = pieces[pick(sizeof(pieces) - 1)];
      switch (pick(3)) {
      case 0:
        source.erase(at, 1);
        break;
      case 1:
        source.insert(source.begin() + at, piece);
        break;
      default:
        source[at] = piece;
        break;
      }
    } else {
      // Delete, repeat, replace or swap whole tokens, or insert one.
      std::vector<std::pair<size_t, size_t>> tokens = roughTokens(source);
      if (tokens.size() < 2)
        continue;
      size_t k = pick(tokens.size() - 1);
      auto [begin, end] = tokens[k];
      std::string token = source.substr(begin, end - begin);
      std::string other = vocabulary[pick(std::size(vocabulary))];
      switch (pick(5)) {
      case 0:
        source.erase(begin, end - begin);
        break;
      case 1:
        source.insert(end, " " + token);
        break;
      case 2:
        source.replace(begin, end - begin, other);
        break;
      case 3:
        source.insert(begin, other + " ");
        break;
      default: {
        auto [nextBegin, nextEnd] = tokens[k + 1];
        std::string next = source.substr(nextBegin, nextEnd - nextBegin);
        source.replace(nextBegin, nextEnd - nextBegin, token);
        source.replace(begin, end - begin, next);
        break;
      }
      }
    }
    std::string what = "mutated program " + std::to_string(i);
    mistakes += !expectHandParserAgrees(source, what);
    expectLexersAgree(source, what);
    if (HasFailure())
      return;
  }
  // Most mutations are mistakes (some land in comments or strings, or make
  // another valid program).
  EXPECT_GT(mistakes, 1000u);
}

TEST(ParseStages, NonAsciiAndOddBytes) {
  const char *sources[] = {
      "network N {\n  input größe: [3]\n  output y = größe\n}\n",
      "network N {\n  input x: [3]  # größe\n  output y = x |> relu\n}\n",
      "network N {\n  s = \"größe\"\n  input x: [3]\n  output y = x\n}\n",
      "import \"größe.net\"\nconst C = \"日本\"\nblock b(x=\"é\") {\n"
      "  if x == \"é\" { return x } else if x { return \"→\" }\n"
      "  else { for i in 0..2 { x = x } }\n  return x\n}\n",
      "network N {\n  input x: [3]\v\n  output y = x\n}\n",
      "network N {\n  input x: [3]\f\n  output y = x\r}\n",
      "\xEF\xBB\xBFnetwork N {\n  input x: [3]\n  output y = x\n}\n",
      "\xEF\xBB\xBFnetwork N {\n  s = \"é\"\n}\n",
      "network N {\n  input x: [3]\n  output y = x\n}",
      "network N {\n  y = \"unterminated\n}\n",
      "network N {\n  y = \"unterminatéd\n}\n",
      "network N {\n  y = x ! 3\n}\n",
      "network N {\n  y = x | relu\n}\n",
      "network N {\n  y = x $ relu # é\n}\n",
      "network N {\n  y = f(a=1, 2)\n}\n",
      "network N {\n  y = f(a=1, b=-9223372036854775809)\n}\n",
      "const C = 1e400 network N {}",
      "",
      "\n\n;;\n",
      "# only a comment",
      "network N { if a { } else }",
      "network N { if a { } ; else { } }",
      "network N { for i in 0..3 }",
      "network N { x = a < b < c }",
      "network N { x = a == not b }",
      "block b() { return }",
      "block b(,) { }",
      "network N() {} network M(a,) {}",
      "network N(a=1 b=2) {}",
      "network N { if a { } else ; { } }",
      "network N { if a { } else if { } }",
      "network N { if a { } else if b { } else if c { } else { } else { } }",
      "network N { x = (1,,) }",
      "network N { x = f(a=1,) |> g(,) }",
      "network N { input x: f16 [3] ; input y: [3,,] }",
      "network N { a, = 3 }",
      "network N { a b = 3 }",
      "network N { return 1, }",
      "network N { x = -1.shape; y = -2[0]; z = - 3; w = -(4) }",
      "network N { x = a |> ; }",
      "network N { x = a |> f() () }",
      "network N { for i in 0..3 { } else { } }",
      "network N { for i 0..3 { } }",
      "network N { x = y.3 }",
      "import x",
      "import \"a\" \"b\"",
      "const = 3",
      "const C 3",
      "block b { }",
      "network { }",
      "network N",
  };
  for (const char *source : sources) {
    expectHandParserAgrees(source, "odd source");
    expectLexersAgree(source, "odd source");
  }
}

// UnicodeLexer caches the DFA edges of code points above 127, which ANTLR
// leaves in the ATN: letters (NON_ASCII_NAME), other numbers in names,
// marks and symbols (INVALID), in strings and comments, each seen again
// after its edge is cached, in every state they can follow.
TEST(ParseStages, WideCodePointsLexAsAntlrLexesThem) {
  const char *pieces[] = {"é",  "größe", "日本", "x٣", "x²",   "ǅ",  "→",
                          "😀", "e\u0301", "٣",  "²",    "\u00a0", "Ω1", "_é_"};
  const char *contexts[] = {"%s", "x = %s", "\"%s\"", "# %s", "%s(1)",
                            "a.%s", "\"%s", "1%s", "%s%s"};
  std::string all;
  for (const char *context : contexts)
    for (const char *piece : pieces) {
      char line[128];
      snprintf(line, sizeof line, context, piece, piece);
      std::string source = std::string(line) + "\n" + line + " " + line;
      expectLexersAgree(source, "wide code points");
      all += source + "\n";
    }
  // All at once: the edges cached by one line serve the next.
  expectLexersAgree(all, "wide code points, together");
  EXPECT_GT(lexWith(all, LexerKind::Unicode).size(), 400u);
}

TEST(ParseStages, LexerEdgeCases) {
  std::vector<std::string> sources = {
      "1..2",         "1.e5",    "1e",       "1e+",  "1_",      "1__2",
      "1_2_3.4_5e-6", "0.5.5",   "..",       "...",  "a.b",     "\"abc",
      "\"a\\",        "\"a\\\"", "\"\\\n\"", "\r\n", "\r",      "\n\r",
      "\f\t ",        "#c\r\nx", "#",        "|",    "|>>",     "!",
      "!==",          "//",      "///",      "<==",  "=>",      "= =",
      "x\v",          "_",       "__a1",     "9a",   "1.5e3e3", "1E-0",
      "inputs",       "in put",  "networks"};
  // Every ASCII character alone, and between two names.
  for (int c = 1; c < 128; ++c) {
    sources.push_back(std::string(1, char(c)));
    sources.push_back("a" + std::string(1, char(c)) + "b1");
  }
  for (const std::string &source : sources)
    expectLexersAgree(source, "lexer edge case");
}

} // namespace
