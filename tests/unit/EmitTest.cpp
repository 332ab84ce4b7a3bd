//===- EmitTest.cpp - the backends carry the same figures -----------------===//
//
// Compiles a small network in memory and checks each backend: JSON parses and
// holds the same figures as the memory model; CSV rows and quoting; Markdown
// rows; DOT escaping of hostile names and its node and edge structure.
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"
#include "ReportRows.h"

#include "netc/Check/Checker.h"
#include "netc/Emit/Emitters.h"
#include "netc/Emit/Format.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <functional>

using namespace netc;

namespace {

/// A compiled network and its memory figures.
struct Compiled {
  llvm::SourceMgr sourceMgr;
  CheckedModule module;
  std::vector<NetworkAnalysis> reports;
};

std::unique_ptr<Compiled> compile(llvm::StringRef source, int64_t batch = 1) {
  auto c = std::make_unique<Compiled>();
  c->sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "emit.net"), llvm::SMLoc());
  std::string errors;
  llvm::raw_string_ostream os(errors);
  TextDiagnosticPrinter printer(c->sourceMgr, os, false);
  DiagnosticEngine diags(c->sourceMgr, printer);
  auto ast = parseModule(1, diags);
  EXPECT_TRUE(ast) << os.str();
  if (!ast)
    return c;
  c->module = checkModule(*ast, diags);
  EXPECT_EQ(diags.getNumErrors(), 0u) << os.str();
  for (const Graph &g : c->module.graphs) {
    AnalysisOptions options;
    options.batch = batch;
    auto report = analyzeNetwork(g, options, diags);
    EXPECT_TRUE(report);
    if (report)
      c->reports.push_back(std::move(*report));
  }
  return c;
}

const char *const Small = "network Small {\n"
                          "  input x: [3, 8, 8]\n"
                          "  y = x |> conv2d(4, kernel=3) |> batchnorm |> relu\n"
                          "  y = y |> flatten |> dense(10)\n"
                          "  output logits = y\n"
                          "}\n";

template <typename Fn> std::string render(const Compiled &c, Fn emit) {
  std::string text;
  llvm::raw_string_ostream os(text);
  emit(c.reports, ReportOptions(), os);
  return os.str();
}

TEST(Emit, JsonHasTheModelsFigures) {
  auto c = compile(Small, /*batch=*/32);
  std::string text = render(*c, emitJson);
  auto parsed = llvm::json::parse(text);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const llvm::json::Object *root = parsed->getAsObject();
  ASSERT_TRUE(root);
  EXPECT_EQ(*root->getInteger("version"), JsonSchemaVersion);
  const llvm::json::Object *net =
      (*root->getArray("networks"))[0].getAsObject();
  EXPECT_EQ(*net->getString("name"), llvm::StringRef("Small"));
  const llvm::json::Array *layers = net->getArray("layers");
  ASSERT_EQ(layers->size(), c->reports[0].graph->layers.size());
  // conv2d: 4 * 3 * 3 * 3 + 4 = 112; batchnorm: 8 + 8 buffers;
  // dense: 4*6*6 = 144 inputs -> 144 * 10 + 10 = 1450.
  const llvm::json::Object *totals = net->getObject("totals");
  EXPECT_EQ(*totals->getInteger("trainable_params"), 112 + 8 + 1450);
  EXPECT_EQ(*totals->getInteger("non_trainable_params"), 8);
  const llvm::json::Object *memory = net->getObject("memory");
  EXPECT_EQ(*memory->getInteger("batch"), 32);
  EXPECT_EQ(memory->getObject("training")->getInteger("total_bytes"),
            c->reports[0].estimate.trainingTotal);
  const llvm::json::Object *conv = (*layers)[1].getAsObject();
  EXPECT_EQ(*conv->getString("op"), llvm::StringRef("conv2d"));
  EXPECT_EQ(*conv->getObject("attributes")->getInteger("kernel"), 3);
  EXPECT_EQ(*(*conv->getArray("shape"))[0].getAsInteger(), 4);
  EXPECT_EQ(*conv->getString("storage"), llvm::StringRef("new"));
}

