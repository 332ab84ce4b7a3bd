//===- ParseStagesTest.cpp - the parser's fast path agrees with ANTLR -----===//
//
// parseModule has three strategies (netc/Parse/Parser.h): the fast path
// (hand-written lexer for ASCII, statements by recursive descent straight
// into the AST, the rest by ANTLR one piece at a time), the same with every
// statement through ANTLR, and the careful path (the whole file through
// ANTLR, SLL then LL). They must give the same AST, range for range, and the
// same diagnostics, on every example, every test input, generated programs
// and generated mistakes. The hand-written lexer must give the tokens of
// ANTLR's generated lexer.
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Parse/Parser.h"

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

/// Prints every node with every field and its range as byte offsets, so
/// that two ASTs print the same only if they are the same.
class FullDumper {
public:
  FullDumper(const char *base, llvm::raw_ostream &os) : base(base), os(os) {}

  void module(const ast::Module &m) {
    for (const ast::ImportDecl &i : m.getImports())
      os << "import " << i.path << range(i.range) << "\n";
    for (const ast::ConstDecl &c : m.getConsts()) {
      os << "const " << id(c.name) << "\n";
      expr(*c.value);
    }
    for (const auto &b : m.getBlocks())
      callable("block", *b);
    for (const auto &n : m.getNetworks())
      callable("network", *n);
  }

private:
  std::string range(llvm::SMRange r) const {
    if (!r.isValid())
      return "@-";
    return "@" + std::to_string(r.Start.getPointer() - base) + ":" +
           std::to_string(r.End.getPointer() - base);
  }
  std::string id(const ast::Identifier &i) const {
    return i.name + range(i.range);
  }
  void callable(llvm::StringRef kind, const ast::Callable &c) {
    os << kind << " " << id(c.getName()) << range(c.getRange()) << "\n";
    for (const ast::Parameter &p : c.getParams()) {
      os << "param " << id(p.name) << "\n";
      if (p.defaultValue)
        expr(*p.defaultValue);
    }
    body(c.getBody());
  }
  void body(llvm::ArrayRef<ast::StmtPtr> stmts) {
    os << "{\n";
    for (const auto &s : stmts)
      stmt(*s);
    os << "}\n";
  }
  void stmt(const ast::Stmt &s) {
    os << "stmt" << range(s.getRange()) << " ";
    if (auto *in = llvm::dyn_cast<ast::InputStmt>(&s)) {
      os << "input " << id(in->getName());
      if (in->getDType())
        os << " dtype " << id(*in->getDType());
      os << "\n";
      for (const auto &d : in->getDims())
        expr(*d);
    } else if (auto *a = llvm::dyn_cast<ast::AssignStmt>(&s)) {
      os << "assign";
      for (const ast::Identifier &t : a->getTargets())
        os << " " << id(t);
      os << "\n";
      expr(a->getValue());
    } else if (auto *o = llvm::dyn_cast<ast::OutputStmt>(&s)) {
      os << "output " << id(o->getName()) << "\n";
      if (o->getValue())
        expr(*o->getValue());
    } else if (auto *e = llvm::dyn_cast<ast::ExprStmt>(&s)) {
      os << "expr\n";
      expr(e->getValue());
    } else if (auto *r = llvm::dyn_cast<ast::ReturnStmt>(&s)) {
      os << "return\n";
      expr(r->getValue());
    } else if (auto *i = llvm::dyn_cast<ast::IfStmt>(&s)) {
      os << "if\n";
      expr(i->getCondition());
      body(i->getThenBody());
      body(i->getElseBody());
    } else if (auto *f = llvm::dyn_cast<ast::ForStmt>(&s)) {
      os << "for " << id(f->getVariable()) << "\n";
      expr(f->getFrom());
      expr(f->getTo());
      body(f->getBody());
    }
  }
  void expr(const ast::Expr &e) {
    os << "(" << range(e.getRange()) << " ";
    if (auto *i = llvm::dyn_cast<ast::IntegerExpr>(&e)) {
      os << "int " << i->getValue();
    } else if (auto *f = llvm::dyn_cast<ast::FloatExpr>(&e)) {
      os << "float " << llvm::format("%a", f->getValue());
    } else if (auto *b = llvm::dyn_cast<ast::BoolExpr>(&e)) {
      os << "bool " << b->getValue();
    } else if (auto *s = llvm::dyn_cast<ast::StringExpr>(&e)) {
      os << "string [";
      os.write_escaped(s->getValue());
      os << "]";
    } else if (auto *n = llvm::dyn_cast<ast::NameExpr>(&e)) {
      os << "name " << n->getName();
    } else if (auto *t = llvm::dyn_cast<ast::TupleExpr>(&e)) {
      os << "tuple";
      for (const auto &x : t->getElements())
        expr(*x);
    } else if (auto *c = llvm::dyn_cast<ast::CallExpr>(&e)) {
      os << "call " << id(c->getCallee()) << (c->isPiped() ? " piped" : "");
      for (const ast::Argument &a : c->getArgs()) {
        os << " arg" << range(a.range);
        if (a.keyword)
          os << " " << id(*a.keyword) << "=";
        expr(*a.value);
      }
    } else if (auto *u = llvm::dyn_cast<ast::UnaryExpr>(&e)) {
      os << (u->getOp() == ast::UnaryExpr::Op::Negate ? "neg" : "not")
         << range(u->getOpRange());
      expr(u->getOperand());
    } else if (auto *b = llvm::dyn_cast<ast::BinaryExpr>(&e)) {
      os << ast::getSpelling(b->getOp()) << range(b->getOpRange());
      expr(b->getLHS());
      expr(b->getRHS());
    } else if (auto *m = llvm::dyn_cast<ast::MemberExpr>(&e)) {
      os << "member " << id(m->getMember());
      expr(m->getBase());
    } else if (auto *x = llvm::dyn_cast<ast::IndexExpr>(&e)) {
      os << "index";
      expr(x->getBase());
      expr(x->getIndex());
    }
    os << ")";
  }

