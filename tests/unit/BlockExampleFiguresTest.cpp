//===- BlockExampleFiguresTest.cpp - block-built examples, known figures ===//
//
// Loads the examples built from blocks (examples/blocks/*.net, imported),
// requires each to parse and check without a single diagnostic, and pins
// figures that have a source outside netc:
//   resnet18      11,689,512 trainable / 9,600 batchnorm buffers
//   resnet50      25,557,032 / 53,120
//   mobilenet_v2   3,504,872 / 34,112
//                 all three: sum(p.numel() for p in m.parameters()) and the
//                 running means and variances of torchvision 0.14.1's
//                 models.<name>() (num_batches_tracked not counted); per
//                 convolution and linear layer, the output shape and
//                 parameters of a forward hook at 1x3x224x224
//   unet          31,030,658 / 0, output [2, 388, 388]: the same U-Net
//                 built in PyTorch 1.13 and worked out by hand below
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "netc/Check/Checker.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "gtest/gtest.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

using namespace netc;
using namespace netc::testing;

namespace {

size_t countOp(const Graph &graph, const std::string &op) {
  size_t n = 0;
  for (const Layer &layer : graph.layers)
    n += layer.op->name == op;
  return n;
}

std::vector<int64_t> dimsOf(const Layer &layer) {
  return std::vector<int64_t>(layer.type.dims.begin(), layer.type.dims.end());
}

std::vector<int64_t> outputShape(const Graph &graph) {
  if (graph.outputs.size() != 1)
    return {};
  return dimsOf(graph.layers[graph.outputs[0].layer]);
}

/// The output dims of every layer running op \p op, in graph order.
std::vector<std::vector<int64_t>> shapesOf(const Graph &graph,
                                           const std::string &op) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Layer &layer : graph.layers)
    if (layer.op->name == op)
      shapes.push_back(dimsOf(layer));
  return shapes;
}

/// One torchvision nn.Conv2d or nn.Linear module as a forward hook saw it
/// at 1x3x224x224: its output shape without the batch axis and its
/// parameters.
struct TorchvisionLayer {
  const char *module; ///< torchvision's module name
  const char *op;     ///< netc's op for it
  std::vector<int64_t> dims;
  int64_t params;
};

/// The conv2d and dense layers of \p graph, in order, must be \p want.
void expectTorchvisionLayers(const Graph &graph,
                             const std::vector<TorchvisionLayer> &want) {
  std::vector<const Layer *> got;
  for (const Layer &layer : graph.layers)
    if (layer.op->name == "conv2d" || layer.op->name == "dense")
      got.push_back(&layer);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("torchvision " + std::string(want[i].module) +
                 ", netc layer " + got[i]->name);
    EXPECT_EQ(got[i]->op->name, want[i].op);
    EXPECT_EQ(dimsOf(*got[i]), want[i].dims);
    EXPECT_EQ(got[i]->params.trainable, want[i].params);
  }
}

