//===- TransformerFiguresTest.cpp - the transformer examples' figures -----===//
//
// Pins the parameter counts of examples/gpt2.net, bert.net, llama.net and
// mixtral.net at every -D preset to the published figures (Hugging Face's
// model.num_parameters(), the tied weight once), which
// tools/torch_transformers_reference.py reproduces in torch 1.13 for GPT-2
// and BERT. Llama's are Meta's and Mistral's model cards' exact counts
// (sum of numel over the released state_dicts); Mixtral 8x7B's is Hugging
// Face's 46,702,792,704, 8x22B's the same sum for its configuration
// (published as 141 B).
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/PyTorchMemory.h"
#include "netc/Ops/OpRegistry.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace netc;
using namespace netc::testing;

namespace {

struct PresetCase {
  const char *example;
  const char *preset;
  int64_t parameters;
};

const PresetCase Presets[] = {
    {"gpt2", "small", 124'439'808},
    {"gpt2", "medium", 354'823'168},
    {"gpt2", "large", 774'030'080},
    {"gpt2", "xl", 1'557'611'200},
    {"bert", "base", 109'482'240},
    {"bert", "large", 335'141'888},
    {"llama", "llama2_7b", 6'738'415'616},
    {"llama", "llama2_70b", 68'976'648'192},
    {"llama", "llama3_8b", 8'030'261'248},
    {"llama", "mistral_7b", 7'241'732'096},
    {"mixtral", "mixtral_8x7b", 46'702'792'704},
    {"mixtral", "mixtral_8x22b", 140'630'071'296},
};

TEST(TransformerFigures, EveryPresetHasThePublishedParameterCount) {
  for (const PresetCase &c : Presets) {
    Graph g = loadExample(c.example, {{"preset", Value::string(c.preset)}});
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.example << " " << c.preset;
    EXPECT_EQ(totalTrainable(g), c.parameters) << c.example << " " << c.preset;
  }
}

// GPT-2's output layer uses the token embedding's weight: without the tie
// it would add 50,257 x 768 = 38,597,376 parameters.
TEST(TransformerFigures, Gpt2HeadSharesTheTokenEmbedding) {
  Graph g = loadExample("gpt2");
  ASSERT_FALSE(HasFailure());
  const Layer &head = g.layers[g.outputs[0].layer];
  EXPECT_EQ(head.op->name, "dense");
  EXPECT_EQ(head.params.trainable, 0);
  const Attribute *weight = head.getAttribute("weight");
  ASSERT_TRUE(weight && weight->value.isWeight());
  EXPECT_EQ(g.layers[weight->value.getWeightOwner()].name, "tok");
}

// Mixtral's active parameters per token: the router and 2 of the 8 experts
// of each layer, with everything else. Mixtral 8x7B: 46.7 B parameters,
// 12.9 B active (Mistral AI's announcement); exactly, 32 layers of
// attention 41,943,040, norms 8,192, router 32,768 and two experts of
// 3 x 4,096 x 14,336, plus the embedding, head and final norm. 8x22B: 141
// B and 39 B. The MACs per token equal the active parameters but the
// embedding's (a lookup) and the attention's products over the tokens.
TEST(TransformerFigures, MixtralActiveParametersPerToken) {
  struct Case {
    const char *preset;
    int64_t active;
  };
  for (Case c : {Case{"mixtral_8x7b", 12'879'925'248},
                 Case{"mixtral_8x22b", 39'161'468'928}}) {
    Graph g = loadExample("mixtral", {{"preset", Value::string(c.preset)},
                                      {"tokens", Value::integer(1)}});
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.preset;
    int64_t idle = 0, macs = 0, vocabDim = 0;
    for (LayerId id = 0; id < g.layers.size(); ++id) {
      idle += g.layers[id].params.idle;
      macs += computeLayerCost(g, id)->macs;
      if (g.layers[id].op->name == "embedding")
        vocabDim = g.layers[id].params.trainable;
    }
    EXPECT_EQ(totalTrainable(g) - idle, c.active) << c.preset;
    // Each layer's two norm weights (2 dim) do no MACs, and one token
    // attending to itself alone does two products of head_dim per head (2
    // dim): they cancel; the embedding and the final norm's dim remain.
    int64_t dim = std::string(c.preset) == "mixtral_8x7b" ? 4096 : 6144;
    EXPECT_EQ(macs, c.active - vocabDim - dim) << c.preset;
  }
}

// Llama-3-8B's attention: 32 query heads share 8 key and value heads, so k
// and v project to 1,024 features, a quarter of q's 4,096.
TEST(TransformerFigures, Llama3UsesGroupedQueryAttention) {
  Graph g = loadExample("llama", {{"preset", Value::string("llama3_8b")}});
  ASSERT_FALSE(HasFailure());
  unsigned attentions = 0;
  for (const Layer &layer : g.layers) {
    if (layer.op->name != "attention")
      continue;
    ++attentions;
    EXPECT_EQ(layer.getAttribute("kv_heads")->value.getInt(), 8);
    EXPECT_EQ(g.layers[layer.inputs[1]].type.dims.back(), 1024);
  }
  EXPECT_EQ(attentions, 32u);
}

} // namespace

namespace {

// The pytorch memory model against torch 1.13 on the transformer examples,
// f32, batch 1, training mode, dropout 0.1 with CUDA's 1-byte masks
// (tools/torch_transformers_reference.py measures them with
// torch.native_dropout, which keeps a bool mask on the CPU too):
//   GPT-2 small at 1,024 tokens: 2,001,690,672 B. netc counts 12,591,152 B
//     less: the causal-mask slice each layer's `where` keeps (its own
//     buffer, 1,048,576 B, 12 of them: a constant of the call, not of the
//     sample), the position ids torch makes with arange (8,192 B), and the
//     0-dim f32 divisor of each layer's scores (12 x 4 B).
//   BERT-base at 128 tokens: 99,616,864 B. netc counts 1,120 B less: the
//     position and token-type ids, slices of buffers in torch (2 x 1,024
//     B) where netc has a buffer and an input (the input's 1,024 B
//     counted), and the f64 divisor of each layer's scores (12 x 8 B).
TEST(TransformerFigures, SavedBytesMatchTorchUpToDocumentedConstants) {
  struct Case {
    const char *example;
    int64_t torchBytes;
    int64_t documentedDifference;
  };
  const Case cases[] = {
      {"gpt2", 2'001'690'672, 12 * 1'048'576 + 8'192 + 12 * 4},
      {"bert", 99'616'864, 1'024 + 12 * 8},
  };
  for (const Case &c : cases) {
    Graph g = loadExample(c.example);
    ASSERT_FALSE(::testing::Test::HasFailure()) << c.example;
    auto saved = computeSavedForBackward(g, SavedWidths{4, 4});
    ASSERT_TRUE(saved);
    EXPECT_EQ(saved->bytes + c.documentedDifference, c.torchBytes)
        << c.example;
    // The target: within 1% of what torch keeps.
    EXPECT_LT(std::abs(double(saved->bytes - c.torchBytes)) / c.torchBytes,
              0.01)
        << c.example;
  }
}

} // namespace