TEST(Emit, CsvRowsAndTotals) {
  auto c = compile(Small);
  std::string text = render(*c, emitCsv);
  EXPECT_EQ(text.substr(0, text.find("\r\n")),
            "network,kind,name,op,output_shape,dtype,trainable_params,"
            "frozen_params,non_trainable_params,activations,storage,"
            "saved_bytes,formula,bytes,"
            "macs,flops");
  // Shapes contain commas, so they are quoted.
  EXPECT_NE(text.find("Small,layer,y_conv2d,conv2d,\"[4, 6, 6]\",f32,112,0,0,144,new"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Small,total,,,,f32,1570,0,8,"), std::string::npos)
      << text;
  EXPECT_NE(text.find("Small,training,total,"), std::string::npos);
}

TEST(Emit, MarkdownHasEveryLayer) {
  auto c = compile(Small);
  std::string text = render(*c, emitMarkdown);
  for (const Layer &layer : c->reports[0].graph->layers)
    EXPECT_NE(text.find("| " + layer.name + " |"), std::string::npos)
        << layer.name;
  EXPECT_NE(text.find("| **total** | | | **1,570** | **8** |"),
            std::string::npos)
      << text;
}

TEST(Emit, TableShowsInPlaceAndViews) {
  auto c = compile(Small);
  std::string text = render(*c, emitTable);
  EXPECT_NE(text.find("in place"), std::string::npos);
  EXPECT_NE(text.find("view"), std::string::npos);
  EXPECT_NE(text.find("non-trainable"), std::string::npos);
}

TEST(Emit, DotNodesEdgesAndEscaping) {
  // A graph built by hand, with names that need escaping in every context.
  Graph g;
  g.name = "a \"quoted\" net";
  Layer input;
  input.name = "in<&>";
  input.op = &getInputOp();
  input.type.dims = {3};
  g.layers.push_back(input);
  Layer relu;
  relu.name = "r\"\\";
  relu.op = lookupOp("relu");
  relu.inputs = {0};
  relu.type.dims = {3};
  g.layers.push_back(relu);
  g.inputs = {0};
  g.outputs = {{"out", 1, {}}};
  llvm::SourceMgr sourceMgr;
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  TextDiagnosticPrinter printer(sourceMgr, errorStream, false);
  DiagnosticEngine diags(sourceMgr, printer);
  std::optional<NetworkAnalysis> analysis =
      analyzeNetwork(g, AnalysisOptions(), diags);
  ASSERT_TRUE(analysis) << errorStream.str();
  std::string text;
  llvm::raw_string_ostream os(text);
  emitDot({*analysis}, ReportOptions(), os);
  os.flush();
  EXPECT_NE(text.find("digraph \"a \\\"quoted\\\" net\" {"), std::string::npos)
      << text;
  EXPECT_NE(text.find("<b>in&lt;&amp;&gt;</b>"), std::string::npos) << text;
  EXPECT_NE(text.find("<b>r&quot;\\</b>"), std::string::npos) << text;
  EXPECT_NE(text.find("n0 -> n1 [label=\" 3\"];"), std::string::npos) << text;
  EXPECT_NE(text.find("peripheries=2"), std::string::npos) << text;
}

TEST(Emit, DotRankdir) {
  auto c = compile(Small);
  ReportOptions options;
  options.rankdir = RankDir::LeftToRight;
  std::string text;
  llvm::raw_string_ostream os(text);
  emitDot(c->reports, options, os);
  EXPECT_NE(os.str().find("rankdir=LR;"), std::string::npos);
}

const char *const TwoBlocks = R"(
block cbr(x, c) {
  return x |> conv2d(c, kernel=3, stride=2, padding=1, groups=1) |> batchnorm |> relu
}
block pair(x, c) {
  y = cbr(x, c)
  return cbr(y, c)
}
network Blocks {
  input x: [3, 32, 32]
  a = pair(x, 8)
  output y = a |> global_avgpool |> dense(10)
}
)";

TEST(Emit, DotClustersColoursAndLegend) {
  auto c = compile(TwoBlocks);
  std::string text = render(*c, emitDot);
  // Nested calls nest; each layer is filled with its family's colour; the
  // op is written in short; the legend lists only the families drawn.
  EXPECT_NE(text.find("subgraph cluster_0 {"), std::string::npos) << text;
  EXPECT_NE(text.find("  subgraph cluster_1 {"), std::string::npos) << text;
  EXPECT_NE(text.find("conv2d 3x3/2, 8"), std::string::npos) << text;
  EXPECT_NE(text.find("dense 10"), std::string::npos) << text;
  EXPECT_NE(text.find("legend [shape=plaintext"), std::string::npos);
  EXPECT_NE(text.find(">convolution<"), std::string::npos);
  EXPECT_NE(text.find(">normalisation<"), std::string::npos);
  EXPECT_EQ(text.find(">merge<"), std::string::npos);
  // The same input gives the same bytes.
  EXPECT_EQ(text, render(*c, emitDot));
}

TEST(Emit, DotLabelsCarryMacs) {
  auto c = compile(TwoBlocks);
  std::string text = render(*c, emitDot);
  // conv 3->8, 3x3/2 to 16x16: 8*16*16 * 3*9 = 55,296; conv 8->8 to 8x8:
  // 8*8*8 * 8*9 = 36,864; dense 8->10: 80. Three significant digits, exact
  // below a thousand; layers without MACs (batchnorm, relu) say nothing.
  EXPECT_NE(text.find(">55.3 K MACs<"), std::string::npos) << text;
  EXPECT_NE(text.find(">36.9 K MACs<"), std::string::npos) << text;
  EXPECT_NE(text.find(">80 MACs<"), std::string::npos) << text;
  EXPECT_EQ(text.find(">0 MACs<"), std::string::npos) << text;
  EXPECT_NE(text.find("930 parameters \u00b7 92.2 K MACs per sample<"),
            std::string::npos)
      << text;
  // Collapsed calls sum their layers' MACs.
  ReportOptions options;
  options.depth = 1;
  std::string collapsed;
  llvm::raw_string_ostream os(collapsed);
  emitDot(c->reports, options, os);
  EXPECT_NE(os.str().find(">92.2 K MACs<"), std::string::npos) << collapsed;
}

TEST(Emit, DotDepthCollapsesCallsIntoOneNode) {
  auto c = compile(TwoBlocks);
  ReportOptions options;
  options.depth = 2;
  std::string text;
  llvm::raw_string_ostream os(text);
  emitDot(c->reports, options, os);
  os.flush();
  // Depth 2: the outer call stays a cluster, each inner call is one node
  // with its summed figures (conv 8*3*9 + 8 = 224, batchnorm 16 + 16 buffers).
  EXPECT_NE(text.find("subgraph cluster_0 {"), std::string::npos) << text;
  EXPECT_EQ(text.find("subgraph cluster_1 {"), std::string::npos) << text;
  size_t b1 = text.find("b1 [label=<<table");
  ASSERT_NE(b1, std::string::npos) << text;
  EXPECT_EQ(text.find("<b>a.y</b>"), text.find("<b>", b1)) << text;
  EXPECT_NE(text.find("240 params + 16 buffers"), std::string::npos) << text;
  EXPECT_NE(text.find("b1 -> b2"), std::string::npos) << text;
  EXPECT_EQ(text.find("_conv2d"), std::string::npos) << text;
  EXPECT_NE(text.find("block call (collapsed)"), std::string::npos);
}

// The diagram and the report rows rely on it: the layers of a block call,
// nested calls included, have consecutive ids.
TEST(Emit, EveryCallsLayersAreConsecutive) {
  size_t callsChecked = 0;
  for (const char *name : {"lenet5", "alexnet", "vgg16", "resnet18",
                           "resnet50", "mobilenet_v2", "unet", "captcha"}) {
    Graph graph = netc::testing::loadExample(name);
    for (int s = 0; s < int(graph.scopes.size()); ++s) {
      std::vector<LayerId> ids;
      for (LayerId id = 0; id < graph.layers.size(); ++id) {
        int scope = graph.layers[id].scope;
        while (scope >= 0 && scope != s)
          scope = graph.scopes[scope].parent;
        if (scope == s)
          ids.push_back(id);
      }
      if (ids.empty())
        continue;
      ++callsChecked;
      EXPECT_EQ(ids.back() - ids.front() + 1, ids.size())
          << name << " " << graph.scopes[s].name;
    }
  }
  EXPECT_GT(callsChecked, 50u);
}

// measureDiagram counts what emitDot draws: the n<layer> and b<call>
// nodes and the edges, at every depth.
TEST(Emit, DiagramSizeCountsWhatTheDotDraws) {
  auto c = compile(TwoBlocks);
  for (int depth : {-1, 1, 2, 3}) {
    ReportOptions options;
    options.depth = depth;
    std::string text;
    llvm::raw_string_ostream os(text);
    emitDot(c->reports, options, os);
    os.flush();
    size_t nodes = 0, edges = 0;
    llvm::SmallVector<llvm::StringRef, 32> lines;
    llvm::StringRef(text).split(lines, '\n');
    for (llvm::StringRef line : lines) {
      line = line.ltrim();
      if (line.contains(" -> "))
        ++edges;
      else if ((line.startswith("n") || line.startswith("b")) &&
               line.contains(" [label="))
        ++nodes;
    }
    DiagramSize size = measureDiagram(c->reports[0], options);
    EXPECT_EQ(size.nodes, nodes) << "depth " << depth << "\n" << text;
    EXPECT_EQ(size.edges, edges) << "depth " << depth;
    // A chain: every edge goes to the next row.
    EXPECT_EQ(size.edgeRows, edges) << "depth " << depth;
    EXPECT_EQ(size.getSize(), nodes + edges);
  }
}

// An edge spans the rows between its ends: in `x = x + x0`, step i reads
// x0 from i rows above. An input read only late is drawn just above its
// first reader.
TEST(Emit, DiagramSizeCountsTheRowsEdgesSpan) {
  auto c = compile("network Loop {\n"
                   "  input x0: [4]\n"
                   "  input late: [4]\n"
                   "  x = x0\n"
                   "  for i in 0..10 { x = x + x0 }\n"
                   "  output y = x + late\n"
                   "}\n");
  ASSERT_EQ(c->reports.size(), 1u);
  DiagramSize size = measureDiagram(c->reports[0], ReportOptions());
  // Two inputs, ten steps and y; x0 + x0, then nine steps of two edges,
  // then two into y.
  EXPECT_EQ(size.nodes, 13u);
  EXPECT_EQ(size.edges, 1u + 9 * 2 + 2);
  // The chain: 9 edges between steps and 1 to y; from x0: 1 + 2 + ... + 10
  // rows; from late: 1.
  EXPECT_EQ(size.edgeRows, 10u + 55 + 1);
}

TEST(Emit, DotSummariesFollowTheRegistry) {
  auto c = compile(R"(
network Summaries {
  input x: [8, 32, 32]
  input ids: i64[16]
  a = conv2d(x, 8, kernel=3, stride=(2, 1), groups=8, dilation=2)
  b = a |> relu(inplace=false) |> adaptive_avgpool2d(7)
  d = b |> global_maxpool(keepdims=true) |> flatten |> dropout(0.25)
  e = embedding(ids, 100, 32) |> relu(inplace=true)
  output y = concat(d, e |> flatten) |> dense(10, bias=false)
}
)");
  std::string text = render(*c, emitDot);
  for (const char *summary :
       {">conv2d 3x3/2x1, 8, groups 8, dilation 2x2<", ">relu not in place<",
        ">adaptive_avgpool2d to 7x7<", ">global_maxpool<", ">dropout p=0.25<",
        ">embedding 100, 32<", ">relu<", ">dense 10<"})
    EXPECT_NE(text.find(summary), std::string::npos) << summary << "\n"
                                                     << text;
}

TEST(Emit, EverySummaryArgumentIsInItsSignature) {
  for (const OpDef &op : getAllOps()) {
    if (!op.summary)
      continue;
    for (const SummaryArg &arg : *op.summary) {
      EXPECT_TRUE(op.findArg(arg.name)) << op.name << ": " << arg.name.str();
      if (!arg.stride.empty()) {
        EXPECT_TRUE(op.findArg(arg.stride)) << op.name;
      }
    }
  }
}

} // namespace

