//===- LanguageTest.cpp - blocks, loops, conditions, values, imports ------===//
//
// Checks the elaborated graphs of small programs: layer and scope names
// (b.y, x.0.y), compile-time arithmetic, conditions and loops, tuple
// unpacking, shape queries, network parameters and -D overrides, imports
// from files, and the call-stack notes of errors inside blocks.
//
//===----------------------------------------------------------------------===//
#include "netc/Check/Checker.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <fstream>
#include <set>

using namespace netc;

namespace {

/// The result of checking one program.
struct Checked {
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<ast::Module> module;
  CheckedModule result;
  std::string diagnostics;
  unsigned errors = 0;

  const Graph &graph(size_t i = 0) const { return result.graphs.at(i); }
  /// The layer named \p name, or null.
  const Layer *layer(llvm::StringRef name) const {
    for (const Layer &l : graph().layers)
      if (l.name == name)
        return &l;
    return nullptr;
  }
  int64_t trainable() const {
    int64_t n = 0;
    for (const Layer &l : graph().layers)
      n += l.params.trainable;
    return n;
  }
};

std::unique_ptr<Checked> check(llvm::StringRef source,
                               llvm::StringRef path = "lang.net",
                               CheckOptions options = {}) {
  auto c = std::make_unique<Checked>();
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(source, path);
  c->sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  llvm::raw_string_ostream os(c->diagnostics);
  TextDiagnosticPrinter printer(c->sourceMgr, os, false);
  DiagnosticEngine diags(c->sourceMgr, printer);
  c->module = parseModule(1, diags);
  if (c->module)
    c->result = checkModule(*c->module, diags, options);
  c->errors = diags.getNumErrors();
  os.flush();
  return c;
}

const char *const Bottleneck = R"(
block bottleneck(x, width, stride=1, expansion=4) {
  out = width * expansion
  y = x |> conv2d(width, kernel=1, bias=false) |> batchnorm |> relu
  y = y |> conv2d(width, kernel=3, stride=stride, padding=1, bias=false) |> batchnorm |> relu
  y = y |> conv2d(out, kernel=1, bias=false) |> batchnorm
  shortcut = x
  if stride != 1 or channels(x) != out {
    shortcut = x |> conv2d(out, kernel=1, stride=stride, bias=false) |> batchnorm
  }
  return relu(y + shortcut)
}
)";

TEST(Language, BlockCallsNameTheirLayersUnderTheBinding) {
  auto c = check(std::string(Bottleneck) + R"(
network N {
  input image: [64, 56, 56]
  b = bottleneck(image, 64)
  for i in 0..2 { x = bottleneck(b, 64) }
  output o = x
}
)");
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  EXPECT_TRUE(c->layer("b.y_conv2d"));
  EXPECT_TRUE(c->layer("b.shortcut")); // the projection (64 != 256 channels)
  EXPECT_TRUE(c->layer("b.add"));
  EXPECT_TRUE(c->layer("x.0.y_conv2d"));
  EXPECT_TRUE(c->layer("x.1.relu"));
  EXPECT_FALSE(c->layer("x.0.shortcut")) << "no projection: 256 == 256";
  ASSERT_EQ(c->graph().scopes.size(), 3u);
  EXPECT_EQ(c->graph().scopes[1].name, "x.0");
  EXPECT_EQ(c->graph().scopes[1].block, "bottleneck");
  EXPECT_EQ(c->layer("x.1.relu")->type.str(), "[256, 56, 56]");
}