  const char *base;
  llvm::raw_ostream &os;
};

/// What one strategy made of a buffer: the full AST dump (empty when the
/// parse failed) and the rendered diagnostics.
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
  ParseTimings timings;
  std::unique_ptr<ast::Module> module =
      parseModule(1, diags, {}, &timings, strategy);
  outcome.usedCarefulPath = timings.usedCarefulPath;
  outcome.parsed = module != nullptr;
  if (module) {
    llvm::raw_string_ostream astOS(outcome.ast);
    FullDumper(sourceMgr.getMemoryBuffer(1)->getBufferStart(), astOS)
        .module(*module);
  }
  diagOS.flush();
  return outcome;
}

/// True when \p source gets past validation (UTF-8 without NUL bytes), so
/// that the parsers see it.
bool isText(llvm::StringRef source) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(source.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(source.end());
  return !source.contains('\0') && llvm::isLegalUTF8String(&begin, end);
}

/// Parses \p source with every strategy; they must agree. Returns true when
/// the source parsed.
bool expectStrategiesAgree(const std::string &source, const std::string &what) {
  Outcome careful = parseWith(source, ParseStrategy::Careful);
  Outcome fast = parseWith(source, ParseStrategy::Fast);
  EXPECT_EQ(fast.ast, careful.ast) << what << "\n" << source;
  EXPECT_EQ(fast.diagnostics, careful.diagnostics) << what << "\n" << source;
  // The hand parser gives up exactly when ANTLR's path reports a mistake.
  EXPECT_EQ(fast.parsed, careful.parsed) << what << "\n" << source;
  EXPECT_EQ(fast.usedCarefulPath, !careful.parsed && isText(source))
      << what << "\n" << source;
  return careful.parsed;
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

TEST(ParseStages, EveryExampleAndTestInput) {
  std::vector<std::string> files =
      netFilesUnder(NETC_SOURCE_DIR "/examples");
  for (const std::string &f : netFilesUnder(NETC_SOURCE_DIR "/tests"))
    files.push_back(f);
  ASSERT_GT(files.size(), 50u);
  unsigned parsed = 0;
  for (const std::string &file : files) {
    auto buffer = llvm::MemoryBuffer::getFile(file);
    ASSERT_TRUE(bool(buffer)) << file;
    parsed += expectStrategiesAgree((*buffer)->getBuffer().str(), file);
  }
  EXPECT_GT(parsed, 20u);
}

/// Random programs along the grammar, valid by construction (as syntax).
class ProgramGenerator {
public:
  explicit ProgramGenerator(unsigned seed) : rng(seed) {}

  std::string program() {
    std::string s;
    for (unsigned i = 0, n = pick(4); i < n; ++i) {
      s += separators();
      switch (pick(6)) {
      case 0:
        s += "import \"blocks/x" + std::to_string(pick(3)) + ".net\"";
        break;
      case 1:
        s += "const C" + std::to_string(pick(5)) + " = " + expr(2);
        break;
      case 2:
        s += "block b" + std::to_string(pick(5)) + "(" + params() + ") {" +
             body(3) + "}";
        break;
      default:
        s += "network N" + std::to_string(pick(5)) +
             (pick(2) ? "(" + params() + ")" : std::string()) + " {" +
             body(3) + "}";
        break;
      }
    }
    return s + separators();
  }

private:
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng); }
  template <size_t N> const char *oneOf(const char *const (&items)[N]) {
    return items[pick(N)];
  }

  std::string separators() {
    static const char *const seps[] = {"\n", "\n\n", ";", "\n  ", " # note\n",
                                       "\r\n", "; \n", " "};
    return oneOf(seps);
  }
  std::string sep() {
    static const char *const seps[] = {"\n", "\n\n", ";", "\n  # c\n", "\r\n",
                                       " ;\n"};
    return oneOf(seps);
  }
  std::string name() {
    static const char *const names[] = {"x", "y", "image", "kernel", "a_1",
                                        "_t", "Net", "k2", "input_", "ins"};
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
    return s + (pick(2) ? "\n" : "");
  }
  std::string statement(int depth) {
    switch (pick(depth > 0 ? 10 : 8)) {
    case 0: {
      std::string s = "input " + name() + ": " +
                      (pick(2) ? std::string(pick(2) ? "f16" : "i64") : "") +
                      "[";
      for (unsigned i = 0, n = pick(4); i < n; ++i)
        s += (i ? ", " : "") + expr(1);
      return s + (s.back() != '[' && pick(4) == 0 ? ",]" : "]");
    }
    case 1:
      return "output " + name() + (pick(2) ? " = " + expr(3) : "");
    case 2:
      return pick(2) ? "return " + expr(3)
                     : "return " + expr(2) + ", " + expr(2);
    case 3:
      return name() + ", " + name() + " = " + expr(3);
    case 4:
    case 5:
      return name() + " = " + expr(4);
    case 6:
    case 7:
      return expr(4);
    case 8: {
      std::string s = "if " + expr(2) + " {" + body(depth - 1) + "}";
      if (pick(2))
        s += std::string(pick(2) ? "\n" : " ") + "else {" + body(depth - 1) +
             "}";
      else if (pick(3) == 0)
        s += " else if " + expr(1) + " {" + body(depth - 1) + "}";
      return s;
    }
    default:
      return "for " + name() + " in " + expr(1) + ".." + expr(1) + " {" +
             body(depth - 1) + "}";
    }
  }
  std::string number() {
    static const char *const numbers[] = {
        "0",     "3",   "64",  "1_000", "12_3_4",
        "0.5",   "1.5e3", "2e-3", "1_0.2_5", "3E+2",
        "1e5",   "007", "0.0", "65_536", "9223372036854775807"};
    // Now and then a literal the builder reports (too large, out of range).
    static const char *const bad[] = {"9223372036854775808", "1e400",
                                      "1e-400"};
    return pick(2000) == 0 ? oneOf(bad) : oneOf(numbers);
  }
  std::string argList() {
    std::string s;
    bool keywords = false;
    for (unsigned i = 0, n = pick(4); i < n; ++i) {
      s += i ? (pick(3) == 0 ? ",\n    " : ", ") : "";
      if (keywords || pick(3) == 0) {
        keywords = true;
        s += name() + "=" + expr(1);
      } else {
        s += expr(1);
      }
    }
    if (!s.empty() && pick(5) == 0)
      s += ",";
    return s;
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
        s += pick(4) == 0 ? "\n  |> " : " |> ";
        s += name();
        if (pick(3))
          s += "(" + argList() + ")";
      }
      return s;
    }
    case 1: {
      static const char *const ops[] = {" == ", " != ", " < ", " <= ", " > ",
                                        " >= ", "<", "=="};
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
                                      " % ", "+", "-", "*"};
    std::string s = operand(depth);
    for (unsigned i = 0, n = pick(3); i < n; ++i)
      s += oneOf(ops) + operand(depth - 1);
    return s;
  }
  /// A unary or postfix expression.
  std::string operand(int depth) {
    switch (pick(depth > 0 ? 12 : 5)) {
    case 0:
    case 1:
    case 2:
      return atom();
    case 3:
      return "-" + number();
    case 4:
      return std::string(pick(2) ? "-" : "- ") + atom();
    case 5:
      return name() + "(" + argList() + ")";
    case 6:
      return operand(depth - 1) + ".shape";
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
                                            "\"\\\\\"", "\"x\\ny\"", "\"\""};
      return oneOf(strings);
    }
    default:
      return name();
    }
  }

  std::mt19937 rng;
};

