//===- ExampleFiguresTest.cpp - the examples check clean, with known figures ===//
//
// Loads every network under examples/, requires it to parse and check
// without a single diagnostic (no error, no warning, no note), and pins the
// figures that have a source outside netc:
//   lenet5   61,706 trainable parameters (LeCun et al. 1998)
//   alexnet  61,100,840 (torchvision.models.alexnet)
//   vgg16    138,357,544 (torchvision.models.vgg16), and per layer the
//            output elements and weights of the "VGGNet in detail" table of
//            the Stanford CS231n notes, 15,237,608 activations with the
//            input, and the classic memory recipe at batch 128 in f32
//   captcha  4,464,564, worked out by hand below with PyTorch's formulas
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "netc/Check/Checker.h"
#include "netc/Emit/Format.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "gtest/gtest.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <iterator>
#include <string>
#include <vector>

using namespace netc;
using namespace netc::testing;

namespace {

std::vector<int64_t> outputDims(const Graph &graph) {
  if (graph.outputs.size() != 1)
    return {};
  const auto &dims = graph.layers[graph.outputs[0].layer].type.dims;
  return std::vector<int64_t>(dims.begin(), dims.end());
}

TEST(ExampleFigures, LeNet5) {
  Graph g = loadExample("lenet5");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "LeNet5");
  // C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850.
  EXPECT_EQ(totalTrainable(g), 61'706);
  EXPECT_EQ(outputDims(g), (std::vector<int64_t>{10}));
}

TEST(ExampleFigures, AlexNet) {
  Graph g = loadExample("alexnet");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "AlexNet");
  // torchvision.models.alexnet: sum(p.numel() for p in m.parameters()).
  EXPECT_EQ(totalTrainable(g), 61'100'840);
  EXPECT_EQ(totalBuffers(g), 0);
  EXPECT_EQ(outputDims(g), (std::vector<int64_t>{1000}));
  // The classifier reads 256 x 6 x 6 = 9,216 features.
  bool sawFlatten = false;
  for (const Layer &layer : g.layers)
    if (layer.op->name == "flatten") {
      sawFlatten = true;
      EXPECT_EQ(layer.type.dims, (llvm::SmallVector<int64_t, 4>{9216}));
    }
  EXPECT_TRUE(sawFlatten);
}

/// One row of the CS231n "VGGNet in detail" table: the output elements
/// ("memory") and the weights, which the table gives without biases.
struct VggRow {
  const char *cs231n; ///< the table's row label
  const char *op;     ///< netc's op for it
  int64_t elements;
  int64_t weights; ///< as in the table (no biases)
  int64_t biases;  ///< one per output channel or unit
};

