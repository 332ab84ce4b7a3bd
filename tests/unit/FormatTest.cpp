//===- FormatTest.cpp - netc fmt's layout rules and its guarantees --------===//
//
// One case per rule of docs/formatting.md (input and the expected layout),
// and over every .net file of the repository's examples and tests that
// parses (the fuzzer's seeds among them, fuzz/build_corpus.py): formatting keeps the syntax tree (the dump without source
// ranges) and formatting twice changes nothing. The fuzzer checks both on
// every input that parses (fuzz/NetcFuzzer.cpp).
//
//===----------------------------------------------------------------------===//
#include "netc/AST/AST.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Format/SourceFormatter.h"
#include "netc/Parse/Parser.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace netc;

namespace {

struct RuleCase {
  const char *name;
  const char *input;
  const char *expected;
};

const RuleCase Rules[] = {
    {"Spacing",
     "network N{\n  input x:[3,8,8]\n  y=conv2d( x ,4,kernel=(3,3),padding=1 )"
     "|>relu\n  output y\n}\n",
     "network N {\n  input x: [3, 8, 8]\n  y = conv2d(x, 4, kernel=(3, 3), "
     "padding=1) |> relu\n  output y\n}\n"},
    {"OperatorsAndUnaryMinus",
     "const A=-1\nconst B=2*-A+3//2\nconst C=not true and B>=1\n",
     "const A = -1\nconst B = 2 * -A + 3 // 2\nconst C = not true and B >= 1\n"},
    {"SlicesTypesTuplesAndRanges",
     "network N {\n  input x : f16 [ 6 , 4 ]\n  a = x [ 1 : 3 ]\n  b = x[-1]\n"
     "  t = (7 , )\n  for i in 0 .. 2 { c = x[i] }\n  output a; output b\n}\n",
     "network N {\n  input x: f16[6, 4]\n  a = x[1:3]\n  b = x[-1]\n"
     "  t = (7,)\n  for i in 0..2 {\n    c = x[i]\n  }\n  output a\n"
     "  output b\n}\n"},
    {"BlocksIfElseAndDefaults",
     "block f(x, k=3) { if k>2 { return relu(x) }\n else { return x } }\n",
     "block f(x, k=3) {\n  if k > 2 {\n    return relu(x)\n  } else {\n"
     "    return x\n  }\n}\n"},
    {"BlankLinesCollapse",
     "\n\nconst A = 1\n\n\n\nconst B = 2\nnetwork N {\n\n  input x: [4]\n\n\n"
     "  output x\n\n}\n\n\n",
     "const A = 1\n\nconst B = 2\nnetwork N {\n  input x: [4]\n\n  output x\n"
     "}\n"},
    {"CommentsOwnLineAndTrailingAligned",
     "# file\nnetwork N {  # the net\n  # inputs\n  input x: [4] # one\n"
     "  output y = dense(x, 2)   # two\n  # end\n}  # done\n",
     "# file\nnetwork N {  # the net\n  # inputs\n  input x: [4]            # one\n"
     "  output y = dense(x, 2)  # two\n  # end\n}  # done\n"},
    {"CommentInsideACallKeepsTheLines",
     "network N {\n  input x: [4]\n  output y = dense(x,  # the input\n"
     "                   2)\n}\n",
     "network N {\n  input x: [4]\n  output y = dense(x,  # the input\n"
     "      2)\n}\n"},
    {"CommentBetweenPipeStages",
     "network N {\n  input x: [4]\n  y = x\n   # first\n   |> relu\n"
     "  output y\n}\n",
     "network N {\n  input x: [4]\n  y = x\n      # first\n      |> relu\n"
     "  output y\n}\n"},
    {"ShortPipeOnOneLine",
     "network N {\n  input x: [4]\n  output y = x\n    |> relu\n    |> dense(2)\n"
     "}\n",
     "network N {\n  input x: [4]\n  output y = x |> relu |> dense(2)\n}\n"},
    {"LongPipeOneStageALine",
     "network N {\n  input x: [3, 32, 32]\n  output y = x |> conv2d(16, "
     "kernel=3, padding=1) |> batchnorm |> relu |> conv2d(16, kernel=3, "
     "padding=1) |> batchnorm\n}\n",
     "network N {\n  input x: [3, 32, 32]\n  output y = x\n"
     "      |> conv2d(16, kernel=3, padding=1)\n      |> batchnorm\n"
     "      |> relu\n      |> conv2d(16, kernel=3, padding=1)\n"
     "      |> batchnorm\n}\n"},
    {"LongStageKeepsTheUsersBreaks",
     "network N {\n  input x: [3, 32, 32]\n  output y = x |> conv2d(64, "
     "kernel=(3, 3), stride=(1, 1), padding=(1, 1),\n"
     "                dilation=(1, 1), groups=1, bias=false) as conv |> relu\n}\n",
     "network N {\n  input x: [3, 32, 32]\n  output y = x\n"
     "      |> conv2d(64, kernel=(3, 3), stride=(1, 1), padding=(1, 1),\n"
     "          dilation=(1, 1), groups=1, bias=false) as conv\n      |> relu\n}\n"},
    {"CallBrokenWithoutCommentsIsJoined",
     "network N {\n  input x: [4]\n  output y = dense(x,\n     2,\n bias=false)\n"
     "}\n",
     "network N {\n  input x: [4]\n  output y = dense(x, 2, bias=false)\n}\n"},
    {"ImportsStringsAndAs",
     "import  \"blocks/vit.net\"\nnetwork N {\n  input x: [4]\n"
     "  output y = dense(x, 2)as fc\n}\n",
     "import \"blocks/vit.net\"\nnetwork N {\n  input x: [4]\n"
     "  output y = dense(x, 2) as fc\n}\n"},
};

TEST(Format, Rules) {
  for (const RuleCase &rule : Rules) {
    EXPECT_EQ(formatSource(rule.input), rule.expected) << rule.name;
    EXPECT_EQ(formatSource(rule.expected), rule.expected)
        << rule.name << " (the expected layout is stable)";
  }
}

TEST(Format, EveryFileKeepsItsTreeAndIsStable) {
  unsigned files = 0;
  for (const char *folder :
       {"examples", "examples/blocks", "tests/verify", "tests/pytorch",
        "tests/pytorch/regressions", "tests/driver", "tests/verify/inputs",
        "tests/fuzz-regressions"}) {
    std::error_code ec;
    std::string root = std::string(NETC_SOURCE_DIR) + "/" + folder;
    for (llvm::sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec)) {
      if (llvm::sys::path::extension(it->path()) != ".net")
        continue;
      auto buffer = llvm::MemoryBuffer::getFile(it->path());
      if (!buffer)
        continue;
      llvm::StringRef text = (*buffer)->getBuffer();
      std::optional<std::string> tree = dumpSyntaxTree(text);
      if (!tree)
        continue; // files with syntax errors are not formatted
      ++files;
      std::string once = formatSource(text);
      EXPECT_EQ(dumpSyntaxTree(once), tree) << it->path();
      EXPECT_EQ(formatSource(once), once) << it->path();
    }
  }
  EXPECT_GT(files, 250u);
}

} // namespace
