//===- PyTorchMemoryTest.cpp - saved-for-backward bytes against torch -----===//
//
// Each case is a small network written twice: in netc below, and in PyTorch
// in the comment above it. The expected bytes were measured on torch 1.13
// (CPU, f32, batch 1, train mode) with saved_tensors_hooks, each tensor
// counted once by storage, offset and shape, parameters left out: the same
// method as tools/torch_reference.py. Every network starts with a 3x3
// convolution `c` (4 to 4 channels, padding 1) on x: [4, 8, 8], so that
// what follows has a gradient to carry. Dropout is not among them: torch
// keeps a one-byte mask on CUDA but a float mask on the CPU, and netc models
// the CUDA mask (docs/memory.md).
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/MemoryEstimate.h"
#include "netc/Memory/PyTorchMemory.h"
#include "netc/Transform/FineTuning.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

using namespace netc;
using netc::testing::compileSource;

namespace {

struct TorchCase {
  const char *name;
  /// The network body after `input x: [4, 8, 8]` and `a = conv2d(x, 4,
  /// kernel=3, padding=1)`.
  const char *body;
  int64_t measuredBytes;
};

// PyTorch twins, with c1, c2 = Conv2d(4, 4, 3, padding=1) and a = c1(x):
const TorchCase Cases[] = {
    // c2(F.relu(a, inplace=True)): x, relu's output (c2 keeps the same).
    {"relu_inplace", "output y = a |> relu |> conv2d(4, kernel=3, padding=1)",
     2048},
    // c2(F.relu(a)): relu keeps its output, which c2 keeps too.
    {"relu", "output y = a |> relu(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     2048},
    // c2(F.relu6(a, inplace=True)): hardtanh_ keeps a copy of its input.
    {"relu6_inplace", "output y = a |> relu6 |> conv2d(4, kernel=3, padding=1)",
     3072},
    // c2(F.relu6(a)): hardtanh keeps its input; c2 the new output.
    {"relu6", "output y = a |> relu6(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     3072},
    {"silu_inplace", "output y = a |> silu |> conv2d(4, kernel=3, padding=1)",
     3072},
    {"silu", "output y = a |> silu(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     3072},
    {"gelu", "output y = a |> gelu(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     3072},
    // c2(torch.ops.aten.gelu_(a)): the in-place kernel keeps a copy.
    {"gelu_inplace", "output y = a |> gelu |> conv2d(4, kernel=3, padding=1)",
     3072},
    // Conv2d(4, 4, 2, padding="same")(a): F.pad makes a [1, 4, 9, 9] copy
    // of a, which the convolution keeps instead of a: x and the copy.
    {"same_even_kernel", "output y = a |> conv2d(4, kernel=2, padding=\"same\")",
     2320},
    // leaky_relu_ keeps its result, the tensor c2 keeps.
    {"leaky_relu_inplace",
     "output y = a |> leaky_relu |> conv2d(4, kernel=3, padding=1)", 2048},
    {"elu", "output y = a |> elu(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     3072},
    {"sigmoid_inplace", "output y = a |> sigmoid |> conv2d(4, kernel=3, padding=1)",
     2048},
    {"tanh", "output y = a |> tanh(inplace=false) |> conv2d(4, kernel=3, padding=1)",
     2048},
    // F.softmax(a, dim=-1) keeps its output.
    {"softmax", "output y = a |> softmax |> conv2d(4, kernel=3, padding=1)",
     2048},
    // Linear(64, 10)(flatten(max_pool2d(F.relu(BatchNorm2d(4)(a), True), 2))):
    // x, a, bn's output, 4 x 4 statistics, int64 indices, the flattened
    // pool output.
    {"bn_relu_pool_dense",
     "output y = a |> batchnorm |> relu |> maxpool2d(2) |> flatten |> dense(10)",
     3904},
    // c2(LayerNorm([8])(a)): x, a, mean and rstd of 4 x 8 slices, the output.
    {"layernorm", "output y = a |> layernorm |> conv2d(4, kernel=3, padding=1)",
     3328},
    // c2(GroupNorm(2, 4)(a)): x, a, mean and rstd of 2 groups, the output.
    {"groupnorm",
     "output y = a |> groupnorm(2) |> conv2d(4, kernel=3, padding=1)", 3088},
    // c3(a * c2(a)): the product keeps both factors.
    {"mul",
     "b = conv2d(a, 4, kernel=3, padding=1)\n"
     "  output y = conv2d(a * b, 4, kernel=3, padding=1)",
     4096},
    // c3(cat([a, a + c2(a)], 1)): the sum and the join keep nothing.
    {"add_concat",
     "b = a + conv2d(a, 4, kernel=3, padding=1)\n"
     "  output y = conv2d(concat(a, b), 4, kernel=3, padding=1)",
     4096},
    // Linear(4, 3)(flatten(F.adaptive_avg_pool2d(a, 1), 1)).
    {"global_avgpool", "output y = a |> global_avgpool |> dense(3)", 2064},
    // Linear(4, 3)(flatten(F.adaptive_max_pool2d(a, 1), 1)): + 4 indices.
    {"global_maxpool", "output y = a |> global_maxpool |> dense(3)", 2096},
    // Linear(8, 3)(a.mean(1)): x, a (MeanBackward1 keeps its input), and
    // the [8, 8] mean seen as a matrix by the linear layer.
    {"mean", "output y = a |> mean(0) |> dense(3)", 2304},
    // m = x > 0; c2(torch.where(m, a, -1e9)): x, the condition (one byte
    // per element; WhereBackward0 keeps nothing else), and the selection.
    {"where",
     "input m: bool[4, 8, 8]\n"
     "  output y = where(m, a, -1e9) |> conv2d(4, kernel=3, padding=1)",
     2304},
    {"avgpool", "output y = a |> avgpool2d(2) |> conv2d(4, kernel=3, padding=1)",
     2304},
    // p = chunk(a, 2, 1); Conv2d(2, 2, 1)(p[0]) + Conv2d(2, 2, 1)(p[1]):
    // each part is a view of its own.
    {"chunk",
     "p, q = chunk(a, 2)\n"
     "  output y = conv2d(p, 2, kernel=1) + conv2d(q, 2, kernel=1)",
     2048},
    // c2(F.pad(F.interpolate(a, scale_factor=2), (1, 1, 1, 1))): x and the
    // padded [4, 18, 18].
    {"upsample_pad",
     "output y = a |> upsample(2) |> zero_pad2d(1) |> conv2d(4, kernel=3, padding=1)",
     6208},
    // q = a.reshape(1, 4, 64); torch.matmul(q.transpose(-1, -2), q): x, and
    // both factors, two views of a of their own shapes.
    {"matmul_transpose",
     "q = reshape(a, (4, 64))\n  output y = matmul(transpose(q), q)", 3072},
    {"conv_transpose",
     "output y = a |> conv_transpose2d(2, kernel=2, stride=2)", 2048},
};

TEST(PyTorchMemory, SmallNetworksMatchTorch) {
  for (const TorchCase &c : Cases) {
    Graph graph = compileSource(std::string("network N {\n  input x: [4, 8, 8]\n"
                                            "  a = conv2d(x, 4, kernel=3, "
                                            "padding=1)\n  ") +
                                c.body + "\n}\n");
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.name;
    auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    ASSERT_TRUE(saved) << c.name;
    EXPECT_EQ(saved->bytes, c.measuredBytes) << c.name;
  }
}

// On a = Conv1d(4, 4, 3, padding=1)(x), x: [4, 16]: F.max_pool1d(a, 2)
// keeps a as a [1, 4, 1, 16] view (torch runs the 2-D kernel), a tensor
// apart from the [1, 4, 16] a that F.relu6(a) keeps; with x, the indices
// and c2's input m, measured there: 1,152 B.
TEST(PyTorchMemory, OneDimensionalPoolingKeepsAViewOfItsOwn) {
  Graph graph = compileSource("network N {\n  input x: [4, 16]\n"
                              "  a = conv1d(x, 4, kernel=3, padding=1)\n"
                              "  m = maxpool1d(a, 2)\n"
                              "  output z = relu6(a, inplace=false)\n"
                              "  output y = conv1d(m, 4, kernel=3, padding=1)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 1152);
}

// Linear(8, 5)(F.relu(Linear(8, 8)(x), inplace=True)) on x: [4, 8]: each
// linear keeps its input reshaped to [4, 8], a tensor apart from relu's
// [1, 4, 8] output: 3 x 32 floats.
TEST(PyTorchMemory, DenseOnSeveralAxesKeepsAReshapedView) {
  Graph graph = compileSource("network N {\n  input x: [4, 8]\n"
                              "  output y = x |> dense(8) |> relu |> dense(5)\n}\n",
                              "[-Wdense-rank]");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 384);
  EXPECT_EQ(saved->tensorCount, 3);
}

// One head of attention on x: [16, 64], in torch with q, k, v, o =
// Linear(64, 64): o(softmax(q(x) @ k(x).transpose(-1, -2), -1) @ v(x)).
// Measured there with tools/torch_reference.py's saved_bytes: 21,504 B.
TEST(PyTorchMemory, AttentionWrittenWithMatmulMatchesTorch) {
  Graph graph = compileSource(
      "network N {\n  input x: [16, 64]\n"
      "  q = dense(x, 64)\n  k = dense(x, 64)\n  v = dense(x, 64)\n"
      "  w = matmul(q, transpose(k)) |> softmax\n"
      "  output y = matmul(w, v) |> dense(64)\n}\n",
      "[-Wdense-rank]");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 21504);
}

// Four cases torch 1.13 keeps less for than netc once counted (measured
// with tools/torch_reference.py's saved_bytes, f32, batch 1):
//   dropout p=0: a = Linear(64, 64)(x); Linear(64, 8)(Dropout(0.0)(a) +
//     Dropout(0.0, inplace=True)(a)) on x [16, 64]: 8,192 B, x and the sum
//     seen as matrices; at::dropout returns its input when p is 0, so
//     there is neither a mask nor a new tensor, and the input x, kept as
//     a matrix by the first linear layer, is not also an unsaved input;
//   a factor with no gradient: Linear(64, 8)(Linear(64, 64)(x) * m) with m
//     = (x > 0).float(): 12,288 B; mul keeps m (for the other factor's
//     gradient) but not the other factor, since m needs no gradient;
//   one index tensor, two lookups: Linear(32, 8)(Embedding(100, 32)(ids) +
//     Embedding(100, 32)(ids)) on ids int64 [16]: 2,176 B, the indices
//     (16 x 8 B) once and the sum as a matrix.
TEST(PyTorchMemory, WhatTorchDoesNotKeep) {
  struct Case {
    const char *source;
    int64_t torchBytes;
  };
  const Case cases[] = {
      {"network N {\n  input x: [16, 64]\n  a = dense(x, 64)\n"
       "  b = dropout(a, 0.0)\n  c = dropout(a, 0.0, inplace=false)\n"
       "  output y = dense(b + c, 8)\n}\n",
       8192},
      {"network N {\n  input x: [16, 64]\n  input m: [16, 64]\n"
       "  output y = dense(dense(x, 64) * m, 8)\n}\n",
       12288},
      {"network N {\n  input ids: i64[16]\n"
       "  output y = dense(embedding(ids, 100, 32) + embedding(ids, 100, 32), "
       "8)\n}\n",
       2176},
  };
  for (const Case &c : cases) {
    Graph graph = compileSource(c.source);
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.source;
    auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->bytes, c.torchBytes) << c.source;
    EXPECT_EQ(saved->unsavedInputBytes, 0) << c.source;
  }
}

// A layer no gradient flows through keeps nothing: torch records no
// backward function for relu(x) on an input, or for x * x.
TEST(PyTorchMemory, LayersWithoutGradientKeepNothing) {
  Graph graph = compileSource("network N {\n  input x: [16, 64]\n"
                              "  output y = dense(relu(x * x), 8)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  // Only the dense layer keeps its input, relu's output seen as a matrix.
  EXPECT_EQ(saved->bytes, 16 * 64 * 4);
}

// The attention op's math path against the same attention in torch 1.13
// (tools/torch_attention_reference.py: x [16, 64], a query and a joint
// key/value projection, 4 heads of 16, an output projection). torch's
// figures differ from netc's by three documented amounts only:
//   - 8 B: the f64 scalar of the scale, which torch keeps;
//   - 4,096 B without dropout: torch.matmul on 4-D tensors keeps the
//     probabilities also as a [4, 16, 16] view, which the reference counts
//     apart though it shares their memory (with dropout, only the view of
//     the dropped ones is kept);
//   - 3 B per score with dropout: the CPU keeps a float mask, CUDA (netc)
//     one byte.
// A causal mask (256 B in torch, one bool per score) is a constant of the
// call, not of the sample, and not counted.
TEST(PyTorchMemory, AttentionOpMatchesTorchsMathPath) {
  struct AttentionCase {
    const char *args;
    int64_t kvHeads;
    int64_t torchBytes;
    int64_t documentedDifference;
  };
  const AttentionCase cases[] = {
      {"", 4, 28680, 8 + 4096},
      {", causal=true", 4, 28936, 8 + 4096 + 256},
      {"", 1, 28680, 8 + 4096},
      {", causal=true", 2, 28936, 8 + 4096 + 256},
      {", dropout=0.1", 4, 32776, 8 + 3 * 1024},
  };
  for (const AttentionCase &c : cases) {
    std::string kv = std::to_string(2 * c.kvHeads * 16);
    std::string split = std::to_string(c.kvHeads * 16);
    Graph graph = compileSource(
        "network N {\n  input x: [16, 64]\n  q = dense(x, 64)\n"
        "  k, v = dense(x, " + kv + ") |> split(" + split + ", axis=-1)\n"
        "  output y = attention(q, k, v, heads=4, kv_heads=" +
        std::to_string(c.kvHeads) + c.args + ") |> dense(64)\n}\n");
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.args;
    auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->bytes + c.documentedDifference, c.torchBytes)
        << c.args << " kv_heads=" << c.kvHeads;
  }
}

// Causal masking with the constant mask, in torch 1.13 with q, k =
// Linear(64, 64) and mask = tril(ones(16, 16, dtype=bool)) registered as a
// buffer (persistent=False): p = torch.where(mask, q(x) @ k(x).mT / 8,
// -1e9).softmax(-1); p @ x on x [16, 64]. tools/torch_reference.py's
// saved_bytes measures 17,672 B; netc counts 264 B less: the mask (256 B,
// which the reference counts because it leaves out only parameters; a
// constant of the model, not of the sample) and the f64 scalar of the
// division (8 B).
TEST(PyTorchMemory, CausalMaskIsAConstantNotAnActivation) {
  Graph graph = compileSource(
      "network C {\n  input x: [16, 64]\n  mask = causal_mask(16)\n"
      "  s = matmul(dense(x, 64), transpose(dense(x, 64))) / 8\n"
      "  p = where(mask, s, -1e9) |> softmax\n"
      "  output y = matmul(p, x)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 17'672 - 256 - 8);
  const Layer &mask = graph.layers[1];
  ASSERT_EQ(mask.op->name, "causal_mask");
  EXPECT_EQ(mask.params.trainable, 0);
  EXPECT_EQ(mask.params.buffers, 0);
  EXPECT_EQ(getActivationElements(mask), 0);
}

// torch 1.13: h = Linear(64, 64)(x); MultiheadAttention(64, 4,
// batch_first=True)(h, h, h, need_weights=False) on x [16, 64]; saved_bytes
// measures 28,680 B: x (the linear's), h, q, k, v, the probabilities
// (4 x 16 x 16), the attention's output, and the f64 scale (8 B, not
// counted by netc, as for the attention op).
TEST(PyTorchMemory, MultiheadAttentionMatchesTorch) {
  Graph graph = compileSource("network M {\n  input x: [16, 64]\n"
                              "  output y = dense(x, 64) |> "
                              "multihead_attention(64, 4)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 28'680 - 8);
}

// transformers' MixtralSparseMoeBlock after a Linear(dim, dim), on an input
// that needs no gradient, measured with tools/torch_moe_reference.py:
//   dim 64, hidden 224, 8 experts, top 2, 32 tokens: 299,136 B, 217,216 B
//     with the block's weights frozen;
//   dim 48, hidden 80, 4 experts, top 3, 10 tokens: 61,160 B and 43,880 B.
// Every token goes to exactly top_k experts, so the figure does not depend
// on the (random) routing.
TEST(PyTorchMemory, MoeMatchesTorch) {
  struct Case {
    const char *source;
    int64_t trained, frozen;
  };
  const Case cases[] = {
      {"network M {\n  input x: [32, 64]\n  h = dense(x, 64)\n"
       "  output y = moe(h, 8, 2, 224)\n}\n",
       299'136, 217'216},
      {"network M {\n  input x: [10, 48]\n  h = dense(x, 48)\n"
       "  output y = moe(h, 4, 3, 80)\n}\n",
       61'160, 43'880},
      // On a network input: no gradient for the input, so no gather index
      // (2 x 32 x 8 B fewer) and, frozen, nothing at all. Measured by
      // tests/pytorch/check_pytorch.py on the generated block (transformers'
      // code step for step); the random networks found it.
      {"network M {\n  input x: [32, 64]\n  output y = moe(x, 8, 2, 224)\n}\n",
       290'432, 0},
  };
  for (const Case &c : cases) {
    Graph graph = compileSource(c.source);
    ASSERT_FALSE(::testing::Test::HasFailure());
    auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->bytes, c.trained) << c.source;
    std::vector<bool> matched(1, false);
    freezeLayers(graph, {"y"}, matched);
    ASSERT_TRUE(matched[0]);
    saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->bytes, c.frozen) << c.source;
  }
}

// nn.MultiheadAttention projects its input transposed to [L, N, E]: a copy
// at two samples or more, never shared with the dense layer's view of the
// same input. torch 1.13 keeps 57,344 B at batch 2 and 114,688 B at batch 4
// (tests/pytorch/regressions/mha-batch-one-view.net; at batch 1 the copy is
// a view, 4,096 B fewer).
TEST(PyTorchMemory, MultiheadAttentionKeepsACopyOfItsInput) {
  Graph graph = compileSource(
      "network N {\n  input x: [16, 64]\n  a = multihead_attention(x, 64, 4)\n"
      "  b = dense(x, 64)\n  output y = a + b\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 57'344 / 2);
}

// Flash attention keeps q, k, v, its output and a log-sum-exp per query row
// and head in f32, instead of the probabilities (FlashAttention-2's
// backward; torch 1.13 has no flash kernel to measure).
TEST(PyTorchMemory, FlashAttentionKeepsTheLogSumExp) {
  Graph graph = compileSource(
      "network N {\n  input x: [16, 64]\n  q = dense(x, 64)\n"
      "  output y = attention(q, q, q, heads=4, impl=\"flash\")\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{2, 4});
  ASSERT_TRUE(saved);
  // x (kept by the dense layer), q (q, k and v are one tensor) and the
  // output at 2 bytes, and 4 x 16 f32 log-sum-exps.
  EXPECT_EQ(saved->bytes, 3 * 1024 * 2 + 4 * 16 * 4);
}

// Linear(64, 10)(Embedding(1000, 64)(ids)) on ids: int64 [16]: the indices
// (16 x 8 B) and the lookup's [16, 64] rows seen as a matrix by the linear
// layer; measured 4,224 B.
TEST(PyTorchMemory, EmbeddingKeepsItsInt64Indices) {
  Graph graph = compileSource("network N {\n  input ids: i64 [16]\n"
                              "  output y = ids |> embedding(1000, 64) |> "
                              "dense(10)\n}\n",
                              "[-Wdense-rank]");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 4224);
  EXPECT_EQ(saved->unsavedInputBytes, 0); // the indices are kept
}

// CUDA's fused dropout keeps one byte per element, and nothing else.
TEST(PyTorchMemory, DropoutKeepsAOneByteMask) {
  Graph graph = compileSource("network N {\n  input x: [100]\n"
                              "  output y = x |> dense(50) |> dropout(0.5)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->extraBytes, 50);
  EXPECT_EQ(saved->tensorBytes, 400); // dense keeps x
}

// In mixed precision tensors are 2 bytes and batchnorm statistics 4.
TEST(PyTorchMemory, WidthsApplyToTensorsAndStatistics) {
  Graph graph = compileSource("network N {\n  input x: [3, 8, 8]\n"
                              "  output y = x |> conv2d(8, kernel=1) |> batchnorm\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{2, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->tensorBytes, (3 * 64 + 8 * 64) * 2);
  EXPECT_EQ(saved->extraBytes, 4 * 8 * 4);
}

// A network whose input no layer keeps still holds the input batch.
TEST(PyTorchMemory, UnsavedInputIsCounted) {
  Graph graph = compileSource("network N {\n  input x: [3, 8, 8]\n"
                              "  output y = x |> upsample(2)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 0);
  EXPECT_EQ(saved->unsavedInputBytes, 3 * 64 * 4);
}

// The estimate: fixed + per sample x batch, the fit's answer fits and one
// more sample does not, and the inference total uses the peak.
TEST(PyTorchMemory, EstimateIsFixedPlusPerSampleTimesBatch) {
  Graph graph = netc::testing::loadExample("resnet18");
  ASSERT_FALSE(::testing::Test::HasFailure());
  for (int64_t batch : {1, 7, 256}) {
    TrainingSetup setup;
    setup.batch = batch;
    auto counts = countNetwork(graph);
    ASSERT_TRUE(counts);
    auto memory = applyClassicRecipe(*counts, setup);
    ASSERT_TRUE(memory);
    auto saved = computeSavedForBackward(graph, SavedWidths{4, 4});
    auto peak = computeInferencePeak(graph, 4);
    ASSERT_TRUE(saved && peak);
    auto e = estimatePyTorchMemory(*counts, setup, *memory, *saved, *peak);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->perSampleBytes, 22256640); // the input is kept by conv1
    EXPECT_EQ(e->fixedBytes, 11689512LL * 3 * 4 + 9600 * 4);
    EXPECT_EQ(e->trainingTotal, e->fixedBytes + e->perSampleBytes * batch);
    int64_t sum = 0;
    for (const MemoryTerm &t : e->training)
      sum += t.bytes;
    EXPECT_EQ(sum, e->trainingTotal);
    EXPECT_EQ(e->inferenceTotal,
              11689512LL * 4 + 9600 * 4 + peak->bytes);
  }
}

// A declared param or buffer is weights: counted once in its column, never
// as activations, input or liveness, and free when an op keeps it (torch
// keeps the parameter itself). Measured in torch 1.13 with
// tools/torch_reference.py's saved_bytes:
//   Conv2d(4, 4, 3, padding=1)(x) * gamma, gamma = Parameter([4, 1, 1]),
//   x: [4, 8, 8]: x for the convolution and the product's other factor,
//   2,048 B;
//   Linear(16, 16)(cat(cls.expand(n, -1, -1), x, 1) + pos), cls [1, 1, 16],
//   pos [1, 5, 16], x: [4, 16]: the sum, 320 B.
TEST(PyTorchMemory, DeclaredTensorsAreWeights) {
  Graph scale = compileSource("network N {\n  input x: [4, 8, 8]\n"
                              "  param gamma: [4, 1, 1]\n"
                              "  output y = conv2d(x, 4, kernel=3, padding=1) "
                              "* gamma\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto saved = computeSavedForBackward(scale, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 2048);

  Graph tokens = compileSource(
      "network N {\n  input x: [4, 16]\n  param cls: [1, 16]\n"
      "  param pos: [5, 16]\n"
      "  t = concat(cls, x) + pos\n  output y = dense(t, 16)\n}\n",
      "[-Wdense-rank]");
  ASSERT_FALSE(::testing::Test::HasFailure());
  saved = computeSavedForBackward(tokens, SavedWidths{4, 4});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->bytes, 320);
  EXPECT_EQ(saved->unsavedInputBytes, 256);
  auto counts = countNetwork(tokens);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->trainableParams, 16 + 80 + 16 * 16 + 16);
  EXPECT_EQ(counts->bufferParams, 0);
  EXPECT_EQ(counts->inputElements, 64);
  // concat, add and dense: three new [5, 16] tensors.
  EXPECT_EQ(counts->activations, 3 * 80);
  // By liveness, the params take no activation memory: at most two
  // [5, 16] tensors are live (the sum and its input, then the sum and the
  // output).
  auto peak = computeInferencePeak(tokens, 4);
  ASSERT_TRUE(peak);
  EXPECT_EQ(peak->bytes, 2 * 80 * 4);

  Graph buffers = compileSource("block b(x) {\n  buffer table: [3, 4]\n"
                                "  return x + table\n}\n"
                                "network N {\n  input x: [3, 4]\n"
                                "  buffer ids: i64[7]\n"
                                "  output y = b(b(x))\n}\n",
                                "[-Wunused-value]");
  ASSERT_FALSE(::testing::Test::HasFailure());
  counts = countNetwork(buffers);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->trainableParams, 0);
  EXPECT_EQ(counts->bufferParams, 7 + 2 * 12); // one table per call
  EXPECT_EQ(buffers.layers[1].name, "ids");
  EXPECT_EQ(buffers.layers[2].name, "y.table"); // the inner call is y
  EXPECT_EQ(buffers.layers[4].name, "y_1.table");
}

TEST(PyTorchMemory, InplaceFalseMakesANewTensor) {
  Graph graph = compileSource("network N {\n  input x: [4, 8, 8]\n"
                              "  a = relu(x)\n  b = relu(a, inplace=false)\n"
                              "  output y = dropout(b, inplace=false)\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_EQ(graph.layers.size(), 4u);
  EXPECT_EQ(graph.layers[1].storage, OutputStorage::InPlace);
  EXPECT_EQ(graph.layers[2].storage, OutputStorage::New);
  EXPECT_EQ(graph.layers[3].storage, OutputStorage::New);
  // The classic recipe counts new tensors only: b and y.
  EXPECT_EQ(getActivationElements(graph.layers[1]), 0);
  EXPECT_EQ(getActivationElements(graph.layers[2]), 256);
  EXPECT_EQ(getActivationElements(graph.layers[3]), 256);
}

} // namespace

// torch refuses to write in place into an output of split or chunk, a view
// of one, or their base, while autograd records: such a layer makes a new
// tensor, and --emit=pytorch writes it without inplace=True. Before the
// split, in place is fine.
TEST(PyTorchMemory, NothingIsInPlaceOnSplitOutputs) {
  Graph graph = compileSource("network N {\n  input x: [4, 8]\n"
                              "  w = relu(x)\n"
                              "  a, b = chunk(w, 2)\n"
                              "  c = relu(a)\n  d = relu(flatten(b))\n"
                              "  e = relu(x)\n"
                              "  output c; output d; output e\n}\n");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto layer = [&](llvm::StringRef name) -> const Layer & {
    for (const Layer &l : graph.layers)
      if (l.name == name)
        return l;
    ADD_FAILURE() << "no layer " << name.str();
    return graph.layers.front();
  };
  EXPECT_EQ(layer("w").storage, OutputStorage::InPlace);
  EXPECT_EQ(layer("c").storage, OutputStorage::New);
  EXPECT_EQ(layer("d").storage, OutputStorage::New);
  EXPECT_EQ(layer("e").storage, OutputStorage::New);
}
