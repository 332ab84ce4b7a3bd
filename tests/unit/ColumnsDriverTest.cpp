//===- ColumnsDriverTest.cpp - --columns, through the real binary ---------===//
//
// --columns=LIST chooses the text table's and the Markdown table's columns
// and their order (docs/macs.md, "Choosing columns"); the layer name is
// always first. Unknown names, repeated names, an empty list and use with
// JSON or CSV are usage errors (exit 2), an unknown name with a
// did-you-mean suggestion when one is close.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "gtest/gtest.h"

#include <string>
#include <utility>
#include <vector>

namespace {

using netc::testing::NetcRun;

/// Runs netc on one small network in a scratch directory.
class ColumnsDriverTest : public netc::testing::NetcProcessTest {
protected:
  ColumnsDriverTest() : NetcProcessTest("netc-columns") {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(NetcProcessTest::SetUp());
    tiny = write("tiny.net",
                 "network Tiny {\n"
                 "  input x: [3, 8, 8]\n"
                 "  y = x |> conv2d(4, kernel=3) |> batchnorm |> relu\n"
                 "  output z = y |> flatten |> dense(10)\n"
                 "}\n");
  }
  /// Runs `netc --color=never ARGS... tiny.net`.
  NetcRun run(std::vector<std::string> args) {
    args.push_back(tiny);
    return NetcProcessTest::run(std::move(args));
  }

  /// The heading line of the layer table (the third line of the table).
  static std::string headingLine(const std::string &out) {
    size_t start = out.find("\n\n");
    if (start == std::string::npos)
      return "";
    start += 2;
    return out.substr(start, out.find('\n', start) - start);
  }

  /// The network every run reads.
  std::string tiny;
};

TEST_F(ColumnsDriverTest, DefaultIsTheMemoryColumnsPlusMacs) {
  NetcRun r = run({});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(headingLine(r.out),
            "layer                 op         output shape  params  "
            "non-trainable  activations   MACs");
  // conv: 4x6x6 x 3x3x3; dense: 10 x 144.
  EXPECT_NE(r.out.find("y_conv2d              conv2d     [4, 6, 6]        112"
                       "              0          144  3,888\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("total                                           1,570"
                       "              8          298  5,328\n"),
            std::string::npos)
      << r.out;
  // Biases 144 + 10, batchnorm 2 x 144, relu 144.
  EXPECT_NE(r.out.find("MACs per sample: 5,328 (0.01 M); other FLOPs: 586\n"),
            std::string::npos)
      << r.out;
}

TEST_F(ColumnsDriverTest, ChosenColumnsInTheOrderGiven) {
  NetcRun r = run({"--columns=flops,macs,op,saved"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(headingLine(r.out),
            "layer        FLOPs   MACs  op         saved bytes");
  EXPECT_NE(r.out.find("y_conv2d       144  3,888  conv2d"), std::string::npos)
      << r.out;
  // The total row sums the chosen columns; there is no activations column,
  // so no "total with the input" row.
  EXPECT_NE(r.out.find("total          586  5,328"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("total with the input"), std::string::npos) << r.out;
}

TEST_F(ColumnsDriverTest, LayerMayBeNamedFirstAndBuffersAlwaysShowWhenChosen) {
  NetcRun r = run({"--columns", "layer, buffers ,shape"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(headingLine(r.out), "layer        non-trainable  output shape");
}

TEST_F(ColumnsDriverTest, MarkdownFollowsTheColumns) {
  NetcRun r = run({"--emit=markdown", "--columns=macs,activations"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("| layer | MACs | activations |\n|---|---:|---:|\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("| y_conv2d | 3,888 | 144 |"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("| **total** | **5,328** | **"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("| total with the input | | "), std::string::npos)
      << r.out;
}

TEST_F(ColumnsDriverTest, UnknownColumnSuggestsTheClosest) {
  NetcRun r = run({"--columns=op,mac"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("netc: error: --columns: unknown column 'mac'; did you "
                       "mean 'macs'? (choose from layer, op, shape, params, "
                       "buffers, activations, macs, flops, saved)"),
            std::string::npos)
      << r.err;
  r = run({"--columns=xyzzy"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown column 'xyzzy' (choose from"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
}

TEST_F(ColumnsDriverTest, BadListsAreUsageErrors) {
  NetcRun r = run({"--columns=op,layer"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("'layer' is always the first column"),
            std::string::npos)
      << r.err;
  r = run({"--columns=macs,macs"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("column 'macs' is listed twice"), std::string::npos)
      << r.err;
  r = run({"--columns="});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--columns expects a comma-separated list"),
            std::string::npos)
      << r.err;
  r = run({"--columns=op,,macs"});
  EXPECT_EQ(r.status, 2);
  r = run({"--columns=layer"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("at least one column besides 'layer'"),
            std::string::npos)
      << r.err;
}

TEST_F(ColumnsDriverTest, JsonAndCsvCarryEveryFigureAndRejectColumns) {
  for (const char *emit : {"--emit=json", "--emit=csv", "--emit=dot"}) {
    NetcRun r = run({emit, "--columns=macs"});
    EXPECT_EQ(r.status, 2) << emit;
    EXPECT_NE(r.err.find("--columns chooses the columns of the table and of "
                         "Markdown"),
              std::string::npos)
        << r.err;
  }
}

} // namespace
