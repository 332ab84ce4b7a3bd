//===- WarningOptionsTest.cpp - -W options, groups and the [-W...] flag ----===//
//
// applyWarningOption and classifyWarning in-process (order, -Werror versus
// -Wno-error=GROUP, -w, unknown groups and their suggestions), the flag the
// engine appends to a warning's message, and the same options through the
// netc binary.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/WarningOptions.h"

#include "gtest/gtest.h"

using namespace netc;

namespace {

/// The options after applying \p values in order; fails on an unknown one.
DiagnosticOptions apply(std::vector<std::string> values) {
  DiagnosticOptions options;
  for (const std::string &value : values) {
    std::optional<std::string> suggestion;
    EXPECT_TRUE(applyWarningOption(options, value, suggestion)) << value;
  }
  return options;
}

WarningTreatment treat(std::vector<std::string> values, llvm::StringRef group) {
  return classifyWarning(apply(std::move(values)), group);
}

TEST(WarningOptions, GroupsComeFromTheRegistry) {
  const std::vector<std::string> &groups = getWarningGroups();
  EXPECT_TRUE(std::is_sorted(groups.begin(), groups.end()));
  EXPECT_EQ(std::adjacent_find(groups.begin(), groups.end()), groups.end());
  for (const char *group : {"unused-input", "unused-value", "dense-rank",
                            "missing-output", "missing-input", "empty-file"})
    EXPECT_TRUE(isWarningGroup(group)) << group;
  EXPECT_FALSE(isWarningGroup(""));
  EXPECT_FALSE(isWarningGroup("error"));
  // Every warning has a group; errors and notes have none.
  for (unsigned k = 0; k < diag::NumKinds; ++k) {
    const DiagnosticInfo &info = getDiagnosticInfo(static_cast<diag::Kind>(k));
    EXPECT_EQ(info.severity == Severity::Warning, !info.group.empty())
        << info.name.data();
  }
}

TEST(WarningOptions, EveryGroupIsOnByDefault) {
  for (const std::string &group : getWarningGroups())
    EXPECT_EQ(treat({}, group), WarningTreatment::Warn) << group;
}

TEST(WarningOptions, TheLastOptionForAGroupWins) {
  EXPECT_EQ(treat({"no-unused-input"}, "unused-input"),
            WarningTreatment::Ignore);
  EXPECT_EQ(treat({"no-unused-input"}, "unused-value"),
            WarningTreatment::Warn);
  EXPECT_EQ(treat({"no-unused-input", "unused-input"}, "unused-input"),
            WarningTreatment::Warn);
  EXPECT_EQ(treat({"error=unused-value"}, "unused-value"),
            WarningTreatment::Error);
  EXPECT_EQ(treat({"error=unused-value"}, "unused-input"),
            WarningTreatment::Warn);
  // -Werror=GROUP enables the group; a later -Wno-GROUP silences it.
  EXPECT_EQ(treat({"no-unused-value", "error=unused-value"}, "unused-value"),
            WarningTreatment::Error);
  EXPECT_EQ(treat({"error=unused-value", "no-unused-value"}, "unused-value"),
            WarningTreatment::Ignore);
  EXPECT_EQ(treat({"error=unused-value", "no-error=unused-value"},
                  "unused-value"),
            WarningTreatment::Warn);
}

TEST(WarningOptions, NoErrorForAGroupBeatsWerrorInAnyOrder) {
  EXPECT_EQ(treat({"error"}, "dense-rank"), WarningTreatment::Error);
  EXPECT_EQ(treat({"error", "no-error=dense-rank"}, "dense-rank"),
            WarningTreatment::Warn);
  EXPECT_EQ(treat({"no-error=dense-rank", "error"}, "dense-rank"),
            WarningTreatment::Warn);
  EXPECT_EQ(treat({"no-error=dense-rank", "error"}, "unused-input"),
            WarningTreatment::Error);
  EXPECT_EQ(treat({"error", "no-error"}, "dense-rank"),
            WarningTreatment::Warn);
  // -Wno-error=GROUP does not enable a silenced group.
  EXPECT_EQ(treat({"no-dense-rank", "no-error=dense-rank"}, "dense-rank"),
            WarningTreatment::Ignore);
}

TEST(WarningOptions, SuppressingAllWarningsWins) {
  DiagnosticOptions options = apply({"error", "error=unused-input",
                                     "unused-input"});
  options.suppressWarnings = true;
  EXPECT_EQ(classifyWarning(options, "unused-input"),
            WarningTreatment::Ignore);
}

TEST(WarningOptions, UnknownGroupsAreRejectedWithASuggestion) {
  struct Case {
    const char *value;
    const char *suggestion; // nullptr: none
  } cases[] = {
      {"unused-inptu", "-Wunused-input"},
      {"no-unsued-value", "-Wno-unused-value"},
      {"error=dense-rnak", "-Werror=dense-rank"},
      {"no-error=empty-flie", "-Wno-error=empty-file"},
      {"erorr", "-Werror"},
      {"no-erorr", "-Wno-error"},
      {"Unused-Input", "-Wunused-input"},
      {"frobnicate", nullptr},
      {"error=", nullptr},
      {"", nullptr},
      {"all", nullptr},
  };
  for (const Case &c : cases) {
    DiagnosticOptions options;
    std::optional<std::string> suggestion;
    EXPECT_FALSE(applyWarningOption(options, c.value, suggestion)) << c.value;
    if (c.suggestion)
      EXPECT_EQ(suggestion.value_or("(none)"), c.suggestion) << c.value;
    else
      EXPECT_FALSE(suggestion) << c.value << ": " << *suggestion;
    EXPECT_TRUE(options.groupEnabled.empty());
    EXPECT_TRUE(options.groupAsError.empty());
    EXPECT_FALSE(options.warningsAsErrors);
  }
}

TEST(WarningOptions, Flags) {
  EXPECT_EQ(getWarningFlag("unused-input", false), "-Wunused-input");
  EXPECT_EQ(getWarningFlag("unused-input", true), "-Werror,-Wunused-input");
  EXPECT_EQ(getWarningFlag("", true), "-Werror");
  EXPECT_EQ(getWarningFlag("", false), "");
}

/// Collects what the engine hands on.
class Collector : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &d) override { diagnostics.push_back(d); }
  std::vector<Diagnostic> diagnostics;
};

