//===- LivenessTest.cpp - the inference peak by liveness ------------------===//
//
// Checks computeInferencePeak on small programs whose live sets are worked
// out by hand: a chain peaks at its largest adjacent input + output pair
// (pinned, and compared with a brute-force maximum over generated chains), a
// long skip connection keeps its tensor live over the whole span, in-place
// layers and views keep their root alive, outputs stay live to the end, and
// an unread tensor is freed right away. VGG-16 and ResNet-18 are pinned to
// hand-derived figures.
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/Liveness.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

#include <random>
#include <sstream>

using namespace netc;
using netc::testing::compileSource;
using netc::testing::loadExample;

namespace {

/// The id of the layer named \p name (fails the test if there is none).
LayerId layerNamed(const Graph &graph, const std::string &name) {
  for (LayerId id = 0; id < graph.layers.size(); ++id)
    if (graph.layers[id].name == name)
      return id;
  ADD_FAILURE() << "no layer named " << name;
  return LayerId(-1);
}

/// The layers that own memory (inputs and new tensors), in graph order.
std::vector<LayerId> storageRoots(const Graph &graph) {
  std::vector<LayerId> roots;
  for (LayerId id = 0; id < graph.layers.size(); ++id)
    if (graph.layers[id].op->family == OpFamily::Input ||
        graph.layers[id].storage == OutputStorage::New)
      roots.push_back(id);
  return roots;
}

/// The index of the largest a[k] + a[k + 1] (the first on ties).
size_t largestAdjacentPair(const std::vector<int64_t> &a) {
  size_t best = 0;
  for (size_t k = 1; k + 1 < a.size(); ++k)
    if (a[k] + a[k + 1] > a[best] + a[best + 1])
      best = k;
  return best;
}

/// Checks a chain against the brute-force adjacent-pair maximum: \p elements
/// are the sizes of its new tensors (the input first), worked out from the
/// source by the caller, never read from the graph.
void expectChainPeak(const Graph &graph, const std::vector<int64_t> &elements) {
  std::vector<LayerId> roots = storageRoots(graph);
  ASSERT_EQ(roots.size(), elements.size());
  for (size_t k = 0; k < roots.size(); ++k)
    ASSERT_EQ(graph.layers[roots[k]].type.getNumElements(), elements[k])
        << "tensor " << k << " (" << graph.layers[roots[k]].name << ")";
  size_t k = largestAdjacentPair(elements);
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, (elements[k] + elements[k + 1]) * 4);
  EXPECT_EQ(peak->layer, roots[k + 1]);
  EXPECT_EQ(peak->live, (std::vector<LayerId>{roots[k], roots[k + 1]}));
}

} // namespace

//===----------------------------------------------------------------------===//
// Chains
//===----------------------------------------------------------------------===//

TEST(LivenessTest, ChainPeaksAtLargestAdjacentPair) {
  Graph graph = compileSource(R"(
network Chain {
  input image: [3, 32, 32]
  x = image |> conv2d(16, kernel=3, padding=1) |> relu
  x = x |> conv2d(48, kernel=3) |> relu
  x = maxpool2d(x, 2)
  x = x |> conv2d(24, kernel=3, padding=1) |> relu
  x = x |> flatten |> dense(512) |> relu
  output y = dense(x, 10)
}
)");
  ASSERT_FALSE(HasFailure());
  // The new tensors, from the source:
  //   image            3 x 32 x 32  =  3,072
  //   x_conv2d        16 x 32 x 32  = 16,384
  //   x_conv2d_1      48 x 30 x 30  = 43,200
  //   x_maxpool2d     48 x 15 x 15  = 10,800
  //   x_conv2d_2      24 x 15 x 15  =  5,400
  //   x_dense                          512
  //   y                                 10
  // Adjacent pairs: 19,456; 59,584; 54,000; 16,200; 5,912; 522. The largest
  // is x_conv2d + x_conv2d_1 = 59,584 elements, reached while x_conv2d_1
  // runs: 238,336 bytes at f32. The classic sum is 79,306 elements.
  std::vector<int64_t> elements = {3072, 16384, 43200, 10800, 5400, 512, 10};
  expectChainPeak(graph, elements);
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 238336);
  EXPECT_EQ(graph.layers[peak->layer].name, "x_conv2d_1");
  EXPECT_EQ(peak->live,
            (std::vector<LayerId>{layerNamed(graph, "x_conv2d"),
                                  layerNamed(graph, "x_conv2d_1")}));
}

