//===- LimitsTest.cpp - every hard limit, through the real binary ---------===//
//
// Each limit is an error that names the limit and says how to raise it (or
// that it is fixed), never a crash, a hang or a wrapped integer: nesting
// depth, operators in a statement, `else` branches, block call depth,
// file size, layers after expansion, statements run while
// expanding, the bytes of the layer names, import depth, tensor rank, element counts and byte sizes past
// 2^63.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "netc/Basic/Diagnostics.h"

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

// A chain of operators nests one expression in the next just as brackets
// do; 100,000 of any kind in one statement is an error, not a stack
// overflow in the parser, the checker or the AST's destructor.
TEST_F(Limits, OperatorsPerStatementAreFixed) {
  auto repeat = [](const std::string &s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i)
      out += s;
    return out;
  };
  const int n = 100000;
  const std::string chains[] = {
      "y = " + repeat("-", n) + "1",             // prefix minus
      "y = " + repeat("not ", n) + "true",       // prefix not
      "y = 1" + repeat(" + 1", n),               // infix, left-deep
      "y = x" + repeat(" |> relu", n),           // pipes
      "y = x" + repeat(".shape", n),             // members
      "y = x" + repeat("[0]", n),                // indexing
      "y = x" + repeat("\n    |> relu", n),      // pipes over many lines
  };
  for (const std::string &chain : chains) {
    std::string file = write("ops.net", "network N {\n  input x: [4]\n  " +
                                            chain + "\n  output z = x\n}\n");
    expectError(run({"--emit=none", file}), 1,
                "this statement has more than 1000 operators (the operator "
                "limit, fixed to keep the parser and checker within their "
                "stack); split it into several statements");
  }
  // At the limit, a statement is fine.
  std::string file =
      write("ops.net", "network N {\n  input x: [4]\n  y = x" +
                           repeat(" |> relu", 1000) + "\n  output z = y\n}\n");
  NetcRun r = run({"--emit=none", file});
  EXPECT_EQ(r.status, 0) << r.err;
}

// 100,000 blocks, each calling the one before: an error at depth 256 with
// ten notes, promptly (no stack overflow, no quadratic search).
TEST_F(Limits, CallDepthIsFixed) {
  std::string text = "block b0(x) { return relu(x) }\n";
  for (int i = 1; i < 100000; ++i)
    text += "block b" + std::to_string(i) + "(x) { return b" +
            std::to_string(i - 1) + "(x) }\n";
  text += "network N {\n  input x: [4]\n  output y = b99999(x)\n}\n";
  NetcRun r = run({"--emit=none", write("calls.net", text)});
  expectError(r, 1,
              "block calls are nested more than 256 deep (the call depth "
              "limit, fixed to keep the checker within its stack)");
  EXPECT_NE(r.err.find("246 more calls, from this one outward, not shown"),
            std::string::npos)
      << r.err.substr(0, 2000);
}

// `if ... else if ...` with 100,000 branches.
TEST_F(Limits, ElseChainIsFixed) {
  std::string text = "network N {\n  input x: [4]\n  if false {}";
  for (int i = 0; i < 100000; ++i)
    text += " else if false {}";
  text += "\n  output y = relu(x)\n}\n";
  expectError(run({"--emit=none", write("elses.net", text)}), 1,
              "this if statement has more than 256 'else' branches (the "
              "limit, fixed to keep the parser and checker within their "
              "stack)");
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

TEST_F(Limits, NameBytes) {
  // A 40 KB file within every other limit: 250 nested blocks binding
  // 60-character names, and a loop inside. Each layer's name repeats the
  // calls around it (15 KB); the names grew to 12 GB before netc aborted
  // after a minute. The limit stops it at 256 MiB, at the statement.
  std::string name(60, 'v');
  std::string text = "block b250(x) {\n  for i in 0..800000 {\n    " + name +
                     " = relu(x)\n    x = " + name + "\n  }\n  return x\n}\n";
  for (int d = 249; d >= 0; --d)
    text += "block b" + std::to_string(d) + "(x) {\n  " + name + " = b" +
            std::to_string(d + 1) + "(x)\n  return " + name + "\n}\n";
  text += "network Deep {\n  input x: [4]\n  output y = b0(x)\n}\n";
  std::string file = write("deep.net", text);
  expectError(run({"--emit=none", file}), 1,
              "deep.net:4:5: error: the layer names of network 'Deep' take "
              "more than 268435456 bytes together (each name repeats the "
              "names of the block calls around it); raise the limit with "
              "--max-name-bytes");

  std::string small = write("small.net", "block b(x) {\n  for i in 0..10 { x = relu(x) }\n"
                                         "  return x\n}\nnetwork N {\n"
                                         "  input x: [4]\n  output y = b(x)\n}\n");
  // y_b.x_relu_9 and the others: 10 names of about 12 bytes, and y_b.
  expectError(run({"--emit=none", "--max-name-bytes=50", small}), 1,
              "take more than 50 bytes together");
  EXPECT_EQ(run({"--emit=none", "--max-name-bytes=1000", small}).status, 0);
  EXPECT_EQ(run({"--max-name-bytes=0", small}).status, 2);
}

// A message quotes at most MaxMessageArgumentBytes of a name, cut between
// characters, with the name's size: a megabyte name is one line of error,
// not a megabyte.
TEST_F(Limits, MessagesQuoteLongNamesInPart) {
  std::string name(200000, 'a');
  std::string file = write("longname.net", "network N {\n  input x: [4]\n"
                                           "  output y = " + name + "\n}\n");
  NetcRun r = run({"--emit=none", file});
  expectError(r, 1, "'" + std::string(160, 'a') + "... (200000 bytes)'");
  EXPECT_LT(r.err.size(), 2000u) << r.err.substr(0, 2000);

  // Two-byte characters: the cut backs off to a character boundary.
  std::string wide;
  for (int i = 0; i < 100000; ++i)
    wide += "\u00e9";
  file = write("wide.net", wide + "\n");
  r = run({"--emit=none", file});
  std::string kept;
  for (int i = 0; i < 80; ++i)
    kept += "\u00e9";
  expectError(r, 1, "'" + kept + "... (200000 bytes)'");
  EXPECT_LT(r.err.size(), 2000u) << r.err.substr(0, 2000);

  EXPECT_EQ(netc::shortenMessageArgument("short"), "short");
  EXPECT_EQ(netc::shortenMessageArgument(std::string(160, 'b')),
            std::string(160, 'b'));
  // Only quoted arguments are names; the others (a Graphviz or system
  // error text) are shown whole.
  EXPECT_EQ(netc::getQuotedArguments("name '{0}' and {1}, '{2}' ('{3}x')"),
            0b101u);
  // 'a' then 100 two-byte characters: byte 160 is inside the 80th.
  std::string odd = "a";
  for (int i = 0; i < 100; ++i)
    odd += "\u00e9";
  EXPECT_EQ(netc::shortenMessageArgument(odd),
            odd.substr(0, 159) + "... (201 bytes)");
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