TEST(WarningOptions, TheEngineAppliesThemAndRecordsTheFlag) {
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(
                            "network N {\n  input mask: [10]\n}\n", "w.net"),
                        llvm::SMLoc());
  llvm::SMLoc loc = llvm::SMLoc::getFromPointer(
      sm.getMemoryBuffer(1)->getBufferStart() + 20);
  Collector collector;
  DiagnosticEngine engine(sm, collector,
                          apply({"error=unused-input", "no-missing-output"}));
  engine.report(loc, diag::warn_unused_input, "mask");
  engine.report(loc, diag::warn_no_output, "N");
  engine.report(loc, diag::warn_no_input, "N");
  ASSERT_EQ(collector.diagnostics.size(), 2u);
  const Diagnostic &asError = collector.diagnostics[0];
  EXPECT_EQ(asError.severity, Severity::Error);
  EXPECT_EQ(asError.flag, "-Werror,-Wunused-input");
  EXPECT_EQ(asError.message,
            "input 'mask' is never used [-Werror,-Wunused-input]");
  EXPECT_EQ(asError.getMessageWithoutFlag(), "input 'mask' is never used");
  const Diagnostic &warning = collector.diagnostics[1];
  EXPECT_EQ(warning.severity, Severity::Warning);
  EXPECT_EQ(warning.flag, "-Wmissing-input");
  EXPECT_EQ(warning.getMessageWithoutFlag(), "network 'N' declares no input");
  EXPECT_EQ(engine.getNumErrors(), 1u);
  EXPECT_EQ(engine.getNumWarnings(), 1u);
}

//===----------------------------------------------------------------------===//
// Through the netc binary
//===----------------------------------------------------------------------===//

class WarningOptionsDriverTest : public netc::testing::NetcProcessTest {
protected:
  WarningOptionsDriverTest() : NetcProcessTest("netc-warnings") {}

