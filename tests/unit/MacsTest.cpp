//===- MacsTest.cpp - MACs and other FLOPs per layer and per network ------===//
//
// The registry's cost rules (OpDef::countCost, docs/macs.md) against PyTorch
// and against torchvision's published GFLOPS.
//
// The MACs figures were produced by tools/torch_macs.py (torch 1.13.1,
// torchvision 0.14.1, Debian's python3-torch), not by netc: a forward hook
// on every torch.nn.ConvNd, ConvTransposeNd and Linear module of one eval
// pass at batch 1 adds
//   ConvNd            output.numel() * in_channels/groups * prod(kernel_size)
//   ConvTransposeNd   input.numel() * out_channels/groups * prod(kernel_size)
//   Linear            output.numel() * in_features
// (`/usr/bin/python3 tools/torch_macs.py` for the models, `... --ops` for the
// single layers). The published figures are the GFLOPS column of
// torchvision's model documentation, given there with two decimals.
//
// The other FLOPs of the models were counted by the same script on the aten
// operators torch runs (a TorchDispatchMode applying docs/macs.md's
// conventions); the per-op FLOPs below are hand counts by those conventions,
// the adaptive pooling windows taken from torch's autograd (the script's
// --ops output).
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "netc/Emit/Emitters.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

#include <string>

using namespace netc;
using namespace netc::testing;

namespace {

/// The MACs and FLOPs of every layer of \p graph, summed.
OpCost totalCost(const Graph &graph) {
  OpCost total;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    auto cost = computeLayerCost(graph, id);
    EXPECT_TRUE(cost) << graph.layers[id].name;
    if (cost) {
      total.macs += cost->macs;
      total.flops += cost->flops;
    }
  }
  return total;
}

/// "1.81": MACs in units of 10^9 with two decimals, as published.
std::string giga(int64_t macs) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f", static_cast<double>(macs) / 1e9);
  return os.str();
}

/// Builds the report of \p graph and renders it with \p emit.
std::string render(const Graph &graph,
                   void (*emit)(llvm::ArrayRef<NetworkAnalysis>,
                                const ReportOptions &, llvm::raw_ostream &),
                   const ReportOptions &options = ReportOptions()) {
  llvm::SourceMgr sourceMgr;
  RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  auto report = analyzeNetwork(graph, AnalysisOptions(), diags);
  EXPECT_TRUE(report);
  if (!report)
    return "";
  std::string text;
  llvm::raw_string_ostream os(text);
  emit({*report}, options, os);
  return os.str();
}

struct ExampleFigures {
  const char *name;
  int64_t macs;       ///< torch forward hooks
  /// torchvision's GFLOPS; null for the examples it has no twin of.
  const char *published;
  int64_t flops;      ///< torch_macs.py's aten count (see vgg16)
};

