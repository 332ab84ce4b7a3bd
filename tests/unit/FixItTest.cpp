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

TEST(FixIt, MissingFlattenBeforeDense) {
  // In pipe form the stage goes in front; in call form the argument is
  // wrapped.
  expectFixedTo("network N {\n  input x: [3, 8, 8]\n"
                "  output y = x |> conv2d(4, kernel=3) |> dense(10)\n}\n",
                "network N {\n  input x: [3, 8, 8]\n"
                "  output y = x |> conv2d(4, kernel=3) |> flatten |> "
                "dense(10)\n}\n");
  expectFixedTo("network N {\n  input x: [3, 8, 8]\n"
                "  output y = dense(x, 10)\n}\n",
                "network N {\n  input x: [3, 8, 8]\n"
                "  output y = dense(flatten(x), 10)\n}\n");
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
TEST(FixIt, NoFlattenForRankTwo) {
  CountingConsumer diagnostics;
  std::string source =
      "network N {\n  input x: [4, 8]\n  output y = dense(x, 10)\n}\n";
  EXPECT_EQ(fix(source, diagnostics), source);
  EXPECT_EQ(diagnostics.warnings(), 1u);
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
                                       "  output y = dense(x, 10)\n}\n");
  netc::testing::NetcRun run1 = run({"--fixit", "--emit=none", file});
  // The run reports what it found (and fails), then fixes the file.
  EXPECT_EQ(run1.status, 1) << run1.err;
  EXPECT_NE(run1.err.find("did you mean 'network'?"), std::string::npos);
  EXPECT_NE(run1.err.find("netc: note: applied 1 fix-it to '"),
            std::string::npos)
      << run1.err;
  // Parsing stopped at the first error; the next run finds the warning and
  // fixes it too; the third is clean.
  netc::testing::NetcRun run2 = run({"--fixit", "--emit=none", file});
  EXPECT_EQ(run2.status, 0) << run2.err;
  EXPECT_NE(run2.err.find("[-Wdense-rank]"), std::string::npos);
  netc::testing::NetcRun run3 = run({"--emit=none", file});
  EXPECT_EQ(run3.status, 0);
  EXPECT_EQ(run3.err, "");
  EXPECT_EQ(netc::testing::readFile(file),
            "network N {\n  input x: [3, 8, 8]\n"
            "  output y = dense(flatten(x), 10)\n}\n");
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
