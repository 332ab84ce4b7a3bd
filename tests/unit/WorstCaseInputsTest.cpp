//===- WorstCaseInputsTest.cpp - pathological inputs stay within budget ---===//
//
// Runs netc as a process on inputs made to be expensive: many errors on one
// long line (in every diagnostics format and under --verify-diagnostics) and
// files of 1 MB of nothing but `;`, stray `)`, open brackets or operators.
// The inputs are generated here. The bounds count what cannot flake: the
// child's CPU time and peak memory from getrusage (generous limits, 10 s
// (100 s in the sanitizer build) and 500 MB, against figures ten times
// lower) and the bytes printed per
// diagnostic. Before these were fixed, a diagnostic cost the length of its
// line (22 s of CPU for 100k errors on a 100 KB line; the verifier printed
// the whole line per mismatch) and a JSON or SARIF diagnostic 26 KB of
// memory (2.7 GB for the same line).
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include <sys/resource.h>
#include <sys/time.h>

using netc::testing::NetcRun;

namespace {

/// CPU seconds and peak resident memory of a run of netc.
struct Cost {
  double cpuSeconds;
  double peakMiB;
};

class WorstCaseInputs : public netc::testing::NetcProcessTest {
protected:
  WorstCaseInputs() : NetcProcessTest("netc-worstcase") {}

  /// Ten times more in the sanitizer build (tests/CMakeLists.txt).
  static constexpr double MaxCpuSeconds = 10 * NETC_TIMEOUT_SCALE;
  static constexpr double MaxPeakMiB = 500;

  /// Runs netc with \p args and returns its cost; the peak is the largest
  /// of this process's runs (getrusage keeps the maximum over children),
  /// one test's under CTest, which runs each test in a process of its own.
  NetcRun runMeasured(std::vector<std::string> args, Cost &cost) {
    rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    NetcRun result = run(std::move(args));
    getrusage(RUSAGE_CHILDREN, &after);
    auto seconds = [](const rusage &r) {
      return r.ru_utime.tv_sec + r.ru_stime.tv_sec +
             (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
    };
    cost = {seconds(after) - seconds(before), after.ru_maxrss / 1024.0};
    return result;
  }

  /// Runs netc and checks the budget; returns what it printed.
  NetcRun runWithinBudget(std::vector<std::string> args) {
    Cost cost;
    NetcRun result = runMeasured(args, cost);
    std::string command;
    for (const std::string &a : args)
      command += " " + a;
    EXPECT_LT(cost.cpuSeconds, MaxCpuSeconds) << "netc" << command;
    EXPECT_LT(cost.peakMiB, MaxPeakMiB) << "netc" << command;
    EXPECT_NE(result.status, -1) << "netc" << command << " did not finish";
    return result;
  }
};

/// \p unit repeated up to \p bytes bytes, then a line end.
std::string repeat(llvm::StringRef unit, size_t bytes) {
  std::string text;
  text.reserve(bytes + 1);
  while (text.size() + unit.size() <= bytes)
    text += unit.str();
  return text + "\n";
}

size_t countOf(llvm::StringRef text, llvm::StringRef what) {
  return text.count(what);
}

/// 100,000 stray ')' on one line: 100,000 errors, each cheap.
constexpr size_t LongLine = 100000;

TEST_F(WorstCaseInputs, ManyErrorsOnOneLineAsText) {
  std::string file = write("line.net", repeat(")", LongLine));
  NetcRun r = runWithinBudget({"--error-limit=0", file});
  size_t errors = countOf(r.err, "error: ')' has no matching '('");
  EXPECT_EQ(errors, LongLine);
  // A window of the line and its caret line, whatever the line's length.
  EXPECT_LT(r.err.size(), errors * 600);
}

TEST_F(WorstCaseInputs, ManyErrorsOnOneLineAsJson) {
  std::string file = write("line.net", repeat(")", LongLine));
  NetcRun r =
      runWithinBudget({"--error-limit=0", "--diagnostics-format=json", file});
  EXPECT_EQ(countOf(r.err, "\"err_unmatched_closing\""), LongLine);
  EXPECT_TRUE(llvm::StringRef(r.err).endswith("\"warnings\": 0\n}\n"));
}

TEST_F(WorstCaseInputs, ManyErrorsOnOneLineAsSarif) {
  std::string file = write("line.net", repeat(")", LongLine));
  NetcRun r =
      runWithinBudget({"--error-limit=0", "--diagnostics-format=sarif", file});
  EXPECT_EQ(countOf(r.err, "\"ruleId\": \"err_unmatched_closing\""), LongLine);
}

TEST_F(WorstCaseInputs, VerifierMismatchesOnOneLine) {
  // 10,000 unexpected errors on a 10 KB line, and one expectation that
  // matches nothing: each mismatch is printed with a window of the line.
  std::string file = write(
      "line.net",
      ")" + repeat(")", 10000) + "# expected-warning@-1 {{nothing}}\n");
  NetcRun r = runWithinBudget({"--verify-diagnostics", file});
  EXPECT_EQ(r.status, 1);
  size_t mismatches = countOf(r.err, "error: unexpected error:");
  EXPECT_EQ(mismatches, 10001u);
  EXPECT_LT(r.err.size(), mismatches * 600);
}

TEST_F(WorstCaseInputs, VerifierManyExpectationsOnOneLine) {
  // 5,000 errors on one line, each expected on that line.
  std::string expectations;
  for (int i = 0; i < 5000; ++i)
    expectations += " expected-error {{no matching}}";
  std::string file =
      write("line.net", repeat(")", 5000).substr(0, 5000) + " #" +
                            expectations + "\n");
  NetcRun r = runWithinBudget({"--verify-diagnostics", file});
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
}

TEST_F(WorstCaseInputs, OneMegabyteFiles) {
  // With the default error limit: what is past it must cost next to
  // nothing. (The last one is ANTLR's parse of 38,000 broken networks, the
  // most expensive of these: about 2 s and 200 MB.)
  const size_t megabyte = 1000000;
  const char *units[] = {";", ")", ")\n", "(", "[", "x = a + ", "}", "\"", "@",
                         "network N { input x: [3]; "};
  for (const char *unit : units) {
    std::string file = write("big.net", repeat(unit, megabyte));
    runWithinBudget({file});
  }
  std::string file = write("big.net", repeat(")", megabyte));
  for (const char *format : {"json", "sarif"})
    runWithinBudget({std::string("--diagnostics-format=") + format, file});
}

} // namespace