// INPUT:     [224x224x3]   memory 224*224*3   = 150K     weights 0
// CONV3-64:  [224x224x64]  memory 224*224*64  = 3.2M     weights (3*3*3)*64
// ...
// FC:        [1x1x1000]    memory 1000                   weights 4096*1000
const VggRow Cs231nVgg16[] = {
    {"INPUT", "input", 150'528, 0, 0},
    {"CONV3-64", "conv2d", 3'211'264, 1'728, 64},
    {"CONV3-64", "conv2d", 3'211'264, 36'864, 64},
    {"POOL2", "maxpool2d", 802'816, 0, 0},
    {"CONV3-128", "conv2d", 1'605'632, 73'728, 128},
    {"CONV3-128", "conv2d", 1'605'632, 147'456, 128},
    {"POOL2", "maxpool2d", 401'408, 0, 0},
    {"CONV3-256", "conv2d", 802'816, 294'912, 256},
    {"CONV3-256", "conv2d", 802'816, 589'824, 256},
    {"CONV3-256", "conv2d", 802'816, 589'824, 256},
    {"POOL2", "maxpool2d", 200'704, 0, 0},
    {"CONV3-512", "conv2d", 401'408, 1'179'648, 512},
    {"CONV3-512", "conv2d", 401'408, 2'359'296, 512},
    {"CONV3-512", "conv2d", 401'408, 2'359'296, 512},
    {"POOL2", "maxpool2d", 100'352, 0, 0},
    {"CONV3-512", "conv2d", 100'352, 2'359'296, 512},
    {"CONV3-512", "conv2d", 100'352, 2'359'296, 512},
    {"CONV3-512", "conv2d", 100'352, 2'359'296, 512},
    {"POOL2", "maxpool2d", 25'088, 0, 0},
    {"FC", "dense", 4'096, 102'760'448, 4'096},
    {"FC", "dense", 4'096, 16'777'216, 4'096},
    {"FC", "dense", 1'000, 4'096'000, 1'000},
};

TEST(ExampleFigures, Vgg16MatchesTheCs231nTable) {
  Graph g = loadExample("vgg16");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "VGG16");

  // The layers that store a tensor, plus the input; every other layer must
  // be an in-place op or a view without parameters (ReLU, dropout, flatten).
  std::vector<const Layer *> rows;
  for (const Layer &layer : g.layers) {
    if (layer.op->family == OpFamily::Input ||
        getActivationElements(layer) > 0) {
      rows.push_back(&layer);
      continue;
    }
    EXPECT_NE(layer.storage, OutputStorage::New) << layer.name;
    EXPECT_EQ(layer.params.trainable, 0) << layer.name;
  }

  const size_t numRows = std::size(Cs231nVgg16);
  ASSERT_EQ(rows.size(), numRows);
  int64_t tableElements = 0, tableWeights = 0, tableBiases = 0;
  for (size_t i = 0; i < numRows; ++i) {
    const VggRow &want = Cs231nVgg16[i];
    const Layer &layer = *rows[i];
    SCOPED_TRACE("row " + std::to_string(i) + " (" + want.cs231n +
                 "), layer " + layer.name);
    EXPECT_EQ(layer.op->name, want.op);
    EXPECT_EQ(layer.type.getNumElements().value_or(-1), want.elements);
    EXPECT_EQ(layer.params.trainable, want.weights + want.biases);
    EXPECT_EQ(layer.params.buffers, 0);
    tableElements += want.elements;
    tableWeights += want.weights;
    tableBiases += want.biases;
  }

  // The table's rows add up to 15,237,608 values (the notes print "24M",
  // an addition slip) and 138,344,128 weights ("138M"); with 13,416 biases
  // that is torchvision's 138,357,544.
  EXPECT_EQ(tableElements, 15'237'608);
  EXPECT_EQ(tableWeights, 138'344'128);
  EXPECT_EQ(tableBiases, 13'416);
  EXPECT_EQ(totalTrainable(g), 138'357'544);
  EXPECT_EQ(outputDims(g), (std::vector<int64_t>{1000}));

  auto in = countNetwork(g);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->inputElements, 150'528);
  EXPECT_EQ(in->activations, 15'237'608 - 150'528);
  EXPECT_EQ(in->activationsWithInput, 15'237'608);
}

TEST(ExampleFigures, Vgg16ClassicMemoryAtBatch128) {
  Graph g = loadExample("vgg16");
  ASSERT_FALSE(HasFailure());
  auto in = countNetwork(g);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->trainableParams, 138'357'544);
  EXPECT_EQ(in->bufferParams, 0);
  EXPECT_EQ(in->activations, 15'087'080);
  EXPECT_EQ(in->inputElements, 150'528);
  TrainingSetup setup;
  setup.batch = 128;
  setup.states.bytesPerElement = 4;
  auto m = applyClassicRecipe(*in, setup);
  ASSERT_TRUE(m);
  // Worked by hand:
  //   params       138,357,544 x 3 x 4        =  1,660,290,528 B
  //   activations   15,087,080 x 2 x 128 x 4  = 15,449,169,920 B
  //     per sample  15,087,080 x 2 x 4        =    120,696,640 B
  //   input            150,528 x 128 x 4      =     77,070,336 B
  //   total                                   = 17,186,530,784 B
  //                                           = 16,390.35 MiB
  EXPECT_EQ(m->trainingParamBytes, 1'660'290'528LL);
  EXPECT_EQ(m->trainingBufferBytes, 0);
  EXPECT_EQ(m->trainingActivationBytes, 15'449'169'920LL);
  EXPECT_EQ(m->activationBytesPerSample, 120'696'640LL);
  EXPECT_EQ(m->trainingInputBytes, 77'070'336LL);
  EXPECT_EQ(m->trainingTotalBytes, 17'186'530'784LL);
  EXPECT_NEAR(toMiB(m->trainingTotalBytes), 16'390.35, 0.005);
  // Inference, one sample: (138,357,544 + 15,087,080) x 4 B.
  EXPECT_EQ(m->inferenceParamBytes, 553'430'176LL);
  EXPECT_EQ(m->inferenceActivationBytes, 60'348'320LL);
  EXPECT_EQ(m->inferenceTotalBytes, 613'778'496LL);
}

TEST(ExampleFigures, Captcha) {
  Graph g = loadExample("captcha");
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(g.name, "Captcha");
  // By hand, with torch.nn's formulas:
  //   Conv2d params = out * in * kh * kw + out
  //   Conv2d size   = floor((n + 2*pad - k) / stride) + 1 (k 3, pad 1: n)
  //   MaxPool2d(2)  = floor((n - 2) / 2) + 1 = floor(n / 2)
  //   Linear params = in * out + out
  //
  //   input                    [1, 50, 180]                9,000 values
  //   conv 32   1*32*9 + 32  =        320   [32, 50, 180]  288,000
  //   pool                                  [32, 25, 90]    72,000
  //   conv 64  32*64*9 + 64  =     18,496   [64, 25, 90]   144,000
  //   pool                                  [64, 12, 45]    34,560
  //   conv 128 64*128*9 + 128 =    73,856   [128, 12, 45]   69,120
  //   pool                                  [128, 6, 22]    16,896
  //   flatten                               [16896]           view
  //   dense 256 16896*256 + 256 = 4,325,632 [256]              256
  //   dense 180 256*180 + 180   =    46,260 [180]              180
  //   reshape                               [5, 36]           view
  //   total                       4,464,564                625,012
  EXPECT_EQ(totalTrainable(g), 4'464'564);
  EXPECT_EQ(outputDims(g), (std::vector<int64_t>{5, 36}));
  auto in = countNetwork(g);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->inputElements, 9'000);
  EXPECT_EQ(in->activations, 625'012);
}

} // namespace