  /// A network with an unused input (warning group unused-input) and a
  /// dense layer on a convolution's output (dense-rank).
  std::string twoWarnings() {
    return write("w.net", "network N {\n  input x: [3, 10]\n"
                          "  input mask: [10]\n"
                          "  output y = dense(conv1d(x, 3, kernel=1), 4)\n}\n");
  }
};

const char *const UnusedInput = "input 'mask' is never used";
const char *const DenseRank = "transforms only its last axis";

TEST_F(WarningOptionsDriverTest, PerGroupOptionsShowInTheTextAsClangDoes) {
  std::string file = twoWarnings();
  netc::testing::NetcRun r =
      run({"--emit=none", "-Werror=unused-input", file});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("w.net:3:9: error: input 'mask' is never used "
                       "[-Werror,-Wunused-input]"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: dense on the rank-2 output [3, 10] of conv1d "
                       "transforms only its last axis; did you forget "
                       "flatten()? [-Wdense-rank]"),
            std::string::npos)
      << r.err;

  r = run({"--emit=none", "-Wno-unused-input", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find(UnusedInput), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(DenseRank), std::string::npos) << r.err;

  r = run({"--emit=none", "-Werror", "-Wno-error=dense-rank", file});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("error: input 'mask' is never used "
                       "[-Werror,-Wunused-input]"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: dense on"), std::string::npos) << r.err;

  r = run({"--emit=none", "-Werror", "-Wno-unused-input",
           "-Wno-dense-rank", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");

  r = run({"--emit=none", "-Wno-dense-rank", "-Wdense-rank", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find(DenseRank), std::string::npos) << r.err;

  r = run({"--emit=none", "-w", "-Werror=unused-input", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(WarningOptionsDriverTest, UnknownWarningOptionsWarnWithASuggestion) {
  std::string file = twoWarnings();
  netc::testing::NetcRun r =
      run({"--emit=none", "-Wno-unused-inptu", "-Wfrobnicate", file});
  EXPECT_EQ(r.status, 0) << r.err;
  // As clang: in the group unknown-warning-option.
  EXPECT_NE(r.err.find("netc: warning: unknown warning option "
                       "'-Wno-unused-inptu'; did you mean "
                       "'-Wno-unused-input'? [-Wunknown-warning-option]\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("netc: warning: unknown warning option "
                       "'-Wfrobnicate' [-Wunknown-warning-option]\n"),
            std::string::npos)
      << r.err;
  // The file is still checked.
  EXPECT_NE(r.err.find(UnusedInput), std::string::npos) << r.err;

  // Under -Werror an unknown option is an error of the command line.
  r = run({"--emit=none", "-Werror", "-Wunused-inptu", file});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("netc: error: unknown warning option "
                       "'-Wunused-inptu'; did you mean '-Wunused-input'?"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(UnusedInput), std::string::npos) << r.err;

  // -w silences it, as every warning, and so does its group.
  r = run({"--emit=none", "-w", "-Wfrobnicate", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  r = run({"--emit=none", "-Wno-unknown-warning-option", "-Wfrobnicate",
           file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err.find("frobnicate"), std::string::npos) << r.err;

  // "-W" takes its value attached: "-W FILE" does not take the file as
  // the option's value.
  r = run({"--emit=none", "-W", file});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("for the -W option: requires a value"),
            std::string::npos)
      << r.err;
}

// err_unknown_define: -D naming no parameter, with no name close enough to
// suggest (the coverage test's exemption points here).
TEST_F(WarningOptionsDriverTest, UnknownDefineWithoutSuggestion) {
  std::string file = write("p.net", "network N(size=4) {\n  input x: [size]\n"
                                    "  output y = relu(x)\n}\n");
  netc::testing::NetcRun r = run({"-D", "zzz=3", file});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(r.err, "netc: error: -D zzz: no network in the input has a "
                   "parameter named 'zzz'\n");
  r = run({"--diagnostics-format=json", "-D", "zzz=3", file});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("\"id\": \"err_unknown_define\""), std::string::npos)
      << r.err;
}

} // namespace
