//===- FixItTest.cpp - fix-its, applied in-process and by --fixit ---------===//
//
// Where a fix is certain the diagnostic carries a replacement: a misspelt
// keyword, op, name or keyword argument, a missing flatten before dense on
// a feature map, a missing ')' at the end of a line. Applying them must
// give a file that checks clean; overlapping fix-its are applied once.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/FixIts.h"
#include "netc/Check/Checker.h"
#include "netc/Parse/Parser.h"

#include "NetcProcess.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace netc;

namespace {

/// Counts diagnostics by severity.
class CountingConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &d) override {
    ++counts[static_cast<int>(d.severity)];
  }
  unsigned errors() const { return counts[2]; }
  unsigned warnings() const { return counts[1]; }

private:
  unsigned counts[3] = {0, 0, 0};
};

/// Parses and checks \p source, returning its text with every fix-it of
/// its errors and warnings applied; \p diagnostics counts what was found.
std::string fix(llvm::StringRef source, CountingConsumer &diagnostics,
                unsigned *skipped = nullptr) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "fix.net"), llvm::SMLoc());
  FixItCollector collector(diagnostics);
  DiagnosticEngine diags(sourceMgr, collector);
  if (auto module = parseModule(1, diags))
    checkModule(*module, diags);
  FixedBuffer fixed = applyFixIts(sourceMgr, 1, collector.getFixIts());
  if (skipped)
    *skipped = fixed.skipped;
  return fixed.text;
}

/// Expects \p source to have problems whose fix-its give \p expected, which
/// checks without any diagnostic.
void expectFixedTo(llvm::StringRef source, llvm::StringRef expected) {
  CountingConsumer before;
  std::string fixed = fix(source, before);
  EXPECT_GT(before.errors() + before.warnings(), 0u) << source.str();
  EXPECT_EQ(fixed, expected.str());
  CountingConsumer after;
  EXPECT_EQ(fix(fixed, after), fixed);
  EXPECT_EQ(after.errors() + after.warnings(), 0u) << fixed;
}

TEST(FixIt, MisspeltDeclarationKeyword) {
  expectFixedTo("netwrok N {\n  input x: [3]\n  output y = relu(x)\n}\n",
                "network N {\n  input x: [3]\n  output y = relu(x)\n}\n");
}

TEST(FixIt, MisspeltStatementKeywords) {
  expectFixedTo("network N {\n  inptu x: [3]\n  output y = relu(x)\n}\n",
                "network N {\n  input x: [3]\n  output y = relu(x)\n}\n");
  expectFixedTo("network N {\n  input x: [3]\n  ouput y = relu(x)\n}\n",
                "network N {\n  input x: [3]\n  output y = relu(x)\n}\n");
}

TEST(FixIt, MisspeltOpNameAndKeywordArgument) {
  expectFixedTo("network N {\n  input x: [3, 8, 8]\n"
                "  output y = conv2b(x, 4, kernel=3)\n}\n",
                "network N {\n  input x: [3, 8, 8]\n"
                "  output y = conv2d(x, 4, kernel=3)\n}\n");
  expectFixedTo("network N {\n  input x: [3, 8, 8]\n"
                "  output y = conv2d(x, 4, kernal=3)\n}\n",
                "network N {\n  input x: [3, 8, 8]\n"
                "  output y = conv2d(x, 4, kernel=3)\n}\n");
}

TEST(FixIt, MisspeltName) {
  expectFixedTo("network N {\n  input image: [3]\n"
                "  output y = relu(imgae)\n}\n",
                "network N {\n  input image: [3]\n"
                "  output y = relu(image)\n}\n");
}

// A dense right after a convolution warns, and a note shows flatten in
// front; --fixit does not apply it, since it changes the output's shape
// (on a ConvNeXt file it made the file fail to check). Applied by hand, the
// note's edit is the one a user would make.
TEST(FixIt, MissingFlattenIsANoteNotAFix) {
  for (const char *source :
       {"network N {\n  input x: [3, 8, 8]\n"
        "  output y = x |> conv2d(4, kernel=3) |> dense(10)\n}\n",
        "network N {\n  input x: [3, 8, 8]\n"
        "  output y = dense(maxpool2d(x, 2), 10)\n}\n"}) {
    CountingConsumer diagnostics;
    EXPECT_EQ(fix(source, diagnostics), source);
    EXPECT_EQ(diagnostics.warnings(), 1u) << source;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          "network N {\n  input x: [3, 8, 8]\n"
          "  output y = x |> conv2d(4, kernel=3) |> dense(10)\n}\n",
          "t.net"),
      llvm::SMLoc());
  struct : DiagnosticConsumer {
    void handle(const Diagnostic &d) override { diagnostics.push_back(d); }
    std::vector<Diagnostic> diagnostics;
  } consumer;
  DiagnosticEngine diags(sourceMgr, consumer);
  std::unique_ptr<ast::Module> module = parseModule(1, diags);
  ASSERT_TRUE(module);
  checkModule(*module, diags);
  ASSERT_EQ(consumer.diagnostics.size(), 1u);
  const Diagnostic &warning = consumer.diagnostics[0];
  EXPECT_TRUE(warning.fixIts.empty());
  ASSERT_EQ(warning.notes.size(), 2u);
  std::vector<FixIt> noteFixIts = warning.notes[1].fixIts;
  FixedBuffer fixed = applyFixIts(sourceMgr, 1, noteFixIts);
  EXPECT_EQ(fixed.text, "network N {\n  input x: [3, 8, 8]\n"
                        "  output y = x |> conv2d(4, kernel=3) |> flatten |> "
                        "dense(10)\n}\n");
}