TEST(ParseStages, GeneratedPrograms) {
  ProgramGenerator generator(20240611);
  unsigned parsed = 0;
  for (unsigned i = 0; i < 1500; ++i) {
    std::string source = generator.program();
    bool ok = expectStrategiesAgree(source, "generated program " +
                                                std::to_string(i));
    parsed += ok;
    if (!ok && getenv("SHOW_BAD")) {
      Outcome o = parseWith(source, ParseStrategy::Careful);
      llvm::errs() << "----\n" << source << "\n" << o.diagnostics;
    }
    if (HasFailure())
      return;
  }
  // Most generated programs are valid syntax (some literals overflow).
  EXPECT_GT(parsed, 1000u);
}

TEST(ParseStages, GeneratedMistakes) {
  ProgramGenerator generator(7);
  std::mt19937 rng(11);
  static const char pieces[] = "()[]{},;:=.|>-+*/%<!\"#\n x1_e";
  for (unsigned i = 0; i < 1500; ++i) {
    std::string source = generator.program();
    if (source.empty())
      continue;
    // Delete, insert or replace one character.
    size_t at = std::uniform_int_distribution<size_t>(0, source.size() - 1)(rng);
    char piece = pieces[std::uniform_int_distribution<size_t>(
        0, sizeof(pieces) - 2)(rng)];
    switch (rng() % 3) {
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
    expectStrategiesAgree(source, "mutated program " + std::to_string(i));
    if (HasFailure())
      return;
  }
}

TEST(ParseStages, NonAsciiAndOddBytes) {
  const char *sources[] = {
      "network N {\n  input größe: [3]\n  output y = größe\n}\n",
      "network N {\n  input x: [3]  # größe\n  output y = x |> relu\n}\n",
      "network N {\n  s = \"größe\"\n  input x: [3]\n  output y = x\n}\n",
      "network N {\n  input x: [3]\v\n  output y = x\n}\n",
      "network N {\n  input x: [3]\f\n  output y = x\r}\n",
      "\xEF\xBB\xBFnetwork N {\n  input x: [3]\n  output y = x\n}\n",
      "network N {\n  input x: [3]\n  output y = x\n}",
      "network N {\n  y = \"unterminated\n}\n",
      "network N {\n  y = x ! 3\n}\n",
      "network N {\n  y = x | relu\n}\n",
      "",
      "\n\n;;\n",
  };
  for (const char *source : sources)
    expectStrategiesAgree(source, "odd source");
}

} // namespace