TEST(LivenessTest, ChainOfOneInput) {
  Graph graph = compileSource(R"(
network Single {
  input image: [3, 4, 4]
  output y = relu(image)
}
)");
  ASSERT_FALSE(HasFailure());
  // relu runs in place on the input, which is also the output's memory.
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 48 * 4);
  EXPECT_EQ(peak->layer, 0u);
  EXPECT_EQ(peak->live, std::vector<LayerId>{0});
}

// Generated chains of 3x3 convolutions (same or valid padding), 2x2 max
// pools and in-place ReLUs, then a flatten and two dense layers; the test
// tracks the shapes itself and compares with the brute-force maximum.
TEST(LivenessTest, GeneratedChainsPeakAtLargestAdjacentPair) {
  std::mt19937 rng(20240611);
  auto pick = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  for (int round = 0; round < 40; ++round) {
    int64_t channels = pick(1, 8), size = pick(16, 40);
    std::ostringstream src;
    src << "network Generated {\n  input image: [" << channels << ", " << size
        << ", " << size << "]\n";
    std::vector<int64_t> elements = {channels * size * size};
    int steps = pick(2, 10);
    for (int s = 0; s < steps; ++s) {
      int kind = pick(0, 2);
      if (kind == 2 && size >= 8) {
        src << "  x = maxpool2d(" << (s ? "x" : "image") << ", 2)\n";
        size /= 2;
      } else {
        bool valid = kind == 1 && size >= 8;
        channels = pick(1, 96);
        src << "  x = " << (s ? "x" : "image") << " |> conv2d(" << channels
            << ", kernel=3" << (valid ? "" : ", padding=1") << ")";
        if (pick(0, 1))
          src << " |> relu";
        src << "\n";
        if (valid)
          size -= 2;
      }
      elements.push_back(channels * size * size);
    }
    int64_t hidden = pick(1, 4096), classes = pick(1, 1000);
    src << "  x = x |> flatten |> dense(" << hidden << ") |> relu\n"
        << "  output y = dense(x, " << classes << ")\n}\n";
    elements.push_back(hidden);
    elements.push_back(classes);
    SCOPED_TRACE(src.str());
    Graph graph = compileSource(src.str());
    ASSERT_FALSE(HasFailure());
    expectChainPeak(graph, elements);
    ASSERT_FALSE(HasFailure());
  }
}

//===----------------------------------------------------------------------===//
// Skip connections, aliases, outputs, unread tensors
//===----------------------------------------------------------------------===//

