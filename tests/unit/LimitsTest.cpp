//===- LimitsTest.cpp - every hard limit, through the real binary ---------===//
//
// Each limit is an error that names the limit and says how to raise it (or
// that it is fixed), never a crash, a hang or a wrapped integer: nesting
// depth, file size, layers after expansion, statements run while
// expanding, import depth, tensor rank, element counts and byte sizes past
// 2^63.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include <string>

namespace {

using netc::testing::NetcRun;

class Limits : public netc::testing::NetcProcessTest {
public:
  Limits() : NetcProcessTest("netc-limits") {}

  /// Expects \p r to fail with status \p status and \p message on stderr.
  static void expectError(const NetcRun &r, int status,
                          const std::string &message) {
    EXPECT_EQ(r.status, status) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
};

TEST_F(Limits, NestingDepthIsFixed) {
  std::string file = write(
      "nest.net", "network N {\n  input x: [4]\n  output y = " +
                      std::string(100000, '(') + "x" + std::string(100000, ')') +
                      "\n}\n");
  expectError(run({"--emit=none", file}), 1,
              "brackets are nested more than 256 levels deep (the nesting "
              "limit, fixed to keep the parser within its stack)");
}

TEST_F(Limits, FileSize) {
  std::string body = "network N {\n  input x: [4]\n  output y = relu(x)\n}\n";
  std::string file = write("big.net", body + std::string(2 << 20, '#') + "\n");
  expectError(run({"--emit=none", "--max-file-size=1", file}), 2,
              "the file size limit is 1048576 bytes (1 MiB); raise it with "
              "--max-file-size");
  EXPECT_EQ(run({"--emit=none", file}).status, 0);
}

TEST_F(Limits, LayersAfterExpansion) {
  std::string file = write("loop.net", "network N {\n  input x: [4]\n"
                                       "  for i in 0..100 { x = relu(x) }\n"
                                       "  output y = x\n}\n");
  expectError(run({"--emit=none", "--max-layers=50", file}), 1,
              "expands to more than 50 layers; raise the limit with "
              "--max-layers");
  EXPECT_EQ(run({"--emit=none", "--max-layers=101", file}).status, 0);
}

TEST_F(Limits, StatementsWhileExpanding) {
  std::string file =
      write("steps.net", "network N {\n  input x: [4]\n"
                         "  for i in 0..1000 { if i < 0 { x = relu(x) } }\n"
                         "  output y = relu(x)\n}\n");
  expectError(run({"--emit=none", "--max-steps=100", file}), 1,
              "raise the limit with --max-steps");
  EXPECT_EQ(run({"--emit=none", file}).status, 0);
}

TEST_F(Limits, ImportDepth) {
  for (int i = 1; i < 6; ++i)
    write("d" + std::to_string(i) + ".net",
          "import \"d" + std::to_string(i + 1) + ".net\"\n");
  write("d6.net", "const Z = 1\n");
  std::string file = write("d0.net", "import \"d1.net\"\nnetwork N {\n"
                                     "  input x: [4]\n  output y = relu(x)\n}\n");
  expectError(run({"--emit=none", "--max-import-depth=3", file}), 1,
              "imports are nested more than 3 levels deep; raise the limit "
              "with --max-import-depth");
  EXPECT_EQ(run({"--emit=none", file}).status, 0);
}

TEST_F(Limits, TensorRankIsFixed) {
  std::string file = write("rank.net", "network N {\n"
                                       "  input x: [1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                                       "  output y = relu(x)\n}\n");
  expectError(run({"--emit=none", file}), 1,
              "tensor rank 9 exceeds the rank limit of 8");
}

TEST_F(Limits, ElementCountPast2To63) {
  std::string file =
      write("huge.net", "network N {\n  input x: [3037000500, 3037000500]\n"
                        "  output y = relu(x)\n}\n");
  expectError(run({"--emit=none", file}), 1, "overflows 64-bit integers");
}

TEST_F(Limits, MemoryBytesPast2To63) {
  // 2^40 elements fit; x 2 x 4 bytes x a batch of 2^22 do not.
  std::string file =
      write("wide.net", "network N {\n  input x: [1048576, 1048576]\n"
                        "  output y = x |> relu(inplace=false)\n}\n");
  EXPECT_EQ(run({"--emit=none", file}).status, 0);
  expectError(run({"--emit=none", "--batch=4194304", file}), 1,
              "the memory of network 'N' at batch 4194304 overflows 64-bit "
              "integers");
}

TEST_F(Limits, LimitOptionsRejectNonsense) {
  std::string file = write("ok.net", "network N {\n  input x: [4]\n"
                                     "  output y = relu(x)\n}\n");
  EXPECT_EQ(run({"--max-steps=0", file}).status, 2);
  EXPECT_EQ(run({"--max-layers=0", file}).status, 2);
}

} // namespace