TEST(FixIt, MissingCloseParenAtTheEndOfALine) {
  expectFixedTo("network N {\n  input x: [3, 8, 8]\n"
                "  y = conv2d(x, 4, kernel=3\n  output z = relu(y)\n}\n",
                "network N {\n  input x: [3, 8, 8]\n"
                "  y = conv2d(x, 4, kernel=3)\n  output z = relu(y)\n}\n");
}

// After a ',' the call may go on: no fix is certain, so none is offered.
TEST(FixIt, NoCloseParenAfterAComma) {
  CountingConsumer diagnostics;
  std::string source = "network N {\n  input x: [3, 8, 8]\n"
                       "  y = conv2d(x, 4,\n  output z = relu(y)\n}\n";
  EXPECT_EQ(fix(source, diagnostics), source);
  EXPECT_GT(diagnostics.errors(), 0u);
}

// A rank-2 input may be a sequence on purpose: a warning, but no fix.
// Per-token dense ([tokens, dim], as every transformer has) and dense on
// an input of any rank are what they look like: no warning.
TEST(FixIt, NoWarningForPerTokenDense) {
  for (const char *source :
       {"network N {\n  input x: [4, 8]\n  output y = dense(x, 10)\n}\n",
        "network N {\n  input x: [3, 8, 8]\n  output y = dense(x, 10)\n}\n",
        "network N {\n  input x: [16, 64]\n"
        "  output y = x |> layernorm |> dense(256) |> gelu |> dense(64)\n}\n"}) {
    CountingConsumer diagnostics;
    EXPECT_EQ(fix(source, diagnostics), source);
    EXPECT_EQ(diagnostics.warnings(), 0u) << source;
  }
}

TEST(FixIt, OverlappingFixItsApplyOnce) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("abcdef", "t"), llvm::SMLoc());
  const char *p = sourceMgr.getMemoryBuffer(1)->getBufferStart();
  auto at = [&](int a, int b) {
    return llvm::SMRange(llvm::SMLoc::getFromPointer(p + a),
                         llvm::SMLoc::getFromPointer(p + b));
  };
  std::vector<FixIt> fixIts = {{at(3, 5), "X"},
                               {at(1, 4), "Y"},  // overlaps the first
                               {at(1, 4), "Y"},  // the same again
                               {at(0, 0), "<"}}; // an insertion
  FixedBuffer fixed = applyFixIts(sourceMgr, 1, fixIts);
  EXPECT_EQ(fixed.text, "<aYef");
  EXPECT_EQ(fixed.applied, 2u);
  EXPECT_EQ(fixed.skipped, 1u);
}

class FixItDriver : public netc::testing::NetcProcessTest {
public:
  FixItDriver() : NetcProcessTest("netc-fixit") {}
};

TEST_F(FixItDriver, RewritesTheFileAndStillReportsTheErrors) {
  std::string file = write("typo.net", "netwrok N {\n  input x: [3, 8, 8]\n"
                                       "  output y = x |> maxpool2d(2) |> "
                                       "dense(10)\n}\n");
  netc::testing::NetcRun run1 = run({"--fixit", "--emit=none", file});
  // The run reports what it found (and fails), then fixes the file.
  EXPECT_EQ(run1.status, 1) << run1.err;
  EXPECT_NE(run1.err.find("did you mean 'network'?"), std::string::npos);
  EXPECT_NE(run1.err.find("netc: note: applied 1 fix-it to '"),
            std::string::npos)
      << run1.err;
  // Parsing stopped at the first error; the next run finds the warning,
  // whose flatten is a note's suggestion: the file is left as it is.
  netc::testing::NetcRun run2 = run({"--fixit", "--emit=none", file});
  EXPECT_EQ(run2.status, 0) << run2.err;
  EXPECT_NE(run2.err.find("[-Wdense-rank]"), std::string::npos);
  EXPECT_EQ(run2.err.find("applied"), std::string::npos) << run2.err;
  EXPECT_EQ(netc::testing::readFile(file),
            "network N {\n  input x: [3, 8, 8]\n"
            "  output y = x |> maxpool2d(2) |> dense(10)\n}\n");
}

TEST_F(FixItDriver, CleanFileIsNotTouched) {
  std::string text = "network N {\n  input x: [3]\n  output y = relu(x)\n}\n";
  std::string file = write("clean.net", text);
  netc::testing::NetcRun r = run({"--fixit", "--emit=none", file});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(netc::testing::readFile(file), text);
}

} // namespace