TEST(LivenessTest, LongSkipConnectionStaysLive) {
  // x is read at the start and at the very end of the span: it stays live
  // while every convolution of y runs.
  const char *const skip = R"(
network Skip {
  input image: [3, 32, 32]
  x = conv2d(image, 8, kernel=3, padding=1)
  y = x
  y = y |> conv2d(32, kernel=3, padding=1) |> relu
  y = y |> conv2d(32, kernel=3, padding=1) |> relu
  y = y |> conv2d(16, kernel=3, padding=1) |> relu
  y = conv2d(y, 8, kernel=3, padding=1)
  output z = x + y
}
)";
  Graph graph = compileSource(skip);
  ASSERT_FALSE(HasFailure());
  // Live elements while each layer runs (x = 8 x 32 x 32 = 8,192):
  //   image        3,072
  //   x            3,072 + 8,192                  = 11,264  (image freed)
  //   y_conv2d     x + 32,768                     = 40,960
  //   y_conv2d_1   x + 32,768 + 32,768            = 73,728  <- the peak
  //   y_conv2d_2   x + 32,768 + 16,384            = 57,344
  //   y_conv2d_3   x + 16,384 + 8,192             = 32,768
  //   z            x + 8,192 + 8,192              = 24,576
  // The chain alone would peak at 65,536; the skip adds x's 8,192.
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 73728 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "y_conv2d_1");
  LayerId x = layerNamed(graph, "x");
  EXPECT_EQ(peak->live,
            (std::vector<LayerId>{x, layerNamed(graph, "y_conv2d"),
                                  layerNamed(graph, "y_conv2d_1")}));

  // The same span without the skip: x is freed once y_conv2d has read it.
  std::string noSkip = skip;
  noSkip.replace(noSkip.find("output z = x + y"), 16, "output z = y + y");
  Graph chain = compileSource(noSkip);
  ASSERT_FALSE(HasFailure());
  auto chainPeak = computeInferencePeak(chain, 4);
  ASSERT_TRUE(chainPeak);
  EXPECT_EQ(chainPeak->bytes, 65536 * 4);
  EXPECT_EQ(peak->bytes - chainPeak->bytes, 8192 * 4);
}

TEST(LivenessTest, InPlaceAndViewsKeepTheirRootAlive) {
  Graph graph = compileSource(R"(
network Alias {
  input image: [3, 8, 8]
  x = image |> conv2d(16, kernel=3, padding=1) |> relu |> flatten
  output y = dense(x, 4096)
}
)");
  ASSERT_FALSE(HasFailure());
  // dense reads the flatten view of the relu, which ran in place on the
  // convolution's output: that memory (16 x 8 x 8 = 1,024) is live while
  // dense runs. Peak 1,024 + 4,096 = 5,120 elements at dense; the first
  // layer pair, image + conv, is only 192 + 1,024.
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 5120 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "y");
  EXPECT_EQ(peak->live, (std::vector<LayerId>{layerNamed(graph, "x_conv2d"),
                                              layerNamed(graph, "y")}));
}

TEST(LivenessTest, SplitViewsKeepTheirRootAlive) {
  Graph graph = compileSource(R"(
network Split {
  input image: [3, 8, 8]
  x = conv2d(image, 16, kernel=3, padding=1)
  a, b = split(x, (8, 8))
  a = a |> conv2d(64, kernel=3, padding=1) |> conv2d(8, kernel=3, padding=1)
  output y = a + b
}
)");
  ASSERT_FALSE(HasFailure());
  // The views a and b alias x (16 x 8 x 8 = 1,024); y reads b, so x stays
  // live over a's convolutions:
  //   x            192 + 1,024             = 1,216
  //   a_conv2d     x + 4,096               = 5,120
  //   a_conv2d_1   x + 4,096 + 512         = 5,632  <- the peak
  //   y            x + 512 + 512           = 2,048
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 5632 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "a_conv2d_1");
  EXPECT_EQ(peak->live, (std::vector<LayerId>{layerNamed(graph, "x"),
                                              layerNamed(graph, "a_conv2d"),
                                              layerNamed(graph, "a_conv2d_1")}));
}

TEST(LivenessTest, OutputsStayLiveToTheEnd) {
  Graph graph = compileSource(R"(
network TwoOutputs {
  input image: [3, 8, 8]
  output a = image |> conv2d(64, kernel=3, padding=1) |> relu
  b = a |> conv2d(4, kernel=3, padding=1)
  b = b |> conv2d(4, kernel=3, padding=1)
  output c = b |> flatten |> dense(8)
}
)");
  ASSERT_FALSE(HasFailure());
  // a is an in-place relu over a_conv2d (64 x 8 x 8 = 4,096). As an output
  // it is kept after its last reader, the first convolution b:
  //   a_conv2d     192 + 4,096            = 4,288
  //   b            4,096 + 256            = 4,352
  //   b_conv2d     4,096 + 256 + 256      = 4,608  <- the peak
  //   c            4,096 + 256 + 8        = 4,360
  // Freed after its last reader, a would give a peak of 4,352.
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 4608 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "b_conv2d");
  EXPECT_EQ(peak->live, (std::vector<LayerId>{layerNamed(graph, "a_conv2d"),
                                              layerNamed(graph, "b"),
                                              layerNamed(graph, "b_conv2d")}));
}