TEST(Language, ResNet50StageFiguresMatchTorchvision) {
  // torchvision resnet50.layer1 has 215,808 trainable parameters.
  auto c = check(std::string(Bottleneck) + R"(
network Layer1 {
  input x: [64, 56, 56]
  for i in 0..3 { x = bottleneck(x, 64) }
  output o = x
}
)");
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  EXPECT_EQ(c->trainable(), 215'808);
}

TEST(Language, IntegerArithmeticIsExact) {
  auto c = check(R"(
const A = 7 // 2
const B = -7 // 2
const C = -7 % 3
const D = min(4, A * 2, 9) + max((1, 5, 3))
network N {
  input x: [A, B + 10, C + D]
  output o = relu(x)
}
)");
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  // 7 // 2 = 3, -7 // 2 = -4 (floor), -7 % 3 = 2, min(4, 6, 9) + 5 = 9.
  EXPECT_EQ(c->graph().layers[0].type.str(), "[3, 6, 11]");
}

TEST(Language, InexactDivisionNamesBothValues) {
  auto c = check("network N {\n  input x: [7 / 2]\n  output o = relu(x)\n}\n");
  EXPECT_EQ(c->errors, 1u);
  EXPECT_NE(c->diagnostics.find("error: 7 / 2 is not exact; use // for floor "
                                "division"),
            std::string::npos)
      << c->diagnostics;
}

TEST(Language, ShapeQueriesAndUnpacking) {
  auto c = check(R"(
block halves(x) {
  a, b = split(x, (channels(x) // 2, channels(x) // 2))
  return (a, b)
}
network N {
  input x: [8, 4, 6]
  a, b = halves(x)
  y = dense(flatten(a), x.shape[1] * x.shape[-1] + rank(x))
  output o = concat(y, y)
  output p = b
}
)");
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  ASSERT_TRUE(c->layer("y") && c->layer("o") && c->layer("a_b.a"));
  EXPECT_EQ(c->layer("y")->type.str(), "[27]");
  EXPECT_EQ(c->layer("o")->type.str(), "[54]");
  // split's outputs take the names they are unpacked into, in the scope of
  // the call `a, b = halves(x)`.
  EXPECT_EQ(c->layer("a_b.a")->type.str(), "[4, 4, 6]");
  EXPECT_EQ(c->layer("a_b.b")->type.str(), "[4, 4, 6]");
}

TEST(Language, ElseIfAndLoopsRebindOuterNames) {
  auto c = check(R"(
network N(depth=3, mode=2) {
  input x: [4, 8, 8]
  for i in 0..depth { x = x |> conv2d(4, kernel=3, padding=1) }
  if mode == 1 { y = relu(x) } else if mode == 2 { y = sigmoid(x) } else { y = tanh(x) }
  output o = y
}
)");
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  ASSERT_TRUE(c->layer("y"));
  EXPECT_EQ(c->layer("y")->op->name, "sigmoid");
  int convs = 0;
  for (const Layer &l : c->graph().layers)
    convs += l.op->name == "conv2d";
  EXPECT_EQ(convs, 3);
}

TEST(Language, DefinesOverrideParameters) {
  CheckOptions options;
  options.defines.push_back({"size", Value::integer(320)});
  auto c = check("network N(size=224) {\n  input x: [3, size, size]\n"
                 "  output o = relu(x)\n}\n",
                 "lang.net", options);
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  EXPECT_EQ(c->graph().layers[0].type.str(), "[3, 320, 320]");
}

TEST(Language, ErrorsInBlocksShowTheCallChainOnce) {
  auto c = check(R"(
block inner(x) {
  return conv2d(x, 8, kernel=9)
}
block outer(x) {
  return inner(x)
}
network N {
  input x: [3, 4, 4]
  for i in 0..3 { y = outer(x) }
  output o = y
}
)");
  EXPECT_EQ(c->errors, 1u) << c->diagnostics;
  size_t error = c->diagnostics.find("3:30: error: conv2d kernel 9x9 is "
                                     "larger than the 4x4 input");
  size_t innerNote = c->diagnostics.find("6:10: note: in block 'inner' "
                                         "called from here");
  size_t outerNote = c->diagnostics.find("10:23: note: in block 'outer' "
                                         "called from here");
  EXPECT_NE(error, std::string::npos) << c->diagnostics;
  EXPECT_NE(innerNote, std::string::npos) << c->diagnostics;
  EXPECT_NE(outerNote, std::string::npos) << c->diagnostics;
  EXPECT_LT(innerNote, outerNote) << "innermost call first";
}

TEST(Language, RecursionIsAnError) {
  auto c = check(R"(
block a(x) { return b(x) }
block b(x) { return a(x) }
network N {
  input x: [3]
  output o = a(x)
}
)");
  EXPECT_EQ(c->errors, 1u) << c->diagnostics;
  EXPECT_NE(c->diagnostics.find("block 'a' calls itself"), std::string::npos)
      << c->diagnostics;
}

TEST(Language, LayerLimit) {
  CheckOptions options;
  options.maxLayers = 50;
  auto c = check("network N {\n  input x: [3]\n"
                 "  for i in 0..100 { x = relu(x) }\n  output o = x\n}\n",
                 "lang.net", options);
  EXPECT_EQ(c->errors, 1u) << c->diagnostics;
  EXPECT_NE(c->diagnostics.find("expands to more than 50 layers; raise the "
                                "limit with --max-layers"),
            std::string::npos)
      << c->diagnostics;
}

TEST(Language, EndlessEmptyLoopStops) {
  CheckOptions options;
  options.maxSteps = 10'000;
  auto c = check("network N {\n  input x: [3]\n"
                 "  for i in 0..9000000000000000000 { k = i }\n"
                 "  output o = relu(x)\n}\n",
                 "lang.net", options);
  EXPECT_EQ(c->errors, 1u) << c->diagnostics;
  EXPECT_NE(c->diagnostics.find("runs more than 10000 statements"),
            std::string::npos)
      << c->diagnostics;
}

/// A scratch directory for import tests.
class ImportTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("netc-import", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string write(llvm::StringRef name, llvm::StringRef text) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(p));
    std::ofstream(std::string(p)) << text.str();
    return std::string(p);
  }
  llvm::SmallString<128> dir;
};

TEST_F(ImportTest, BlocksAndConstsComeFromRelativePaths) {
  write("blocks/conv.net", "const WIDTH = 8\n"
                           "block cbr(x, c=WIDTH) {\n"
                           "  return x |> conv2d(c, kernel=3) |> relu\n}\n");
  std::string main = write("main.net", "import \"blocks/conv.net\"\n"
                                       "network N {\n  input x: [3, 8, 8]\n"
                                       "  output o = cbr(x)\n}\n");
  auto buffer = llvm::MemoryBuffer::getFile(main);
  ASSERT_TRUE(bool(buffer));
  auto c = check((*buffer)->getBuffer(), main);
  ASSERT_EQ(c->errors, 0u) << c->diagnostics;
  EXPECT_EQ(c->layer("o.relu")->type.str(), "[8, 6, 6]");
}

TEST_F(ImportTest, CyclesAndMissingFilesAreErrors) {
  write("a.net", "import \"b.net\"\n");
  write("b.net", "import \"a.net\"\n");
  std::string main = write("main.net", "import \"a.net\"\nimport \"nope.net\"\n"
                                       "network N {\n  input x: [3]\n"
                                       "  output o = relu(x)\n}\n");
  auto buffer = llvm::MemoryBuffer::getFile(main);
  auto c = check((*buffer)->getBuffer(), main);
  EXPECT_EQ(c->errors, 2u) << c->diagnostics;
  EXPECT_NE(c->diagnostics.find("import cycle: 'a.net' imports itself"),
            std::string::npos)
      << c->diagnostics;
  EXPECT_NE(c->diagnostics.find("cannot import 'nope.net': no such file"),
            std::string::npos)
      << c->diagnostics;
}

TEST_F(ImportTest, ImportDepthIsLimited) {
  // f0 imports f1 imports ... f69: deeper than the limit of 64.
  for (int i = 0; i < 70; ++i)
    write("f" + std::to_string(i) + ".net",
          "import \"f" + std::to_string(i + 1) + ".net\"\n");
  write("f70.net", "const END = 1\n");
  std::string main = write("main.net", "import \"f0.net\"\n"
                                       "network N {\n  input x: [3]\n"
                                       "  output o = relu(x)\n}\n");
  auto buffer = llvm::MemoryBuffer::getFile(main);
  auto c = check((*buffer)->getBuffer(), main);
  EXPECT_EQ(c->errors, 1u) << c->diagnostics.substr(0, 2000);
  EXPECT_NE(c->diagnostics.find("imports are nested more than 64 levels "
                                "deep"),
            std::string::npos);
}

} // namespace

