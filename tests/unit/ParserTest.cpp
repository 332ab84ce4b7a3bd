//===- ParserTest.cpp - the parse stage: AST shape and syntax errors ------===//
//
// Parses in-memory buffers named like files and compares the whole AST dump
// or the whole rendered diagnostic text, caret lines included.
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Parse/Parser.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

using namespace netc;

namespace {

/// The result of parsing one buffer.
struct Parsed {
  std::unique_ptr<ast::Module> module;
  std::string ast;
  std::string diagnostics;
  unsigned errors = 0;
};

Parsed parse(llvm::StringRef source) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "test.net"), llvm::SMLoc());
  Parsed result;
  llvm::raw_string_ostream diagOS(result.diagnostics);
  TextDiagnosticPrinter printer(sourceMgr, diagOS, /*showColors=*/false);
  DiagnosticEngine diags(sourceMgr, printer);
  result.module = parseModule(1, diags);
  result.errors = diags.getNumErrors();
  if (result.module) {
    llvm::raw_string_ostream astOS(result.ast);
    ast::dump(*result.module, astOS);
  }
  diagOS.flush();
  return result;
}

TEST(Parser, InputAssignOutput) {
  Parsed p = parse("network N {\n"
                   "  input image: f16[1, 32, 32]\n"
                   "  x = conv2d(image, 6, kernel=5)\n"
                   "  output logits = x\n"
                   "}\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  EXPECT_EQ(p.ast, "Network N\n"
                   "  Input image dtype=f16\n"
                   "    Integer 1\n"
                   "    Integer 32\n"
                   "    Integer 32\n"
                   "  Assign x\n"
                   "    Call conv2d\n"
                   "      Name image\n"
                   "      Integer 6\n"
                   "      Keyword kernel\n"
                   "        Integer 5\n"
                   "  Output logits\n"
                   "    Name x\n");
}

TEST(Parser, PipesDesugarToCalls) {
  Parsed p = parse("network N {\n"
                   "  input x: [3, 8, 8]\n"
                   "  y = x |> conv2d(6, kernel=3) |> relu\n"
                   "  output y\n"
                   "}\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  EXPECT_EQ(p.ast, "Network N\n"
                   "  Input x\n"
                   "    Integer 3\n"
                   "    Integer 8\n"
                   "    Integer 8\n"
                   "  Assign y\n"
                   "    Call relu (piped)\n"
                   "      Call conv2d (piped)\n"
                   "        Name x\n"
                   "        Integer 6\n"
                   "        Keyword kernel\n"
                   "          Integer 3\n"
                   "  Output y\n");
}