TEST(LivenessTest, UnreadTensorIsFreedAfterItsLayer) {
  Graph graph = compileSource(R"(
network Dead {
  input image: [3, 8, 8]
  x = conv2d(image, 8, kernel=3, padding=1)
  dead = conv2d(x, 64, kernel=3, padding=1)
  output y = conv2d(x, 48, kernel=3, padding=1)
}
)",
                        "value 'dead' is computed but never used");
  ASSERT_FALSE(HasFailure());
  // dead (4,096) counts while it runs, x (512) beside it: 4,608. It is freed
  // at once, so y runs with x and itself only: 512 + 3,072 = 3,584 (8,192
  // had dead been kept).
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 4608 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "dead");
  EXPECT_EQ(peak->live, (std::vector<LayerId>{layerNamed(graph, "x"),
                                              layerNamed(graph, "dead")}));
}

TEST(LivenessTest, TensorReadTwiceByOneLayerIsFreedOnce) {
  Graph graph = compileSource(R"(
network Twice {
  input image: [3, 8, 8]
  x = conv2d(image, 8, kernel=3, padding=1)
  x = x + x
  output y = conv2d(x, 64, kernel=3, padding=1)
}
)");
  ASSERT_FALSE(HasFailure());
  // x_conv2d (512) is freed once after the add; y runs with the sum (512)
  // and itself (4,096): 4,608. Freeing it twice would give 4,096.
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 4608 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "y");
}

//===----------------------------------------------------------------------===//
// Element size, overflow, size
//===----------------------------------------------------------------------===//

TEST(LivenessTest, EmptyGraph) {
  auto peak = computeInferencePeak(Graph(), 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 0);
  EXPECT_EQ(peak->layer, LayerId(-1));
  EXPECT_TRUE(peak->live.empty());
}

TEST(LivenessTest, BytesPerElementScales) {
  Graph graph = loadExample("vgg16");
  ASSERT_FALSE(HasFailure());
  auto f32 = computeInferencePeak(graph, 4);
  auto f16 = computeInferencePeak(graph, 2);
  auto f64 = computeInferencePeak(graph, 8);
  ASSERT_TRUE(f32 && f16 && f64);
  EXPECT_EQ(f16->bytes * 2, f32->bytes);
  EXPECT_EQ(f64->bytes, f32->bytes * 2);
  EXPECT_EQ(f16->layer, f32->layer);
  EXPECT_EQ(f16->live, f32->live);
}

TEST(LivenessTest, OverflowIsNullopt) {
  Graph graph = compileSource(R"(
network Huge {
  input x: [2000000000, 2000000000]
  output y = x + x
}
)");
  ASSERT_FALSE(HasFailure());
  // 4e18 elements each; x and y are live together while y runs: 8e18
  // elements, which fit at one byte and overflow at two (1.6e19 > 2^63).
  auto oneByte = computeInferencePeak(graph, 1);
  ASSERT_TRUE(oneByte);
  EXPECT_EQ(oneByte->bytes, int64_t(8000000000000000000));
  EXPECT_FALSE(computeInferencePeak(graph, 2));
  // One tensor's bytes overflow on their own.
  EXPECT_FALSE(computeInferencePeak(graph, 4));
}