namespace {

/// Everything a check gives, in text: the diagnostics, then every layer of
/// every graph with its op, inputs, attributes, type and parameters.
std::string checkToText(const std::string &path, bool releasing) {
  llvm::SourceMgr sourceMgr;
  std::string text;
  llvm::raw_string_ostream os(text);
  TextDiagnosticPrinter printer(sourceMgr, os, false);
  DiagnosticEngine diags(sourceMgr, printer);
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "cannot read " + path;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  std::unique_ptr<ast::Module> module = parseModule(1, diags);
  if (!module)
    return os.str();
  CheckedModule checked =
      releasing ? checkModuleReleasingStatements(*module, diags)
                : checkModule(*module, diags);
  // Every network that ran (all but the second of two with one name) is
  // left without statements.
  std::set<std::string> ran;
  if (releasing)
    for (const auto &network : module->getNetworks())
      if (ran.insert(network->getName().name).second)
        for (const ast::StmtPtr &stmt : network->getBody())
          if (stmt)
            os << "statement not released in " << network->getName().name
               << "\n";
  for (size_t g = 0; g < checked.graphs.size(); ++g) {
    const Graph &graph = checked.graphs[g];
    os << "graph " << graph.name << " clean=" << checked.clean[g] << "\n";
    for (const Layer &layer : graph.layers) {
      os << layer.name << " " << (layer.op ? layer.op->name : "?") << " "
         << layer.type.str() << " params=" << layer.params.trainable
         << " inputs=";
      for (LayerId id : layer.inputs)
        os << id << ",";
      for (const Attribute &a : layer.attributes)
        os << " " << a.name << "=" << a.value.str();
      os << "\n";
    }
  }
  return os.str();
}

} // namespace

// The driver checks with checkModuleReleasingStatements (each network
// statement freed once it has run); it must give what checkModule gives, on
// every example and every test input, mistakes included.
TEST(Language, ReleasingStatementsChangesNothing) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const char *dir : {NETC_SOURCE_DIR "/examples", NETC_SOURCE_DIR "/tests"})
    for (llvm::sys::fs::recursive_directory_iterator it(dir, ec), end;
         it != end && !ec; it.increment(ec))
      if (llvm::sys::path::extension(it->path()) == ".net")
        files.push_back(it->path());
  ASSERT_GT(files.size(), 50u);
  unsigned withLayers = 0;
  for (const std::string &file : files) {
    std::string kept = checkToText(file, false);
    EXPECT_EQ(checkToText(file, true), kept) << file;
    withLayers += kept.find("graph ") != std::string::npos;
  }
  EXPECT_GT(withLayers, 20u);
}
