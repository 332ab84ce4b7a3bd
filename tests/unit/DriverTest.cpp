//===- DriverTest.cpp - the netc command line, run as a process -----------===//
//
// Exit statuses (0 clean, 1 input errors, 2 bad usage or unreadable files),
// bad files of every kind, -o written atomically, --network, -Werror, -w and
// --verify-diagnostics, through the real binary.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include "gtest/gtest.h"

#include <fstream>
#include <string>

namespace {

using netc::testing::NetcRun;
using netc::testing::readFile;

class DriverTest : public netc::testing::NetcProcessTest {
protected:
  DriverTest() : NetcProcessTest("netc-driver") {}
};

const char *const CleanNetwork = "network Tiny {\n"
                                 "  input x: [3, 8, 8]\n"
                                 "  y = x |> conv2d(4, kernel=3) |> relu\n"
                                 "  output y\n"
                                 "}\n";

TEST_F(DriverTest, CleanFileExitsZeroAndPrintsTheTable) {
  NetcRun r = run({write("tiny.net", CleanNetwork)});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("network Tiny"), std::string::npos);
  EXPECT_NE(r.out.find("conv2d"), std::string::npos);
}

TEST_F(DriverTest, InputErrorsExitOneAndPrintNoReport) {
  NetcRun r = run({write("bad.net", "network N {\n  input x: [3]\n"
                                "  y = conv2d(x, 4, kernel=3)\n  output y\n}\n")});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("bad.net:3:7: error: conv2d expects a [C, H, W] "
                       "input, got [3]"),
            std::string::npos)
      << r.err;
}

TEST_F(DriverTest, MissingFileIsAUsageError) {
  NetcRun r = run({path("nope.net")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("netc: error: cannot read"), std::string::npos) << r.err;
}

TEST_F(DriverTest, DirectoryIsAUsageError) {
  NetcRun r = run({std::string(dir)});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
}

TEST_F(DriverTest, NoFilesIsAUsageError) {
  NetcRun r = run({});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no input files"), std::string::npos) << r.err;
}

TEST_F(DriverTest, UnknownOptionAndBadValuesAreUsageErrors) {
  std::string file = write("tiny.net", CleanNetwork);
  EXPECT_EQ(run({"--frobnicate", file}).status, 2);
  EXPECT_EQ(run({"--emit=pdf2", file}).status, 2);
  EXPECT_EQ(run({"--batch", "0", file}).status, 2);
  EXPECT_EQ(run({"--dtype", "f8", file}).status, 2);
  EXPECT_EQ(run({"--rankdir", "XY", file}).status, 2);
}

TEST_F(DriverTest, EmptyFileWarns) {
  NetcRun r = run({write("empty.net", "")});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("warning: no network is defined in this file"),
            std::string::npos)
      << r.err;
}

TEST_F(DriverTest, BinaryFileIsALocatedError) {
  NetcRun r = run({write("binary.net", std::string("net\0work\x01\xff", 11))});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("binary.net:1:4: error: file contains a NUL byte"),
            std::string::npos)
      << r.err;
}

TEST_F(DriverTest, HugeLineAndDeepNestingEndCleanly) {
  std::string longLine = "network N {\n  input x: [3]\n  y = relu(x)" +
                         std::string(1 << 20, ' ') + "q\n  output y\n}\n";
  NetcRun a = run({write("long.net", longLine)});
  EXPECT_EQ(a.status, 1);
  EXPECT_LT(a.err.size(), 2000u) << "the long line must be shown abridged";
  std::string deep = "network N {\n  input x: [3]\n  y = " +
                     std::string(100000, '(') + "x" +
                     std::string(100000, ')') + "\n  output y\n}\n";
  NetcRun b = run({write("deep.net", deep)});
  EXPECT_EQ(b.status, 1);
  EXPECT_NE(b.err.find("nested more than 256 levels"), std::string::npos);
}