const ExampleFigures Examples[] = {
    {"alexnet", 714'188'480, "0.71", 1'703'144},
    {"vgg16", 15'470'264'320, "15.47",
     // torch_macs.py counts 31,728,616: torchvision's VGG-16 has an
     // AdaptiveAvgPool2d(7) over [512, 7, 7] (25,088 FLOPs) that
     // vgg16.net, after CS231n's table, does not.
     31'728'616 - 25'088},
    {"resnet18", 1'814'073'344, "1.81", 9'659'880},
    {"resnet50", 4'089'184'256, "4.09", 39'063'016},
    {"mobilenet_v2", 300'774'272, "0.30", 19'742'120},
    // No published figures: torch_macs.py builds these two in torch.nn
    // (U-Net's 2x2 up-convolutions are transposed convolutions).
    {"captcha", 88'248'576, nullptr, 1'373'300},
    {"unet", 150'428'424'448, nullptr, 277'213'216},
};

TEST(Macs, ExamplesMatchTorchHooksAndPublishedFigures) {
  for (const ExampleFigures &e : Examples) {
    Graph graph = loadExample(e.name);
    ASSERT_FALSE(::testing::Test::HasFailure()) << e.name;
    OpCost cost = totalCost(graph);
    EXPECT_EQ(cost.macs, e.macs) << e.name;
    if (e.published) {
      EXPECT_EQ(giga(cost.macs), e.published) << e.name;
    }
    EXPECT_EQ(cost.flops, e.flops) << e.name;
  }
}

// ViT-B/16's attention multiplies queries by keys and weights by values
// with torch.bmm, outside any module: tools/torch_macs.py counts its MACs on
// the aten operators (convolution, mm, addmm, bmm), 17,563,828,224, and
// torchvision publishes 17.56 GFLOPS. (Its other FLOPs, layer norms, GELUs
// and softmaxes, are not held against torch here.)
TEST(Macs, VitB16MatchesTheAtenCountAndThePublishedFigure) {
  Graph graph = loadExample("vit_b_16");
  ASSERT_FALSE(::testing::Test::HasFailure());
  OpCost cost = totalCost(graph);
  EXPECT_EQ(cost.macs, 17'563'828'224);
  EXPECT_EQ(giga(cost.macs), "17.56");
}

TEST(Macs, LeNet5ByHand) {
  // conv 6x28x28 x 1x5x5 + conv 16x10x10 x 6x5x5 + 400x120 + 120x84 + 84x10.
  Graph graph = loadExample("lenet5");
  ASSERT_FALSE(::testing::Test::HasFailure());
  OpCost cost = totalCost(graph);
  EXPECT_EQ(cost.macs, 117'600 + 240'000 + 48'000 + 10'080 + 840);
  // Biases 4,704 + 1,600 + 120 + 84 + 10; tanh 4,704 + 1,600 + 120 + 84;
  // 2x2 average pools 4 x (1,176 + 400).
  EXPECT_EQ(cost.flops, 6'518 + 6'508 + 6'304);
}

TEST(Macs, TableAndMarkdownPrintTheTotalsWithThePublishedFigure) {
  Graph graph = loadExample("resnet18");
  ASSERT_FALSE(::testing::Test::HasFailure());
  std::string table = render(graph, emitTable);
  EXPECT_NE(table.find("MACs per sample: 1,814,073,344 (1.81 G); other "
                       "FLOPs: 9,659,880 (0.01 G)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  1,814,073,344\n"), std::string::npos) << table;
  std::string markdown = render(graph, emitMarkdown);
  EXPECT_NE(markdown.find("| **1,814,073,344** |"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("MACs per sample: 1,814,073,344 (1.81 G)"),
            std::string::npos);
}

/// The cost of the last layer of a one-network program.
OpCost lastLayerCost(const std::string &source,
                     const std::string &allowed = "") {
  Graph graph = compileSource(source, allowed);
  if (graph.layers.empty())
    return {-1, -1};
  auto cost = computeLayerCost(graph, graph.layers.size() - 1);
  EXPECT_TRUE(cost) << source;
  return cost.value_or(OpCost{-1, -1});
}

/// A network with one input of \p shape and one layer \p call on it.
std::string oneLayer(const std::string &shape, const std::string &call) {
  return "network N {\n  input x: " + shape + "\n  output y = " + call +
         "\n}\n";
}

struct OpCase {
  const char *input;
  const char *call;
  int64_t macs;
  int64_t flops;
};

// MACs from `tools/torch_macs.py --ops` (the same layer in torch.nn, hooked
// as above); FLOPs are the bias additions, one per output element.
const OpCase TorchCases[] = {
    {"[3, 32, 32]", "conv2d(x, 64, kernel=3, padding=1)", 1'769'472,
     64 * 32 * 32},
    // groups and dilation: [64, 24, 24] x 32/4 x 3x3.
    {"[32, 28, 28]", "conv2d(x, 64, kernel=3, dilation=2, groups=4)",
     2'654'208, 64 * 24 * 24},
    // depthwise: one input channel per output.
    {"[32, 56, 56]", "conv2d(x, 32, kernel=3, padding=1, groups=32)", 903'168,
     32 * 56 * 56},
    {"[8, 20, 30]",
     "conv2d(x, 16, kernel=(3, 5), stride=(2, 1), padding=(1, 2), "
     "dilation=(1, 2))",
     499'200, 16 * 10 * 26},
    {"[6, 100]", "conv1d(x, 12, kernel=5, stride=2, groups=3, bias=false)",
     5'760, 0},
    {"[4, 8, 16, 16]", "conv3d(x, 8, kernel=3, padding=1)", 1'769'472,
     8 * 8 * 16 * 16},
    // Transposed: input elements x out/groups x kernel.
    {"[64, 14, 14]", "conv_transpose2d(x, 32, kernel=4, stride=2, padding=1)",
     6'422'528, 32 * 28 * 28},
    {"[8, 7, 7]",
     "conv_transpose2d(x, 16, kernel=3, stride=2, padding=1, "
     "output_padding=1, groups=2)",
     28'224, 16 * 14 * 14},
    {"[6, 10]", "conv_transpose1d(x, 4, kernel=3, stride=3, dilation=2)", 720,
     4 * 32},
    // Dense on rank 1, 2 and 3: output elements x in_features.
    {"[400]", "dense(x, 10)", 4'000, 10},
    {"[5, 7, 32]", "dense(x, 64)", 71'680, 5 * 7 * 64},
    {"[2, 8]", "dense(x, 3, bias=false)", 48, 0},
};

TEST(Macs, ConvolutionAndDenseMatchTorchHooks) {
  for (const OpCase &c : TorchCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call),
                                "transforms only the last axis");
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

// Hand counts by docs/macs.md's conventions; no MACs.
const OpCase FlopCases[] = {
    // max: kernel - 1 comparisons per output element; average: kernel.
    {"[64, 112, 112]", "maxpool2d(x, 3, stride=2, padding=1)", 0,
     64 * 56 * 56 * 8},
    {"[6, 28, 28]", "avgpool2d(x, 2)", 0, 6 * 14 * 14 * 4},
    {"[4, 10]", "maxpool1d(x, 3)", 0, 4 * 3 * 2},
    {"[512, 7, 7]", "global_avgpool(x)", 0, 512 * 49},
    {"[512, 7, 7]", "global_maxpool(x, keepdims=true)", 0, 512 * 48},
    // mean as global_avgpool: every input element added, and a division.
    {"[197, 768]", "mean(x, 0)", 0, 197 * 768},
    {"[4, 6, 8]", "mean(x, (0, 2), keepdims=true)", 0, 4 * 6 * 8},
    // Windows of 2, 3, 2 rows and 2, 3, 3, 2 columns (torch's autograd):
    // 2 x 7 x 10 = 140 elements, less one per output element for a maximum.
    {"[2, 5, 7]", "adaptive_avgpool2d(x, (3, 4))", 0, 140},
    {"[2, 5, 7]", "adaptive_maxpool2d(x, (3, 4))", 0, 140 - 2 * 3 * 4},
    {"[256, 13, 13]", "adaptive_avgpool2d(x, 6)", 0, 82'944},
    // More outputs than inputs along the rows: windows of 1, summing to 4
    // (L + n - gcd(L, n) = 2 + 4 - 2); 7 + 3 - 1 = 9 along the columns.
    {"[1, 2, 7]", "adaptive_avgpool2d(x, (4, 3))", 0, 4 * 9},
    {"[64, 56, 56]", "batchnorm(x)", 0, 2 * 64 * 56 * 56},
    {"[10, 32]", "layernorm(x)", 0, 5 * 320},
    {"[10, 32]", "layernorm(x, dims=2, affine=false)", 0, 4 * 320},
    {"[8, 4, 4]", "groupnorm(x, 4)", 0, 5 * 128},
    {"[8, 4, 4]", "relu(x)", 0, 128},
    {"[8, 4, 4]", "gelu(x, inplace=false)", 0, 128},
    {"[8, 4, 4]", "leaky_relu(x)", 0, 128},
    {"[10]", "softmax(x)", 0, 50},
    {"[10]", "log_softmax(x)", 0, 50},
    // rmsnorm: square, mean, normalisation, and the scale.
    {"[10, 32]", "rmsnorm(x)", 0, 4 * 320},
    {"[10, 32]", "rmsnorm(x, affine=false)", 0, 3 * 320},
    // rope: x cos + rotate(x) sin.
    {"[16, 64]", "rope(x, 4)", 0, 3 * 1024},
    {"[8, 4, 4]", "dropout(x)", 0, 0},
    {"[8, 4, 4]", "flatten(x)", 0, 0},
    {"[8, 4, 4]", "reshape(x, (8, 16))", 0, 0},
    {"[8, 4, 4]", "zero_pad2d(x, 1)", 0, 0},
    {"[3, 4, 4]", "upsample(x, 2)", 0, 0},
    {"[3, 4, 4]", "upsample(x, 2, mode=\"bilinear\")", 0, 3 * 8 * 8 * 11},
    // Broadcasting: one operation per output element.
    {"[8, 4, 4]", "x + reshape(x |> global_avgpool, (8, 1, 1))", 0, 128},
    {"[8, 4, 4]", "x * x", 0, 128},
    // where: one selection per broadcast output element.
    {"bool [4, 4]", "where(x, reshape(concat(x, x), (2, 4, 4)), -1e9)", 0,
     32},
    {"[8, 4, 4]", "concat(x, x)", 0, 0},
    {"[8, 4, 6]", "transpose(x)", 0, 0},
};

// matmul: each output element is a dot product over the first factor's last
// axis, as torch.matmul computes it (and fvcore counts it when the stacks
// are not broadcast).
const OpCase MatmulCases[] = {
    {"[3, 4]", "matmul(x, transpose(x))", 3 * 3 * 4, 0},
    {"[2, 3, 4]", "matmul(x, reshape(x, (2, 4, 3)))", 2 * 3 * 3 * 4, 0},
    // The second factor's one matrix is used by both of the first's.
    {"[2, 3, 4]", "matmul(x, reshape(flatten(x), (4, 6)))", 2 * 3 * 6 * 4, 0},
    // Attention's scores: 16 queries by 16 keys of width 64.
    {"[16, 64]", "matmul(x, transpose(x))", 16 * 16 * 64, 0},
};

// attention: the two batched products of each head, q k^T (L S d) and the
// probabilities times v (L S dv), as a dispatch-level counter of torch's bmm
// counts the math path; the scale (1), the softmax (5) and a causal mask (1)
// are FLOPs per score.
const OpCase AttentionCases[] = {
    {"[16, 64]", "attention(x, x, x, heads=4)", 4 * 16 * 16 * (16 + 16),
     4 * 16 * 16 * 6},
    {"[16, 64]", "attention(x, x, x, heads=4, causal=true)",
     4 * 16 * 16 * (16 + 16), 4 * 16 * 16 * 7},
    // Grouped: 4 query heads of 16 over 64 keys of one shared head.
    {"[16, 64]",
     "attention(x, reshape(x, (64, 16)), reshape(x, (64, 16)), heads=4, "
     "kv_heads=1)",
     4 * 16 * 64 * (16 + 16), 4 * 16 * 64 * 6},
    // Batched leading axis, values twice as wide.
    {"[2, 16, 32]", "attention(x, x, concat(x, x, axis=-1), heads=4)",
     2 * 4 * 16 * 16 * (8 + 16), 2 * 4 * 16 * 16 * 6},
};

// multihead_attention: the four projections as dense layers, 16 x 64 x
// (64 + 64 + 64 + 64) MACs, plus the attention's two products (the
// 294,912 MACs of docs/macs.md's attention block); FLOPs: 6 per score and
// the projections' biases. Grouped (8 heads sharing 2): k and v project to
// 16 features each.
const OpCase MultiheadCases[] = {
    {"[16, 64]", "multihead_attention(x, 64, 4)",
     16 * 64 * 256 + 4 * 16 * 16 * 32, 4 * 16 * 16 * 6 + 16 * 256},
    {"[16, 64]", "multihead_attention(x, 64, 8, kv_heads=2, causal=true, "
                 "bias=false)",
     16 * 64 * (64 + 16 + 16 + 64) + 8 * 16 * 16 * 16, 8 * 16 * 16 * 7},
};

// moe, measured with tools/torch_moe_reference.py's dispatch-level counter
// (86,528 and 34,752 MACs per token: the router and top_k experts, the
// same as the active parameters). FLOPs: per token a 5-FLOP softmax per
// expert, and per routed expert SiLU and product (hidden each), scaling
// and sum (dim each) and 2 to renormalise its weight.
const OpCase MoeCases[] = {
    {"[32, 64]", "moe(x, 8, 2, 224)", 32 * 86'528,
     32 * (5 * 8 + 2 * (2 * 224 + 2 * 64 + 2))},
    {"[10, 48]", "moe(x, 4, 3, 80)", 10 * 34'752,
     10 * (5 * 4 + 3 * (2 * 80 + 2 * 48 + 2))},
};

TEST(Macs, MoeCountsTheRouterAndTheRoutedExperts) {
  for (const OpCase &c : MoeCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call));
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

TEST(Macs, MultiheadAttentionCountsProjectionsAndAttention) {
  for (const OpCase &c : MultiheadCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call));
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

TEST(Macs, AttentionCountsBothProductsOfEveryHead) {
  for (const OpCase &c : AttentionCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call));
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

TEST(Macs, MatmulCountsADotProductPerOutputElement) {
  for (const OpCase &c : MatmulCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call));
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

TEST(Macs, OtherOpsCountFlopsByTheDocumentedConventions) {
  for (const OpCase &c : FlopCases) {
    OpCost cost = lastLayerCost(oneLayer(c.input, c.call));
    EXPECT_EQ(cost.macs, c.macs) << c.call << " on " << c.input;
    EXPECT_EQ(cost.flops, c.flops) << c.call << " on " << c.input;
  }
}

TEST(Macs, EveryOpWithArithmeticHasACostRule) {
  // Ops without a rule must be ones that move data only.
  for (const OpDef &op : getAllOps()) {
    bool movesOnly = op.family == OpFamily::Input ||
                     op.family == OpFamily::Parameter ||
                     op.family == OpFamily::Reshape || op.name == "concat" ||
                     op.name == "dropout" || op.name == "zero_pad2d" ||
                     op.name == "embedding";
    EXPECT_EQ(bool(op.countCost), !movesOnly) << op.name;
  }
}

TEST(Macs, OverflowIsNotWrapped) {
  // About 2^62 output elements of 4 MACs each do not fit in 64 bits.
  Graph graph = compileSource(oneLayer("[1, 1073741824, 1073741824]",
                                       "conv2d(x, 4, kernel=2)"));
  ASSERT_FALSE(graph.layers.empty());
  EXPECT_FALSE(computeLayerCost(graph, graph.layers.size() - 1));
}

TEST(Macs, ANetworkWhoseCountOverflowsIsAnError) {
  // 2^20 x 1017 x 1017 output elements of 2^20 x 8 x 8 MACs each: about
  // 2^66, while the memory figures still fit.
  Graph graph = compileSource(oneLayer("[1048576, 1024, 1024]",
                                       "conv2d(x, 1048576, kernel=8)"));
  ASSERT_FALSE(graph.layers.empty());
  // The graph's source ranges dangle (compileSource), so only messages are
  // recorded.
  struct Messages : DiagnosticConsumer {
    void handle(const Diagnostic &d) override { list.push_back(d.message); }
    std::vector<std::string> list;
  } consumer;
  llvm::SourceMgr sourceMgr;
  DiagnosticEngine diags(sourceMgr, consumer);
  EXPECT_FALSE(analyzeNetwork(graph, AnalysisOptions(), diags));
  ASSERT_EQ(consumer.list.size(), 1u);
  EXPECT_EQ(consumer.list[0],
            "the MAC and FLOP count of network 'N' overflows 64-bit integers");
}

const char *const Blocks = R"(
block cbr(x, c) {
  return x |> conv2d(c, kernel=3, padding=1, bias=false) |> batchnorm |> relu
}
network B {
  input x: [3, 8, 8]
  a = cbr(x, 4)
  b = cbr(a, 4)
  output y = b |> global_avgpool |> dense(2)
}
)";

TEST(Macs, CollapsedBlockRowsSumTheirLayers) {
  Graph graph = compileSource(Blocks);
  ASSERT_FALSE(graph.layers.empty());
  ReportOptions options;
  options.depth = 1;
  std::string csv = render(graph, emitCsv, options);
  // cbr(x, 4): 4x8x8 x 3x3x3 MACs; batchnorm 2 and relu 1 per element.
  EXPECT_NE(csv.find(",6912,768\r\n"), std::string::npos) << csv;
  // cbr(a, 4): 4x8x8 x 4x3x3 MACs.
  EXPECT_NE(csv.find(",9216,768\r\n"), std::string::npos) << csv;
  // Total: the blocks, 256 pooled elements, 4x2 + 2 for the dense layer.
  EXPECT_NE(csv.find("B,total,,,,f32,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",16136,1794\r\n"), std::string::npos) << csv;
}

TEST(Macs, JsonHasMacsAndFlopsPerLayerAndInTotals) {
  Graph graph = compileSource(Blocks);
  ASSERT_FALSE(graph.layers.empty());
  std::string text = render(graph, emitJson);
  auto json = llvm::json::parse(text);
  ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
  const llvm::json::Object *net =
      (*json->getAsObject()->getArray("networks"))[0].getAsObject();
  int64_t macs = 0, flops = 0;
  for (const llvm::json::Value &layer : *net->getArray("layers")) {
    macs += *layer.getAsObject()->getInteger("macs");
    flops += *layer.getAsObject()->getInteger("flops");
  }
  EXPECT_EQ(macs, 16'136);
  EXPECT_EQ(flops, 1'794);
  EXPECT_EQ(*net->getObject("totals")->getInteger("macs"), 16'136);
  EXPECT_EQ(*net->getObject("totals")->getInteger("flops"), 1'794);
}

} // namespace