// A million-layer chain, each layer larger than the last so that every layer
// is a new peak, with a skip from the first layer to the last: quadratic
// work would not finish.
TEST(LivenessTest, MillionLayerChain) {
  const LayerId n = 1000000;
  Graph graph;
  graph.layers.resize(n);
  const OpDef *conv = lookupOp("conv2d");
  const OpDef *relu = lookupOp("relu");
  const OpDef *add = lookupOp("add");
  ASSERT_TRUE(conv && relu && add);
  for (LayerId i = 0; i < n; ++i) {
    Layer &layer = graph.layers[i];
    layer.name = "l" + std::to_string(i);
    layer.type.dims = {int64_t(i) + 1};
    if (i == 0) {
      layer.op = &getInputOp();
    } else if (i == n - 1) {
      layer.op = add;
      layer.inputs = {i - 1, 0};
    } else if (i % 2 == 0) {
      // In place: same size as its input.
      layer.op = relu;
      layer.storage = OutputStorage::InPlace;
      layer.inputs = {i - 1};
      layer.type.dims = {int64_t(i)};
    } else {
      layer.op = conv;
      layer.inputs = {i - 1};
    }
  }
  graph.outputs.push_back({"y", n - 1, llvm::SMRange()});
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  // The last layer (n elements) runs with the input (1), kept by the skip,
  // and the convolution n - 2 (n - 2 elements, through relu n - 2).
  EXPECT_EQ(peak->layer, n - 1);
  EXPECT_EQ(peak->bytes, (int64_t(1) + (n - 2) + n) * 4);
  EXPECT_EQ(peak->live, (std::vector<LayerId>{0, n - 3, n - 1}));
}

//===----------------------------------------------------------------------===//
// Examples, pinned after a hand calculation
//===----------------------------------------------------------------------===//

// VGG-16 is a chain, so its peak is the largest adjacent pair of stored
// tensors (ReLU and dropout run in place, flatten is a view). Per sample, in
// elements (docs/memory.md lists the rows):
//   image + conv1_1        150,528 + 3,211,264 =  3,361,792
//   conv1_1 + conv1_2    3,211,264 + 3,211,264 =  6,422,528  <- the largest
//   conv1_2 + pool1      3,211,264 +   802,816 =  4,014,080
//   pool1 + conv2_1        802,816 + 1,605,632 =  2,408,448
//   conv2_1 + conv2_2    1,605,632 + 1,605,632 =  3,211,264
// and every later pair is smaller still (at most 1,605,632 + 401,408 or
// 2 x 802,816). At f32: 6,422,528 x 4 = 25,690,112 bytes (24.5 MiB) while
// the second convolution (x_conv2d_1) runs, against the classic sum of
// 15,087,080 x 4 = 60,348,320 bytes.
TEST(LivenessTest, VGG16Peak) {
  Graph graph = loadExample("vgg16");
  ASSERT_FALSE(HasFailure());
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 25690112);
  EXPECT_EQ(peak->bytes, 2 * 3211264 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "features.2");
  EXPECT_EQ(peak->live,
            (std::vector<LayerId>{layerNamed(graph, "features.0"),
                                  layerNamed(graph, "features.2")}));
}

// ResNet-18 at 224: the stem's convolution and batchnorm are the largest
// tensors, [64, 112, 112] = 802,816 elements each; the ReLU after them runs
// in place, and max pooling brings the stages down to at most 200,704
// elements a tensor. Live elements while each candidate runs:
//   stem conv        image 150,528 + 802,816               =   953,344
//   stem batchnorm   conv 802,816 + 802,816                = 1,605,632  <- peak
//   stem maxpool     802,816 + 200,704                     = 1,003,520
//   stage 1 block    x + y_conv2d + y_batchnorm, and x + y + add:
//                    3 x 200,704                           =   602,112
//   stage 2 entry    x (200,704) + y (100,352) + shortcut conv (100,352)
//                                                          =   401,408
// (later stages are smaller). At f32: 1,605,632 x 4 = 6,422,528 bytes while
// bn1 runs.
TEST(LivenessTest, ResNet18Peak) {
  Graph graph = loadExample("resnet18");
  ASSERT_FALSE(HasFailure());
  auto peak = computeInferencePeak(graph, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 6422528);
  EXPECT_EQ(peak->bytes, 2 * 802816 * 4);
  EXPECT_EQ(graph.layers[peak->layer].name, "bn1");
  EXPECT_EQ(peak->live,
            (std::vector<LayerId>{layerNamed(graph, "conv1"),
                                  layerNamed(graph, "bn1")}));
}