TEST_F(DriverTest, OutputFileIsWrittenOnlyOnSuccess) {
  std::string out = path("report.json");
  NetcRun ok = run({"--emit=json", "-o", out, write("tiny.net", CleanNetwork)});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "");
  EXPECT_NE(readFile(out).find("\"version\": 2"), std::string::npos);

  std::ofstream(out) << "previous";
  NetcRun bad = run({"--emit=json", "-o", out,
                 write("bad.net", "network N {\n  y = relu(q)\n}\n")});
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(readFile(out), "previous") << "a failed run must not touch -o";
}

TEST_F(DriverTest, NetworkSelection) {
  std::string file = write("two.net", "network A {\n  input x: [4]\n"
                                      "  output y = dense(x, 2)\n}\n"
                                      "network B {\n  input x: [4]\n"
                                      "  output y = dense(x, 3)\n}\n");
  NetcRun b = run({"--network", "B", file});
  EXPECT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(b.out.find("network A"), std::string::npos);
  EXPECT_NE(b.out.find("network B"), std::string::npos);
  NetcRun missing = run({"--network", "C", file});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no network named 'C' in the input; its "
                             "networks are 'A', 'B'"),
            std::string::npos)
      << missing.err;
  NetcRun typo = run({"--network", "b", file});
  EXPECT_EQ(typo.status, 2);
  EXPECT_NE(typo.err.find("no network named 'b' in the input; did you mean "
                          "'B'?"),
            std::string::npos)
      << typo.err;
  // A network of an imported file is not reported; the error says where it
  // is and what to run instead.
  std::string main = write("main.net", "import \"two.net\"\n"
                                       "network M {\n  input x: [4]\n"
                                       "  output y = dense(x, 2)\n}\n");
  NetcRun imported = run({"--network", "A", main});
  EXPECT_EQ(imported.status, 2);
  EXPECT_NE(imported.err.find("network 'A' is defined in the imported file '" +
                              file + "'"),
            std::string::npos)
      << imported.err;
  EXPECT_NE(imported.err.find("; run: netc " + file + " --network A"),
            std::string::npos)
      << imported.err;
}

TEST_F(DriverTest, ChoiceOptionsSuggestTheClosestValue) {
  std::string file = write("small.net", "network N {\n  input x: [4]\n"
                                        "  output y = dense(x, 2)\n}\n");
  struct Case {
    const char *option, *value, *expected;
  } cases[] = {
      {"--optimizer", "Adam",
       "--optimizer must be sgd, momentum, adam, adamw, rmsprop or adagrad, "
       "got 'Adam'; did you mean 'adam'?"},
      {"--rankdir", "lr", "--rankdir must be TB or LR, got 'lr'; did you mean "
                          "'LR'?"},
      {"--units", "mib", "got 'mib'; did you mean 'MiB'?"},
      {"--dtype", "F16", "got 'F16'; did you mean 'f16'?"},
      {"--memory-model", "pytroch", "did you mean 'pytorch'?"},
      // Nothing close: the list alone.
      {"--dtype", "int8", "--dtype must be f32, f16, bf16 or f64, got 'int8'\n"},
      {"--depth", "-1", "--depth must be 1 or more, got -1"},
  };
  for (const Case &c : cases) {
    NetcRun r = run({file, c.option, c.value});
    EXPECT_EQ(r.status, 2) << c.option << " " << c.value;
    EXPECT_NE(r.err.find(c.expected), std::string::npos)
        << c.option << " " << c.value << ": " << r.err;
  }
}

TEST_F(DriverTest, WarningsCanBeErrorsOrSilenced) {
  std::string file = write("warn.net", "network N {\n  input x: [4]\n"
                                       "  input unused: [4]\n"
                                       "  output y = dense(x, 2)\n}\n");
  NetcRun plain = run({file});
  EXPECT_EQ(plain.status, 0);
  EXPECT_NE(plain.err.find("warning: input 'unused' is never used "
                           "[-Wunused-input]"),
            std::string::npos)
      << plain.err;
  NetcRun werror = run({"-Werror", file});
  EXPECT_EQ(werror.status, 1);
  EXPECT_NE(werror.err.find("error: input 'unused' is never used "
                            "[-Werror,-Wunused-input]"),
            std::string::npos)
      << werror.err;
  NetcRun quiet = run({"-w", file});
  EXPECT_EQ(quiet.status, 0);
  EXPECT_EQ(quiet.err, "");
}

