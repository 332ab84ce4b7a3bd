//===- TimePhasesTest.cpp - netc --time-phases, through the real binary ---===//
//
// --time-phases adds a table of phases to standard error at the end and
// changes nothing else: the output and the exit status are the same, with
// or without it, also when the input has mistakes.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include <string>

namespace {

using netc::testing::NetcRun;

class TimePhases : public netc::testing::NetcProcessTest {
public:
  TimePhases() : NetcProcessTest("netc-time-phases") {}
};

TEST_F(TimePhases, PrintsEveryPhaseAndChangesNothingElse) {
  std::string example = NETC_SOURCE_DIR "/examples/lenet5.net";
  NetcRun plain = run({example});
  NetcRun timed = run({"--time-phases", example});
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(timed.status, 0);
  EXPECT_EQ(timed.out, plain.out);
  EXPECT_TRUE(plain.err.empty()) << plain.err;
  for (const char *row :
       {"=== netc --time-phases ===", "phase", "wall ms", "peak RSS MiB",
        "read", "validate UTF-8", "lex", "parse", "build AST", "check",
        "free the AST", "memory analysis", "emit table and write",
        "total"})
    EXPECT_NE(timed.err.find(row), std::string::npos) << row << "\n"
                                                      << timed.err;
  // A file without mistakes never reaches ANTLR's careful path.
  EXPECT_EQ(timed.err.find("careful path"), std::string::npos) << timed.err;
}

TEST_F(TimePhases, MistakesAreReportedAsWithout) {
  std::string file =
      write("broken.net", "network N {\n  input x: [3, 8, 8]\n"
                          "  y = conv2d(x, 4 kernel=3)\n  output z = y\n}\n");
  NetcRun plain = run({file});
  NetcRun timed = run({"--time-phases", file});
  EXPECT_EQ(plain.status, 1);
  EXPECT_EQ(timed.status, 1);
  EXPECT_EQ(timed.out, plain.out);
  // The diagnostics come first, unchanged; the table follows them.
  ASSERT_FALSE(plain.err.empty());
  EXPECT_EQ(timed.err.substr(0, plain.err.size()), plain.err);
  for (const char *row : {"lex (careful path", "parse + build AST",
                          "parse (ANTLR, careful path"})
    EXPECT_NE(timed.err.find(row), std::string::npos) << row << "\n"
                                                      << timed.err;
  // ANTLR found the syntax error: no AST was built from its tree.
  EXPECT_EQ(timed.err.find("build AST (from ANTLR"), std::string::npos)
      << timed.err;

  // A bracket left open is the token filter's error, and every syntax
  // error after it would be suppressed: ANTLR's parse is not run at all.
  file = write("unclosed.net", "network N {\n  input x: [3, 8, 8]\n"
                               "  y = conv2d(x, 4, kernel=3\n  output z = y\n}\n");
  timed = run({"--time-phases", file});
  EXPECT_EQ(timed.status, 1);
  EXPECT_NE(timed.err.find("expected ')' to close this call"),
            std::string::npos)
      << timed.err;
  EXPECT_NE(timed.err.find("lex (careful path"), std::string::npos);
  EXPECT_EQ(timed.err.find("parse (ANTLR, careful path"), std::string::npos)
      << timed.err;

  // A mistake the grammar accepts (a literal out of range) is found while
  // the AST is built from ANTLR's tree.
  file = write("literal.net", "network N {\n  input x: [3, 8, 8]\n"
                              "  output y = x |> dense(99999999999999999999)\n"
                              "}\n");
  timed = run({"--time-phases", file});
  EXPECT_EQ(timed.status, 1);
  EXPECT_NE(timed.err.find("build AST (from ANTLR"), std::string::npos)
      << timed.err;
}

} // namespace