namespace {

/// The table sizes its columns with getCellWidth and prints describeCell:
/// the two must agree on every cell, or columns go out of line.
TEST(Emit, CellWidthsMatchTheirText) {
  for (const char *name : {"lenet5", "resnet18", "mobilenet_v2", "unet"}) {
    Graph graph = netc::testing::loadExample(name);
    llvm::SourceMgr sourceMgr;
    netc::testing::RecordingConsumer consumer(sourceMgr);
    DiagnosticEngine diags(sourceMgr, consumer);
    for (MemoryModel model : {MemoryModel::Classic, MemoryModel::PyTorch}) {
      AnalysisOptions options;
      options.model = model;
      std::optional<NetworkAnalysis> analysis =
          analyzeNetwork(graph, options, diags);
      ASSERT_TRUE(analysis) << name;
      for (int depth : {-1, 1, 2})
        emit::forEachRow(*analysis, depth, [&](const emit::ReportRow &row) {
          for (const Spelling<Column> &column : getColumnSpellings())
            EXPECT_EQ(emit::getCellWidth(row, column.value),
                      emit::describeCell(row, column.value).size())
                << name << " " << row.name.str() << " " << column.name.str();
        });
    }
  }
  for (int64_t value : {INT64_MIN, INT64_MIN + 1, int64_t(-1000), int64_t(-999),
                        int64_t(-1), int64_t(0), int64_t(9), int64_t(999),
                        int64_t(1000), int64_t(123456789), INT64_MAX})
    EXPECT_EQ(getWidthWithSeparators(value), formatWithSeparators(value).size())
        << value;
}

/// docs/report.schema.json lists the values of a layer's "op" and "family":
/// every op of the registry, in registry order, and every family.
TEST(Emit, ReportSchemaListsEveryOpAndFamily) {
  auto buffer = llvm::MemoryBuffer::getFile(NETC_SOURCE_DIR
                                            "/docs/report.schema.json");
  ASSERT_TRUE(bool(buffer));
  auto schema = llvm::json::parse((*buffer)->getBuffer());
  ASSERT_TRUE(bool(schema)) << llvm::toString(schema.takeError());
  // Every "enum" under a property named "op" or "family".
  std::vector<std::string> opEnum, familyEnum;
  std::function<void(const llvm::json::Value &)> walk =
      [&](const llvm::json::Value &v) {
        if (const llvm::json::Object *o = v.getAsObject()) {
          for (const auto &[key, value] : *o) {
            const llvm::json::Object *property = value.getAsObject();
            const llvm::json::Array *values =
                property ? property->getArray("enum") : nullptr;
            if (values && (key == "op" || key == "family"))
              for (const llvm::json::Value &e : *values)
                (key == "op" ? opEnum : familyEnum)
                    .push_back(e.getAsString()->str());
            walk(value);
          }
        } else if (const llvm::json::Array *a = v.getAsArray()) {
          for (const llvm::json::Value &e : *a)
            walk(e);
        }
      };
  walk(*schema);
  std::vector<std::string> ops, families;
  for (const OpDef &op : getAllOps()) {
    ops.push_back(op.name);
    std::string family = getFamilyName(op.family).str();
    if (llvm::find(families, family) == families.end())
      families.push_back(family);
  }
  EXPECT_EQ(opEnum, ops);
  std::sort(families.begin(), families.end());
  std::sort(familyEnum.begin(), familyEnum.end());
  EXPECT_EQ(familyEnum, families);
}

/// formatCountShort formats with to_chars, specified to write what printf
/// writes: held against printf on every count below 10^5 and around each
/// rounding boundary of the units above.
TEST(Emit, ShortCountsAreWhatPrintfWrites) {
  auto printfText = [](int64_t count) {
    if (count < 1000)
      return std::to_string(count);
    static const char *const Units[] = {"K", "M", "G", "T", "P", "E"};
    double value = static_cast<double>(count);
    unsigned unit = 0;
    for (value /= 1000; value >= 999.5 && unit + 1 < std::size(Units); ++unit)
      value /= 1000;
    char text[64];
    snprintf(text, sizeof text,
             value < 9.995 ? "%.2f %s" : value < 99.95 ? "%.1f %s" : "%.0f %s",
             value, Units[unit]);
    return std::string(text);
  };
  std::vector<int64_t> counts;
  for (int64_t c = 0; c < 100000; ++c)
    counts.push_back(c);
  for (int64_t scale = 1000; scale <= INT64_MAX / 1000000; scale *= 1000)
    for (int64_t boundary : {1005, 1015, 1025, 9995, 10050, 10150, 99950,
                             99949, 999500, 999499, 125, 1125})
      for (int64_t delta = -3; delta <= 3; ++delta)
        counts.push_back(boundary * scale + delta);
  counts.push_back(INT64_MAX);
  for (int64_t count : counts)
    ASSERT_EQ(formatCountShort(count), printfText(count)) << count;
  EXPECT_EQ(formatCountShort(117600), "118 K");
  EXPECT_EQ(formatCountShort(4090000000), "4.09 G");
}

} // namespace