TEST_F(DriverTest, VerifyDiagnosticsPassesAndFails) {
  std::string good = write("good.net",
                           "network N {\n"
                           "  input x: [3]\n"
                           "  y = relu(q)  # expected-error {{'q' is not "
                           "defined}}\n"
                           "  output z = relu(x)\n"
                           "}\n");
  EXPECT_EQ(run({"--verify-diagnostics", good}).status, 0);
  std::string bad = write("bad.net", "network N {\n"
                                     "  input x: [3]\n"
                                     "  y = relu(q)\n"
                                     "  # expected-warning {{never}}\n"
                                     "  output z = relu(x)\n"
                                     "}\n");
  NetcRun r = run({"--verify-diagnostics", bad});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("unexpected error: 'q' is not defined"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("expected warning was not produced on line 4"),
            std::string::npos)
      << r.err;
  // @N is an absolute line, as in clang; @-N may not reach above line 1.
  std::string lines = write("lines.net",
                            "network N {\n"
                            "  input x: [3]\n"
                            "  y = relu(q)\n"
                            "  output z = relu(x)\n"
                            "}\n"
                            "# expected-error@3 {{'q' is not defined}}\n");
  EXPECT_EQ(run({"--verify-diagnostics", lines}).status, 0);
  NetcRun above = run({"--verify-diagnostics",
                       write("above.net", "# expected-error@-2 {{x}}\n")});
  EXPECT_EQ(above.status, 1);
  EXPECT_NE(above.err.find("the line offset goes before the first line"),
            std::string::npos)
      << above.err;
}

TEST_F(DriverTest, DefinesSetParametersAndTyposAreCaught) {
  std::string file = write("p.net", "network N(size=8) {\n"
                                    "  input x: [3, size, size]\n"
                                    "  output y = relu(x)\n}\n");
  NetcRun set = run({"-D", "size=16", file});
  EXPECT_EQ(set.status, 0) << set.err;
  EXPECT_NE(set.out.find("input x: [3, 16, 16]"), std::string::npos)
      << set.out;
  NetcRun typo = run({"-D", "sise=16", file});
  EXPECT_EQ(typo.status, 1);
  EXPECT_NE(typo.err.find("netc: error: -D sise: no network in the input "
                          "has a parameter named 'sise'; did you mean "
                          "'size'?"),
            std::string::npos)
      << typo.err;
  NetcRun bad = run({"-D", "size", file});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("-D expects name=value"), std::string::npos);
}

TEST_F(DriverTest, DepthCollapsesBlockCalls) {
  std::string file = write("b.net", "block cbr(x, c) {\n"
                                    "  return x |> conv2d(c, kernel=3) |> "
                                    "batchnorm |> relu\n}\n"
                                    "network N {\n  input x: [3, 8, 8]\n"
                                    "  a = cbr(x, 4)\n  output y = cbr(a, 8)\n}\n");
  NetcRun full = run({file});
  EXPECT_NE(full.out.find("a.conv2d"), std::string::npos) << full.out;
  NetcRun collapsed = run({"--depth", "1", file});
  EXPECT_EQ(collapsed.status, 0) << collapsed.err;
  // No row of the call's layers (the peak's note may still name one).
  EXPECT_EQ(collapsed.out.find("\na.conv2d "), std::string::npos);
  // conv2d 4*3*9+4 = 112 plus batchnorm 8: one row for the call.
  bool found = false;
  llvm::SmallVector<llvm::StringRef, 32> lines;
  llvm::StringRef(collapsed.out).split(lines, '\n');
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef, 8> cells;
    line.split(cells, ' ', -1, /*KeepEmpty=*/false);
    // "a", "cbr", "[4,", "6,", "6]", "120", ...
    if (cells.size() >= 6 && cells[0] == "a" && cells[1] == "cbr")
      found = cells[5] == "120";
  }
  EXPECT_TRUE(found) << collapsed.out;
}