// torchvision.models.resnet18(): every Conv2d and Linear, forward order.
const std::vector<TorchvisionLayer> TorchvisionResNet18 = {
    {"conv1", "conv2d", {64, 112, 112}, 9'408},
    {"layer1.0.conv1", "conv2d", {64, 56, 56}, 36'864},
    {"layer1.0.conv2", "conv2d", {64, 56, 56}, 36'864},
    {"layer1.1.conv1", "conv2d", {64, 56, 56}, 36'864},
    {"layer1.1.conv2", "conv2d", {64, 56, 56}, 36'864},
    {"layer2.0.conv1", "conv2d", {128, 28, 28}, 73'728},
    {"layer2.0.conv2", "conv2d", {128, 28, 28}, 147'456},
    {"layer2.0.downsample.0", "conv2d", {128, 28, 28}, 8'192},
    {"layer2.1.conv1", "conv2d", {128, 28, 28}, 147'456},
    {"layer2.1.conv2", "conv2d", {128, 28, 28}, 147'456},
    {"layer3.0.conv1", "conv2d", {256, 14, 14}, 294'912},
    {"layer3.0.conv2", "conv2d", {256, 14, 14}, 589'824},
    {"layer3.0.downsample.0", "conv2d", {256, 14, 14}, 32'768},
    {"layer3.1.conv1", "conv2d", {256, 14, 14}, 589'824},
    {"layer3.1.conv2", "conv2d", {256, 14, 14}, 589'824},
    {"layer4.0.conv1", "conv2d", {512, 7, 7}, 1'179'648},
    {"layer4.0.conv2", "conv2d", {512, 7, 7}, 2'359'296},
    {"layer4.0.downsample.0", "conv2d", {512, 7, 7}, 131'072},
    {"layer4.1.conv1", "conv2d", {512, 7, 7}, 2'359'296},
    {"layer4.1.conv2", "conv2d", {512, 7, 7}, 2'359'296},
    {"fc", "dense", {1000}, 513'000},
};

TEST(BlockExampleFigures, ResNet18) {
  Graph g = loadExample("resnet18");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "ResNet18");
  EXPECT_EQ(totalTrainable(g), 11'689'512);
  EXPECT_EQ(totalBuffers(g), 9'600);
  EXPECT_EQ(outputShape(g), (std::vector<int64_t>{1000}));
  expectTorchvisionLayers(g, TorchvisionResNet18);
  // 20 BatchNorm2d, one per convolution; one residual add per BasicBlock.
  EXPECT_EQ(countOp(g, "batchnorm"), 20u);
  EXPECT_EQ(countOp(g, "add"), 8u);
}

TEST(BlockExampleFigures, ResNet50) {
  Graph g = loadExample("resnet50");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "ResNet50");
  EXPECT_EQ(totalTrainable(g), 25'557'032);
  EXPECT_EQ(totalBuffers(g), 53'120);
  EXPECT_EQ(outputShape(g), (std::vector<int64_t>{1000}));
  // torchvision: 53 Conv2d (49 in the path, 4 downsample projections) and
  // 53 BatchNorm2d; 16 Bottlenecks, each ending in a residual add.
  EXPECT_EQ(countOp(g, "conv2d"), 53u);
  EXPECT_EQ(countOp(g, "batchnorm"), 53u);
  EXPECT_EQ(countOp(g, "add"), 16u);
  // The stage outputs, the adds that end each stage's last block.
  auto adds = shapesOf(g, "add");
  ASSERT_EQ(adds.size(), 16u);
  EXPECT_EQ(adds[2], (std::vector<int64_t>{256, 56, 56}));
  EXPECT_EQ(adds[6], (std::vector<int64_t>{512, 28, 28}));
  EXPECT_EQ(adds[12], (std::vector<int64_t>{1024, 14, 14}));
  EXPECT_EQ(adds[15], (std::vector<int64_t>{2048, 7, 7}));
  // fc: 2048 * 1000 + 1000.
  EXPECT_EQ(countOp(g, "dense"), 1u);
  for (const Layer &layer : g.layers) {
    if (layer.op->name == "dense") {
      EXPECT_EQ(layer.params.trainable, 2'049'000);
    }
  }
}

// torchvision.models.mobilenet_v2(): every Conv2d and Linear, forward order.
// features.N.conv.0.0 expands, features.N.conv.1.0 is the depthwise 3x3
// (features.1 has no expansion: its conv.0.0 is the depthwise one), and
// features.N.conv.2 (conv.1 in features.1) projects.
const std::vector<TorchvisionLayer> TorchvisionMobileNetV2 = {
    {"features.0.0", "conv2d", {32, 112, 112}, 864},
    {"features.1.conv.0.0", "conv2d", {32, 112, 112}, 288},
    {"features.1.conv.1", "conv2d", {16, 112, 112}, 512},
    {"features.2.conv.0.0", "conv2d", {96, 112, 112}, 1'536},
    {"features.2.conv.1.0", "conv2d", {96, 56, 56}, 864},
    {"features.2.conv.2", "conv2d", {24, 56, 56}, 2'304},
    {"features.3.conv.0.0", "conv2d", {144, 56, 56}, 3'456},
    {"features.3.conv.1.0", "conv2d", {144, 56, 56}, 1'296},
    {"features.3.conv.2", "conv2d", {24, 56, 56}, 3'456},
    {"features.4.conv.0.0", "conv2d", {144, 56, 56}, 3'456},
    {"features.4.conv.1.0", "conv2d", {144, 28, 28}, 1'296},
    {"features.4.conv.2", "conv2d", {32, 28, 28}, 4'608},
    {"features.5.conv.0.0", "conv2d", {192, 28, 28}, 6'144},
    {"features.5.conv.1.0", "conv2d", {192, 28, 28}, 1'728},
    {"features.5.conv.2", "conv2d", {32, 28, 28}, 6'144},
    {"features.6.conv.0.0", "conv2d", {192, 28, 28}, 6'144},
    {"features.6.conv.1.0", "conv2d", {192, 28, 28}, 1'728},
    {"features.6.conv.2", "conv2d", {32, 28, 28}, 6'144},
    {"features.7.conv.0.0", "conv2d", {192, 28, 28}, 6'144},
    {"features.7.conv.1.0", "conv2d", {192, 14, 14}, 1'728},
    {"features.7.conv.2", "conv2d", {64, 14, 14}, 12'288},
    {"features.8.conv.0.0", "conv2d", {384, 14, 14}, 24'576},
    {"features.8.conv.1.0", "conv2d", {384, 14, 14}, 3'456},
    {"features.8.conv.2", "conv2d", {64, 14, 14}, 24'576},
    {"features.9.conv.0.0", "conv2d", {384, 14, 14}, 24'576},
    {"features.9.conv.1.0", "conv2d", {384, 14, 14}, 3'456},
    {"features.9.conv.2", "conv2d", {64, 14, 14}, 24'576},
    {"features.10.conv.0.0", "conv2d", {384, 14, 14}, 24'576},
    {"features.10.conv.1.0", "conv2d", {384, 14, 14}, 3'456},
    {"features.10.conv.2", "conv2d", {64, 14, 14}, 24'576},
    {"features.11.conv.0.0", "conv2d", {384, 14, 14}, 24'576},
    {"features.11.conv.1.0", "conv2d", {384, 14, 14}, 3'456},
    {"features.11.conv.2", "conv2d", {96, 14, 14}, 36'864},
    {"features.12.conv.0.0", "conv2d", {576, 14, 14}, 55'296},
    {"features.12.conv.1.0", "conv2d", {576, 14, 14}, 5'184},
    {"features.12.conv.2", "conv2d", {96, 14, 14}, 55'296},
    {"features.13.conv.0.0", "conv2d", {576, 14, 14}, 55'296},
    {"features.13.conv.1.0", "conv2d", {576, 14, 14}, 5'184},
    {"features.13.conv.2", "conv2d", {96, 14, 14}, 55'296},
    {"features.14.conv.0.0", "conv2d", {576, 14, 14}, 55'296},
    {"features.14.conv.1.0", "conv2d", {576, 7, 7}, 5'184},
    {"features.14.conv.2", "conv2d", {160, 7, 7}, 92'160},
    {"features.15.conv.0.0", "conv2d", {960, 7, 7}, 153'600},
    {"features.15.conv.1.0", "conv2d", {960, 7, 7}, 8'640},
    {"features.15.conv.2", "conv2d", {160, 7, 7}, 153'600},
    {"features.16.conv.0.0", "conv2d", {960, 7, 7}, 153'600},
    {"features.16.conv.1.0", "conv2d", {960, 7, 7}, 8'640},
    {"features.16.conv.2", "conv2d", {160, 7, 7}, 153'600},
    {"features.17.conv.0.0", "conv2d", {960, 7, 7}, 153'600},
    {"features.17.conv.1.0", "conv2d", {960, 7, 7}, 8'640},
    {"features.17.conv.2", "conv2d", {320, 7, 7}, 307'200},
    {"features.18.0", "conv2d", {1280, 7, 7}, 409'600},
    {"classifier.1", "dense", {1000}, 1'281'000},
};

TEST(BlockExampleFigures, MobileNetV2) {
  Graph g = loadExample("mobilenet_v2");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "MobileNetV2");
  EXPECT_EQ(totalTrainable(g), 3'504'872);
  EXPECT_EQ(totalBuffers(g), 34'112);
  EXPECT_EQ(outputShape(g), (std::vector<int64_t>{1000}));
  expectTorchvisionLayers(g, TorchvisionMobileNetV2);
  EXPECT_EQ(countOp(g, "batchnorm"), 52u);
  // Residual adds in the blocks with stride 1 and as many channels in as
  // out: 1 (24) + 2 (32) + 3 (64) + 2 (96) + 2 (160) = 10.
  EXPECT_EQ(countOp(g, "add"), 10u);
  EXPECT_EQ(countOp(g, "dropout"), 1u);
}

// torchvision 0.14's vit_b_16: 86,567,656 parameters (tools/
// torch_reference.py), 590,592 in the patch convolution, 768 + 151,296 in
// the class token and position embedding, 7,087,872 per encoder block
// (two layer norms, in_proj 768 x 2,304 + 2,304, out_proj 768 x 768 + 768,
// the MLP 768 x 3,072 + 3,072 and back), the final layer norm and the head.
TEST(BlockExampleFigures, VitB16) {
  Graph g = loadExample("vit_b_16");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "ViT_B_16");
  EXPECT_EQ(totalTrainable(g), 86'567'656);
  EXPECT_EQ(totalBuffers(g), 0);
  EXPECT_EQ(outputShape(g), (std::vector<int64_t>{1000}));
  EXPECT_EQ(countOp(g, "param"), 2u);
  EXPECT_EQ(countOp(g, "layernorm"), 2u * 12 + 1);
  EXPECT_EQ(countOp(g, "attention"), 12u);
  EXPECT_EQ(countOp(g, "dense"), 4u * 12 + 1);
  int64_t block = 0;
  for (const Layer &layer : g.layers)
    if (llvm::StringRef(layer.name).startswith("encoder.layers.encoder_layer_3."))
      block += layer.params.trainable;
  EXPECT_EQ(block, 7'087'872);
}

TEST(BlockExampleFigures, UNet) {
  Graph g = loadExample("unet");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "UNet");
  // By hand, with torch.nn's formulas:
  //   Conv2d params          = out * in * kh * kw + out
  //   ConvTranspose2d params = in * out * kh * kw + out
  //   unpadded 3x3 conv n - 2; 2x2 max pool n / 2; 2x2 up-conv 2n
  //   double_conv(in, out)   = (9 in out + out) + (9 out out + out)
  //
  //   contracting path   1st conv   2nd conv       level  output
  //   1 -> 64                 640     36,928      37,568  [64, 568, 568]
  //   pool, 64 -> 128      73,856    147,584     221,440  [128, 280, 280]
  //   pool, 128 -> 256    295,168    590,080     885,248  [256, 136, 136]
  //   pool, 256 -> 512  1,180,160  2,359,808   3,539,968  [512, 64, 64]
  //   pool, 512 -> 1024 4,719,616  9,438,208  14,157,824  [1024, 28, 28]
  //                                           18,842,048
  //
  //   expansive path: up-conv (4 in out + out), crop, concat (2 out
  //   channels), double_conv(2 out, out)
  //                 up-conv   1st conv   2nd conv       level  output
  //   1024 -> 512 2,097,664  4,719,104  2,359,808   9,176,576  [512, 52, 52]
  //   512 -> 256    524,544  1,179,904    590,080   2,294,528  [256, 100, 100]
  //   256 -> 128    131,200    295,040    147,584     573,824  [128, 196, 196]
  //   128 -> 64      32,832     73,792     36,928     143,552  [64, 388, 388]
  //                                                12,188,480
  //
  //   1x1 conv 64 -> 2: 64 * 2 + 2 = 130                       [2, 388, 388]
  //
  //   total 18,842,048 + 12,188,480 + 130 = 31,030,658
  //
  // The same U-Net built in PyTorch 1.13 (nn.Conv2d, nn.ConvTranspose2d,
  // crop by slicing, torch.cat) has sum(p.numel()) = 31,030,658 and maps a
  // 1x1x572x572 tensor to 1x2x388x388.
  EXPECT_EQ(totalTrainable(g), 31'030'658);
  EXPECT_EQ(totalBuffers(g), 0);
  EXPECT_EQ(outputShape(g), (std::vector<int64_t>{2, 388, 388}));
  EXPECT_EQ(countOp(g, "conv2d"), 19u);
  EXPECT_EQ(countOp(g, "conv_transpose2d"), 4u);
  EXPECT_EQ(countOp(g, "maxpool2d"), 4u);
  // Copy and crop: each skip map cropped to the up-convolved size and
  // concatenated in front of it along the channels.
  EXPECT_EQ(shapesOf(g, "center_crop"),
            (std::vector<std::vector<int64_t>>{{512, 56, 56},
                                               {256, 104, 104},
                                               {128, 200, 200},
                                               {64, 392, 392}}));
  EXPECT_EQ(shapesOf(g, "concat"),
            (std::vector<std::vector<int64_t>>{{1024, 56, 56},
                                               {512, 104, 104},
                                               {256, 200, 200},
                                               {128, 392, 392}}));
}

} // namespace