TEST(Parser, LineContinuation) {
  // Inside brackets, and before a line starting with '|>' (comments and
  // blank lines in between are fine).
  Parsed p = parse("network N {\n"
                   "  input x: [3,\n"
                   "            8, 8]\n"
                   "  y = x\n"
                   "    |> conv2d(6,\n"
                   "              kernel=3)\n"
                   "    # a comment between stages\n"
                   "\n"
                   "    |> relu; output y\n"
                   "}\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  EXPECT_NE(p.ast.find("Call relu (piped)"), std::string::npos) << p.ast;
  EXPECT_NE(p.ast.find("Output y"), std::string::npos) << p.ast;
}

TEST(Parser, LiteralsAndTuples) {
  Parsed p = parse("network N {\n"
                   "  input x: [1_000]\n"
                   "  y = f(x, -1, 0.5, 1e-3, true, false, \"same\", (3, 5), "
                   "(7,), (), (4))\n"
                   "}\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  EXPECT_EQ(p.ast, "Network N\n"
                   "  Input x\n"
                   "    Integer 1000\n"
                   "  Assign y\n"
                   "    Call f\n"
                   "      Name x\n"
                   "      Integer -1\n"
                   "      Float 0.5\n"
                   "      Float 0.001\n"
                   "      Bool true\n"
                   "      Bool false\n"
                   "      String \"same\"\n"
                   "      Tuple\n"
                   "        Integer 3\n"
                   "        Integer 5\n"
                   "      Tuple\n"
                   "        Integer 7\n"
                   "      Tuple\n"
                   "      Integer 4\n");
}

TEST(Parser, CrlfAndByteOrderMark) {
  Parsed p = parse("\xEF\xBB\xBFnetwork N {\r\n  input x: [3]\r\n"
                   "  y = relu(x)\r\n  output y\r\n}\r\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  EXPECT_NE(p.ast.find("Call relu"), std::string::npos);
}

TEST(Parser, SeveralNetworks) {
  Parsed p = parse("network A { input x: [1]; output x }\n"
                   "network B {\n  input y: [2]\n  output y\n}\n");
  ASSERT_EQ(p.errors, 0u) << p.diagnostics;
  ASSERT_TRUE(p.module);
  EXPECT_EQ(p.module->getNetworks().size(), 2u);
}

TEST(Parser, MissingCloseParenPointsAtTheLineAndTheOpener) {
  Parsed p = parse("network N {\n"
                   "  input x: [3, 8, 8]\n"
                   "  y = conv2d(x, 6, kernel=3\n"
                   "  output y\n"
                   "}\n");
  EXPECT_FALSE(p.module);
  EXPECT_EQ(p.errors, 1u);
  EXPECT_EQ(p.diagnostics,
            "test.net:3:28: error: expected ')' to close this call\n"
            "  y = conv2d(x, 6, kernel=3\n"
            "                           ^\n"
            "                           )\n"
            "test.net:3:13: note: to match this '('\n"
            "  y = conv2d(x, 6, kernel=3\n"
            "            ^\n");
}

TEST(Parser, MissingCommaBetweenArguments) {
  Parsed p = parse("network N {\n  input x: [3]\n  y = dense(x 4)\n"
                   "  output y\n}\n");
  EXPECT_EQ(p.errors, 1u);
  EXPECT_EQ(p.diagnostics,
            "test.net:3:15: error: unexpected '4'; expected ',' or ')'\n"
            "  y = dense(x 4)\n"
            "              ^\n");
}

TEST(Parser, TwoStatementsOnOneLine) {
  Parsed p = parse("network N {\n  input x: [3]\n  y = relu(x) z = relu(y)\n"
                   "  output z\n}\n");
  EXPECT_EQ(p.errors, 1u);
  EXPECT_NE(p.diagnostics.find("3:15: error: expected a line end or ';' "
                               "after the statement, found 'z'"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Parser, IndependentMistakesOnSeparateLinesAreAllReported) {
  Parsed p = parse("network N {\n"
                   "  input x: [3]\n"
                   "  a = relu(x $)\n"
                   "  b = dense(x 4)\n"
                   "  output b\n"
                   "}\n");
  EXPECT_EQ(p.errors, 2u) << p.diagnostics;
  EXPECT_NE(p.diagnostics.find("invalid character '$'"), std::string::npos);
  EXPECT_NE(p.diagnostics.find("4:15: error: unexpected '4'"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Parser, UnmatchedClosingBracket) {
  Parsed p = parse("network N {\n  input x: [3]\n  y = relu(x))\n"
                   "  output y\n}\n");
  EXPECT_EQ(p.errors, 1u) << p.diagnostics;
  EXPECT_NE(p.diagnostics.find("3:14: error: ')' has no matching '('"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Parser, MissingCloseBraceAtEndOfFile) {
  Parsed p = parse("network N {\n  input x: [3]\n  output x\n");
  EXPECT_EQ(p.errors, 1u) << p.diagnostics;
  EXPECT_NE(p.diagnostics.find("error: expected '}' to close this network "
                               "body"),
            std::string::npos)
      << p.diagnostics;
  EXPECT_NE(p.diagnostics.find("1:11: note: to match this '{'"),
            std::string::npos)
      << p.diagnostics;
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "network N {\n  input x: [3]\n  y = " +
                     std::string(100000, '(') + "x" +
                     std::string(100000, ')') + "\n  output y\n}\n";
  Parsed p = parse(deep);
  EXPECT_EQ(p.errors, 1u);
  EXPECT_NE(p.diagnostics.find("brackets are nested more than 256 levels"),
            std::string::npos);
}

TEST(Parser, IntegerLiteralOverflow) {
  Parsed p = parse("network N {\n  input x: [9223372036854775808]\n}\n");
  EXPECT_EQ(p.errors, 1u);
  EXPECT_NE(p.diagnostics.find("integer literal '9223372036854775808' is too "
                               "large"),
            std::string::npos)
      << p.diagnostics;
  // -2^63 itself is representable.
  Parsed q = parse("network N {\n  y = f(-9223372036854775808)\n}\n");
  EXPECT_EQ(q.errors, 0u) << q.diagnostics;
}

TEST(Parser, BinaryAndInvalidUtf8) {
  Parsed nul = parse(llvm::StringRef("network N {\0}\n", 14));
  EXPECT_EQ(nul.errors, 1u);
  EXPECT_EQ(nul.diagnostics,
            "test.net:1:12: error: file contains a NUL byte; is it a binary "
            "file?\n");
  Parsed bad = parse("network N { \xC3\x28 }\n");
  EXPECT_EQ(bad.errors, 1u);
  EXPECT_NE(bad.diagnostics.find("1:13: error: file is not valid UTF-8 "
                                 "(invalid byte 0xC3)"),
            std::string::npos)
      << bad.diagnostics;
}

TEST(Parser, NonAsciiColumnsAreBytesInTheRightPlace) {
  // 'é' is two bytes: the column (in bytes, as clang counts) is 12, and the
  // caret sits under the '$' (one display column per character).
  Parsed p = parse("network N {\n  # é\n  y = \"é\" $\n}\n");
  EXPECT_EQ(p.errors, 1u);
  EXPECT_EQ(p.diagnostics, "test.net:3:12: error: invalid character '$' in "
                           "source\n"
                           "  y = \"é\" $\n"
                           "          ^\n");
}

TEST(Parser, EmptyFileHasNoNetworks) {
  Parsed p = parse("");
  ASSERT_TRUE(p.module);
  EXPECT_EQ(p.errors, 0u);
  EXPECT_TRUE(p.module->getNetworks().empty());
}

} // namespace