TEST_F(DriverTest, OptimizerPrecisionShardingAndFit) {
  std::string resnet50 = std::string(NETC_SOURCE_DIR) + "/examples/resnet50.net";
  NetcRun r = run({resnet50, "--optimizer", "adam", "--precision", "mixed",
                   "--fit", "80GiB"});
  EXPECT_EQ(r.status, 0) << r.err;
  // 25,557,032 parameters x 16 B of mixed-precision Adam states, plus the
  // f32 running statistics: the fixed part.
  EXPECT_NE(r.out.find("\n  optimizer "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 25,557,032 x 12 B "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("409,124,992 B + 112,105,376 B x batch"),
            std::string::npos)
      << r.out;
  // floor((80 GiB - 409,124,992) / 112,105,376) = 762.
  // The answer comes with its derivation, without --explain.
  EXPECT_NE(r.out.find("largest batch within 80GiB (85,899,345,920 B): 762\n"
                       "    floor((85,899,345,920 - 409,124,992) / "
                       "112,105,376) = 762\n"),
            std::string::npos)
      << r.out;
  // f32 and momentum: 25,557,032 x 12 + 53,120 x 4 = 306,896,864 fixed;
  // 100 MiB = 104,857,600.
  NetcRun small = run({resnet50, "--fit", "100MiB"});
  EXPECT_NE(small.out.find("not even batch 1 fits within 100MiB"),
            std::string::npos)
      << small.out;
  EXPECT_NE(small.out.find("\n    batch 1 needs 306,896,864 + "),
            std::string::npos)
      << small.out;
  EXPECT_EQ(run({resnet50, "--optimizer", "adamm"}).status, 2);
  // Mixed precision names its 16-bit type: f16, or bf16 if asked; a 32- or
  // 64-bit --dtype contradicts it.
  EXPECT_NE(r.out.find(", f16 (2 bytes), memory model: classic, optimizer "
                       "adam, mixed precision"),
            std::string::npos)
      << r.out;
  NetcRun bf16 = run({resnet50, "--precision", "mixed", "--dtype", "bf16"});
  EXPECT_EQ(bf16.status, 0) << bf16.err;
  EXPECT_NE(bf16.out.find(", bf16 (2 bytes), "), std::string::npos);
  NetcRun f64 = run({resnet50, "--precision", "mixed", "--dtype", "f64"});
  EXPECT_EQ(f64.status, 2);
  EXPECT_NE(f64.err.find("--precision mixed keeps weights, gradients and "
                         "activations in 16 bits, which --dtype f64 "
                         "contradicts"),
            std::string::npos)
      << f64.err;
  EXPECT_EQ(run({resnet50, "--zero", "4"}).status, 2);
  EXPECT_EQ(run({resnet50, "--fit", "lots"}).status, 2);
  EXPECT_EQ(run({resnet50, "--precision", "half"}).status, 2);
}

TEST_F(DriverTest, MemoryModelUnitsAndExplain) {
  std::string resnet18 = std::string(NETC_SOURCE_DIR) + "/examples/resnet18.net";
  NetcRun pytorch = run({resnet18, "--memory-model=pytorch", "--batch=4"});
  EXPECT_EQ(pytorch.status, 0) << pytorch.err;
  EXPECT_NE(pytorch.out.find("memory model: pytorch"), std::string::npos);
  // 22,256,640 B per sample, as torch 1.13 measures (TorchReferenceTest).
  EXPECT_NE(pytorch.out.find("22,256,640 B x 4"), std::string::npos)
      << pytorch.out;
  EXPECT_NE(pytorch.out.find("activations (peak)"), std::string::npos);

  NetcRun classic = run({resnet18});
  EXPECT_NE(classic.out.find("memory model: classic"), std::string::npos);
  EXPECT_NE(classic.out.find("peak by liveness"), std::string::npos);
  EXPECT_NE(classic.out.find("B x batch"), std::string::npos);
  EXPECT_EQ(classic.out.find("how the figures are derived"), std::string::npos);

  NetcRun explained = run({resnet18, "--explain", "--units=MB"});
  EXPECT_EQ(explained.status, 0) << explained.err;
  EXPECT_NE(explained.out.find("how the figures are derived"),
            std::string::npos);
  // 5,922,280 x 2 x 4 B = 47,378,240 B = 47.38 MB.
  EXPECT_NE(explained.out.find("activations: 5,922,280 x 2 x 4 B = 47,378,240 "
                               "B / 1000^2 = 47.38 MB per sample"),
            std::string::npos)
      << explained.out;

  NetcRun badModel = run({resnet18, "--memory-model=torch"});
  EXPECT_EQ(badModel.status, 2);
  EXPECT_NE(badModel.err.find("--memory-model must be classic or pytorch"),
            std::string::npos);
  NetcRun badUnits = run({resnet18, "--units=mib"});
  EXPECT_EQ(badUnits.status, 2);
  EXPECT_NE(badUnits.err.find("--units must be auto, B, KiB"),
            std::string::npos);
  NetcRun explainJson = run({resnet18, "--explain", "--emit=json"});
  EXPECT_EQ(explainJson.status, 2);
}

TEST_F(DriverTest, VersionAndHelp) {
  NetcRun v = run({"--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("netc "), std::string::npos);
  NetcRun h = run({"--help"});
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("--emit"), std::string::npos);
  EXPECT_NE(h.out.find("--batch"), std::string::npos);
}

TEST_F(DriverTest, EveryFormatRuns) {
  std::string file = write("tiny.net", CleanNetwork);
  for (const char *format : {"table", "json", "csv", "markdown", "dot", "ast"}) {
    NetcRun r = run({std::string("--emit=") + format, file});
    EXPECT_EQ(r.status, 0) << format << ": " << r.err;
    EXPECT_FALSE(r.out.empty()) << format;
  }
}

} // namespace

namespace {

/// A network with \p n independent mistakes, one per line.
std::string fileWithMistakes(int n) {
  std::string text = "network N {\n  input x: [4]\n";
  for (int i = 0; i < n; ++i)
    text += "  y" + std::to_string(i) + " = relu(x, bogus=1)\n";
  return text + "  output z = relu(x)\n}\n";
}

size_t countOf(const std::string &text, const std::string &what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++count;
  return count;
}

} // namespace

// As clang's -ferror-limit: 20 errors by default, then one line saying the
// rest are not shown; the exit status still says the input has errors.
TEST_F(DriverTest, ErrorLimit) {
  std::string file = write("many.net", fileWithMistakes(30));
  const std::string mistake = "error: unknown keyword argument 'bogus' for relu";
  const std::string limit =
      "error: the error limit (20) is reached; later errors are not shown "
      "(raise the limit with --error-limit, 0 for none)";
  NetcRun byDefault = run({"--emit=none", file});
  EXPECT_EQ(byDefault.status, 1);
  EXPECT_EQ(countOf(byDefault.err, mistake), 20u) << byDefault.err;
  EXPECT_EQ(countOf(byDefault.err, limit), 1u) << byDefault.err;

  NetcRun all = run({"--emit=none", "--error-limit=0", file});
  EXPECT_EQ(all.status, 1);
  EXPECT_EQ(countOf(all.err, mistake), 30u);
  EXPECT_EQ(all.err.find("error limit"), std::string::npos);

  NetcRun five = run({"--emit=none", "--error-limit=5", file});
  EXPECT_EQ(countOf(five.err, mistake), 5u);
  EXPECT_NE(five.err.find("error: the error limit (5) is reached"),
            std::string::npos);

  // Under the limit, nothing changes.
  NetcRun few = run({"--emit=none", write("few.net", fileWithMistakes(20))});
  EXPECT_EQ(countOf(few.err, mistake), 20u);
  EXPECT_EQ(few.err.find("error limit"), std::string::npos);
}

// A test file may expect more errors than the default limit.
TEST_F(DriverTest, VerifyDiagnosticsHasNoErrorLimit) {
  std::string text = fileWithMistakes(30);
  for (size_t at = text.find("bogus=1)"); at != std::string::npos;
       at = text.find("bogus=1)", at + 1))
    text.insert(text.find('\n', at),
                "  # expected-error {{unknown keyword argument 'bogus'}} "
                "expected-note {{relu(x, inplace=true)}}");
  NetcRun r = run({"--verify-diagnostics", write("verify.net", text)});
  EXPECT_EQ(r.status, 0) << r.err;
}
