//===- RenderTest.cpp - --emit=svg|png|pdf through Graphviz's library -----===//
//
// renderGraphviz in-process: each format's signature, byte-identical SVG,
// DOT problems as errors, the time limit, warnings captured instead of
// printed. Then the driver as a process: every example renders to SVG
// without a message, PNG and PDF to -o and to a pipe, diagrams too big to
// draw refused, --render-timeout, the one-network rule, a missing plugin
// named, and nothing Graphviz's libraries print reaching standard error
// unwrapped.
// Kept fast: every example as SVG, PNG and PDF (cairo) for small ones only.
//
//===----------------------------------------------------------------------===//
#include "netc/Emit/Emitters.h"

#include "NetcProcess.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <chrono>
#include <string>
#include <vector>

using namespace netc;

namespace {

const char *const SmallDot = "digraph Small {\n"
                             "  node [shape=box, fontname=\"Helvetica\"];\n"
                             "  a [label=\"input\"];\n"
                             "  b [label=\"conv2d 3x3, 64\"];\n"
                             "  a -> b [label=\"[3, 8, 8]\"];\n"
                             "}\n";

bool startsWith(const std::string &text, llvm::StringRef prefix) {
  return llvm::StringRef(text).startswith(prefix);
}

const llvm::StringRef PngMagic("\x89PNG\r\n\x1a\n", 8);

std::string joined(const std::vector<std::string> &lines) {
  std::string text;
  for (const std::string &line : lines)
    text += line + "\n";
  return text;
}

//===----------------------------------------------------------------------===//
// renderGraphviz, in-process
//===----------------------------------------------------------------------===//

TEST(Render, EachFormatHasItsSignatureAndNoWarnings) {
  for (llvm::StringRef format : {"svg", "png", "pdf"}) {
    std::string out, error;
    std::vector<std::string> warnings;
    ASSERT_TRUE(renderGraphviz(SmallDot, format, out, error, &warnings))
        << format.str() << ": " << error;
    EXPECT_EQ(error, "");
    EXPECT_EQ(joined(warnings), "") << format.str();
    if (format == "svg") {
      EXPECT_TRUE(startsWith(out, "<?xml")) << out.substr(0, 80);
      EXPECT_NE(out.find("<svg"), std::string::npos);
      EXPECT_NE(out.find("conv2d 3x3, 64"), std::string::npos);
    } else if (format == "png") {
      EXPECT_TRUE(startsWith(out, PngMagic));
    } else {
      EXPECT_TRUE(startsWith(out, "%PDF-"));
    }
  }
}

TEST(Render, SvgIsByteIdentical) {
  std::string first, second, error;
  ASSERT_TRUE(renderGraphviz(SmallDot, "svg", first, error)) << error;
  ASSERT_TRUE(renderGraphviz(SmallDot, "svg", second, error)) << error;
  EXPECT_EQ(first, second);
}

TEST(Render, DotSyntaxErrorIsAnError) {
  std::string out = "stale", error;
  std::vector<std::string> warnings;
  EXPECT_FALSE(renderGraphviz("digraph Broken {\n  a -> ;\n}\n", "svg", out,
                              error, &warnings));
  EXPECT_EQ(out, "");
  EXPECT_NE(error.find("Graphviz could not read the DOT text"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("syntax error in line 2"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << "one line: " << error;
  // A second broken text is numbered from its own first line, not from
  // where the previous one stopped.
  EXPECT_FALSE(renderGraphviz("digraph Broken {\n  a -> ;\n}\n", "svg", out,
                              error, &warnings));
  EXPECT_NE(error.find("syntax error in line 2"), std::string::npos) << error;
  // The next rendering starts clean.
  EXPECT_TRUE(renderGraphviz(SmallDot, "svg", out, error)) << error;
}

TEST(Render, NoGraphIsAnError) {
  std::string out, error;
  EXPECT_FALSE(renderGraphviz("", "svg", out, error));
  EXPECT_NE(error.find("no graph"), std::string::npos) << error;
}

TEST(Render, UnknownFormatIsAnError) {
  std::string out, error;
  EXPECT_FALSE(renderGraphviz(SmallDot, "gif", out, error));
  EXPECT_NE(error.find("svg, png and pdf"), std::string::npos) << error;
  EXPECT_TRUE(isGraphvizImageFormat("png"));
  EXPECT_FALSE(isGraphvizImageFormat("dot"));
}

/// DOT of the loop, `x = x + x0` run \p steps times: every step
/// also reads the first node, so each of those edges skips one row more
/// than the last, and dot's layout takes minutes at 100 steps.
std::string denseDot(int steps) {
  std::string dot = "digraph Dense {\n  node [shape=box];\n";
  for (int i = 1; i <= steps; ++i)
    dot += "  n" + std::to_string(i - 1) + " -> n" + std::to_string(i) +
           " [label=\"4\"];\n  n0 -> n" + std::to_string(i) +
           " [label=\"4\"];\n";
  return dot + "}\n";
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

TEST(Render, TimeLimitStopsTheLayout) {
  std::string out = "stale", error;
  std::vector<std::string> warnings;
  bool timedOut = false;
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(renderGraphviz(denseDot(100), "svg", out, error, &warnings,
                              0.5, &timedOut));
  double seconds = secondsSince(start);
  EXPECT_TRUE(timedOut);
  EXPECT_EQ(out, "");
  EXPECT_EQ(error,
            "Graphviz did not finish laying out the diagram within 0.5 s");
  EXPECT_EQ(joined(warnings), "");
  // Stopped at the limit, not minutes later when the layout would end.
  EXPECT_LT(seconds, 10.0);
  // The next rendering is not affected, and without a limit it finishes.
  EXPECT_TRUE(
      renderGraphviz(SmallDot, "svg", out, error, nullptr, 0, &timedOut))
      << error;
  EXPECT_FALSE(timedOut);
  EXPECT_TRUE(startsWith(out, "<?xml"));
}

TEST(Render, WarningsAreCapturedNotPrinted) {
  std::string out, error;
  std::vector<std::string> warnings;
  ::testing::internal::CaptureStderr();
  bool ok = renderGraphviz("digraph W { a [shape=nosuchshape]; }", "svg", out,
                           error, &warnings);
  std::string printed = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(ok) << error;
  EXPECT_EQ(printed, "");
  ASSERT_EQ(warnings.size(), 1u) << joined(warnings);
  EXPECT_EQ(warnings[0], "Graphviz: using box for unknown shape nosuchshape");
}

//===----------------------------------------------------------------------===//
// The driver, as a process
//===----------------------------------------------------------------------===//

using netc::testing::NetcRun;
using netc::testing::readFile;

std::string example(llvm::StringRef name) {
  return (llvm::Twine(NETC_SOURCE_DIR) + "/examples/" + name + ".net").str();
}

class RenderDriver : public netc::testing::NetcProcessTest {
protected:
  RenderDriver() : NetcProcessTest("netc-render") {}
};

class RenderExample : public RenderDriver,
                      public ::testing::WithParamInterface<const char *> {};

// Every example, as SVG on standard output: no message at all.
TEST_P(RenderExample, SvgWithoutWarnings) {
  NetcRun r = run({"--emit=svg", example(GetParam())});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(startsWith(r.out, "<?xml")) << r.out.substr(0, 80);
  EXPECT_NE(r.out.find("<svg"), std::string::npos);
  EXPECT_TRUE(llvm::StringRef(r.out).endswith("</svg>\n"));
}

INSTANTIATE_TEST_SUITE_P(Examples, RenderExample,
                         ::testing::Values("lenet5", "alexnet", "vgg16",
                                           "captcha", "resnet18", "resnet50",
                                           "mobilenet_v2", "unet"),
                         [](const auto &info) {
                           return std::string(info.param);
                         });

// PNG and PDF to -o (written atomically), and PNG to a pipe, for LeNet-5;
// PDF for ResNet-18 too (block clusters). cairo makes large PNGs slow
// (ResNet-50: 0.75 s), so the big examples are drawn as SVG only.
TEST_F(RenderDriver, PngAndPdf) {
  std::string png = path("out.png"), pdf = path("out.pdf");
  NetcRun r = run({"--emit=png", "-o", png, example("lenet5")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(startsWith(readFile(png), PngMagic));

  for (const char *name : {"lenet5", "resnet18"}) {
    llvm::sys::fs::remove(pdf);
    r = run({"--emit=pdf", "-o", pdf, example(name)});
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_EQ(r.err, "") << name;
    EXPECT_TRUE(startsWith(readFile(pdf), "%PDF-")) << name;
  }

  // Standard output is a file here, not a terminal: allowed.
  r = run({"--emit=png", example("lenet5")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(startsWith(r.out, PngMagic));
}

TEST(Render, PdfCreationDateIsRewrittenInPlace) {
  // 1700000000 is 2023-11-14 22:13:20 UTC.
  std::string utc = "<< /CreationDate (D:20261128132753Z)\n>>";
  ASSERT_TRUE(setPdfCreationDate(utc, 1700000000));
  EXPECT_EQ(utc, "<< /CreationDate (D:20231114221320Z)\n>>");
  std::string local = "<< /CreationDate (D:20261128142809+01'00)\n>>";
  ASSERT_TRUE(setPdfCreationDate(local, 1700000000));
  EXPECT_EQ(local, "<< /CreationDate (D:20231114221320+00'00)\n>>");
  std::string epoch = "/CreationDate (D:20261128132753Z)";
  ASSERT_TRUE(setPdfCreationDate(epoch, 0));
  EXPECT_EQ(epoch, "/CreationDate (D:19700101000000Z)");
  // Nothing recognisable, or a time with no four-digit year: unchanged.
  for (std::string odd : {std::string("%PDF-1.5 no date"),
                          std::string("/CreationDate (D:2026)"),
                          std::string("/CreationDate (D:2026112813275xZ)"),
                          std::string("/CreationDate (D:20261128132753+01)")}) {
    std::string copy = odd;
    EXPECT_FALSE(setPdfCreationDate(copy, 1700000000)) << odd;
    EXPECT_EQ(copy, odd);
  }
  std::string late = utc;
  EXPECT_FALSE(setPdfCreationDate(late, 253402300800));
  EXPECT_FALSE(setPdfCreationDate(late, -1));
  EXPECT_EQ(late, utc);
}

TEST_F(RenderDriver, PdfIsReproducibleWithSourceDateEpoch) {
  // cairo stamps the current time; SOURCE_DATE_EPOCH replaces it, in every
  // time zone (CET-1 is a POSIX zone an hour east, which needs no tzdata),
  // so two runs give the same bytes.
  std::string first = path("first.pdf"), second = path("second.pdf");
  NetcRun r = run({"--emit=pdf", "-o", first, example("lenet5")},
                  {"SOURCE_DATE_EPOCH=1700000000", "TZ=UTC"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(readFile(first).find("/CreationDate (D:20231114221320Z)"),
            std::string::npos);
  r = run({"--emit=pdf", "-o", second, example("lenet5")},
          {"SOURCE_DATE_EPOCH=1700000000", "TZ=CET-1"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string paris = readFile(second);
  EXPECT_NE(paris.find("/CreationDate (D:20231114221320+00'00)"),
            std::string::npos);
  r = run({"--emit=pdf", "-o", second, example("lenet5")},
          {"SOURCE_DATE_EPOCH=1700000000", "TZ=UTC"});
  EXPECT_EQ(readFile(first), readFile(second));

  r = run({"--emit=pdf", "-o", path("bad.pdf"), example("lenet5")},
          {"SOURCE_DATE_EPOCH=yesterday"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("SOURCE_DATE_EPOCH must be a whole number of seconds "
                       "since 1970 (up to the year 9999), not 'yesterday'"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(llvm::sys::fs::exists(path("bad.pdf")));
}

/// The network, `x = x + x0` a hundred times: Graphviz took
/// minutes over its diagram.
const char *const DenseLoop = "network Dense(steps=100) {\n"
                              "  input x0: [4]\n"
                              "  x = x0\n"
                              "  for i in 0..steps { x = x + x0 }\n"
                              "  output y = x\n"
                              "}\n";

// Refused at once, at the network's name, with its size; --emit=dot still
// writes it, and a smaller loop draws.
TEST_F(RenderDriver, TooBigDiagramIsRefusedAtTheNetwork) {
  std::string file = write("dense.net", DenseLoop);
  std::string svg = path("dense.svg");
  auto start = std::chrono::steady_clock::now();
  NetcRun r = run({"--emit=svg", "-o", svg, file});
  EXPECT_LT(secondsSince(start), 10.0);
  EXPECT_EQ(r.status, 2);
  // 101 nodes; 199 edges: x0 + x0, then two a step; the 99 edges of the
  // chain span a row each, those from x0 1 + 2 + ... + 100.
  EXPECT_EQ(r.err,
            file + ":1:9: error: the diagram of network 'Dense' is too big "
                   "for Graphviz to lay out readably: 101 nodes, and 199 "
                   "edges spanning 5,149 rows, make a size of 5,250, over the "
                   "limit of " +
                formatWithSeparators(MaxDiagramSize) +
                "; write --emit=dot and lay it out yourself\n"
                "network Dense(steps=100) {\n"
                "        ^~~~~\n");
  EXPECT_FALSE(llvm::sys::fs::exists(svg));

  r = run({"--emit=dot", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("n100 [label="), std::string::npos);

  r = run({"--emit=svg", "-D", "steps=20", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(startsWith(r.out, "<?xml"));
}

// The same loop in block calls: the error names the --depth that fits,
// and that depth draws.
TEST_F(RenderDriver, TooBigDiagramSuggestsADepthThatFits) {
  std::string file = write("blocks.net", "block ten(x, x0) {\n"
                                         "  for i in 0..10 { x = x + x0 }\n"
                                         "  return x\n"
                                         "}\n"
                                         "network Calls {\n"
                                         "  input x0: [4]\n"
                                         "  x = x0\n"
                                         "  for i in 0..10 { x = ten(x, x0) }\n"
                                         "  output y = x\n"
                                         "}\n");
  NetcRun r = run({"--emit=pdf", "-o", path("calls.pdf"), file});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(startsWith(r.err, file + ":5:9: error: the diagram of network "
                                       "'Calls' is too big"))
      << r.err;
  EXPECT_NE(r.err.find("; draw it with --depth 1 (size "), std::string::npos)
      << r.err;

  r = run({"--emit=pdf", "--depth", "1", "-o", path("calls.pdf"), file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(startsWith(readFile(path("calls.pdf")), "%PDF-"));
}

// --render-timeout stops Graphviz: a diagram within the size limit that
// takes a while to lay out, stopped after a millisecond, well before it
// would have been drawn.
TEST_F(RenderDriver, RenderTimeoutStopsGraphviz) {
  std::string file = write("dense.net", DenseLoop);
  auto start = std::chrono::steady_clock::now();
  NetcRun r = run({"--emit=svg", "-D", "steps=40", file});
  double drawing = secondsSince(start);
  ASSERT_EQ(r.status, 0) << r.err;

  std::string svg = path("dense.svg");
  start = std::chrono::steady_clock::now();
  r = run({"--emit=svg", "-D", "steps=40", "--render-timeout=0.001", "-o",
           svg, file});
  double stopped = secondsSince(start);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "netc: error: Graphviz did not finish laying out the "
                   "diagram within 0.001 s and was stopped; draw less of it "
                   "with --depth, allow more time with --render-timeout, or "
                   "write --emit=dot and lay it out with Graphviz's dot "
                   "program\n");
  EXPECT_FALSE(llvm::sys::fs::exists(svg));
  EXPECT_LT(stopped, drawing / 2) << "drawn in " << drawing << " s";

  // 0 is no limit; a negative time is refused.
  r = run({"--emit=svg", "--render-timeout=0", example("lenet5")});
  EXPECT_EQ(r.status, 0) << r.err;
  r = run({"--emit=svg", "--render-timeout=-1", example("lenet5")});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "netc: error: --render-timeout must be a number of "
                   "seconds from 0 (no limit) to 86400, got -1\n");
}

const char *const TwoNetworks = "network First {\n"
                                "  input x: [3, 8, 8]\n"
                                "  output y = x |> conv2d(4, kernel=3)\n"
                                "}\n"
                                "network Second {\n"
                                "  input x: [16]\n"
                                "  output y = dense(x, 4)\n"
                                "}\n";

TEST_F(RenderDriver, SeveralNetworksNeedNetwork) {
  std::string file = write("two.net", TwoNetworks);
  std::string png = path("two.png");
  NetcRun r = run({"--emit=png", "-o", png, file});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "netc: error: --emit=png draws one network, and the "
                   "input has 2 (First, Second); choose one with --network "
                   "NAME\n");
  EXPECT_FALSE(llvm::sys::fs::exists(png));

  r = run({"--emit=svg", "--network", "Second", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<title>Second</title>"), std::string::npos);
}

TEST_F(RenderDriver, FileWithoutNetworksIsAnError) {
  std::string file = write("blocks.net", "const width = 4\n");
  NetcRun r = run({"--emit=svg", file});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("the input has none"), std::string::npos) << r.err;
}

// Graphviz with its core and dot layout plugins only (a GVBINDIR of our
// own): SVG renders, PNG names the missing cairo plugin and its package.
TEST_F(RenderDriver, MissingPluginIsNamed) {
  std::string plugins = NETC_GRAPHVIZ_PLUGIN_DIR;
  if (!llvm::sys::fs::exists(plugins + "/libgvplugin_core.so.6"))
    GTEST_SKIP() << "no Graphviz 2.x plugins in " << plugins;
  write("config6a", plugins +
                        "/libgvplugin_core.so.6 core {\n"
                        "\trender {\n\t\tsvg 1\n\t}\n"
                        "\tdevice {\n\t\tsvg:svg 1\n\t}\n"
                        "}\n" +
                        plugins +
                        "/libgvplugin_dot_layout.so.6 dot_layout {\n"
                        "\tlayout {\n\t\tdot 0\n\t}\n"
                        "}\n");
  std::string gvbindir = "GVBINDIR=" + std::string(dir);
  std::string png = path("lenet5.png");
  NetcRun r = run({"--emit=png", "-o", png, example("lenet5")}, {gvbindir});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(startsWith(r.err, "netc: error: Graphviz could not write png: "))
      << r.err;
  EXPECT_NE(r.err.find("cairo plugin (libgvplugin_pango.so.6, Debian "
                       "package libgvc6)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(llvm::sys::fs::exists(png));

  r = run({"--emit=svg", example("lenet5")}, {gvbindir});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(startsWith(r.out, "<?xml"));

  // Without the dot layout plugin: the layout step fails, named.
  write("config6a", "");
  r = run({"--emit=svg", example("lenet5")}, {gvbindir});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("Graphviz could not lay out the diagram"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("dot_layout plugin"), std::string::npos) << r.err;
}

// What Graphviz's libraries print directly (here fontconfig, without its
// configuration) comes out as netc's own warning; -Werror makes it an error
// and writes nothing.
TEST_F(RenderDriver, LibraryMessagesBecomeNetcMessages) {
  std::string nofont = "FONTCONFIG_FILE=" + path("no-such-fonts.conf");
  std::string png = path("lenet5.png");
  NetcRun r = run({"--emit=png", "-o", png, example("lenet5")}, {nofont});
  EXPECT_EQ(r.status, 0) << r.err;
  llvm::SmallVector<llvm::StringRef, 4> lines;
  llvm::StringRef(r.err).split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines)
    EXPECT_TRUE(line.startswith("netc: warning: Graphviz: ")) << line.str();
  if (lines.empty())
    GTEST_SKIP() << "fontconfig printed nothing without its configuration";

  r = run({"-Werror", "--emit=png", "-o", png + "2", example("lenet5")},
          {nofont});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_TRUE(startsWith(r.err, "netc: error: Graphviz: ")) << r.err;
  EXPECT_FALSE(llvm::sys::fs::exists(png + "2"));
}

} // namespace
