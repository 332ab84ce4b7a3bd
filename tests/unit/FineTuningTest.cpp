//===- FineTuningTest.cpp - frozen parameters, LoRA and quantized weights -===//
//
// Pins the fine-tuning figures: Llama-2-7B with LoRA r=8 on q_proj and
// v_proj against PEFT's print_trainable_parameters (trainable 4,194,304,
// all 6,742,609,920), the model states of a network with frozen layers
// (weights x 1 for frozen, x 3 for trainable), Llama-2-7B's dense weights
// stored int8, int4 and nf4 (counted by hand below), and what the pytorch
// model keeps when layers are frozen (nothing below the first trainable
// layer; a frozen dense keeps nothing, lora_B keeps lora_A's rank-wide
// output).
//
//===----------------------------------------------------------------------===//
#include "netc/Analysis/NetworkAnalysis.h"
#include "netc/Transform/FineTuning.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

using namespace netc;
using namespace netc::testing;

namespace {

std::optional<NetworkAnalysis> analyze(const Graph &g,
                                       AnalysisOptions options = {}) {
  llvm::SourceMgr sourceMgr;
  RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  return analyzeNetwork(g, options, diags);
}

Graph loadLlama2(int64_t tokens = 16) {
  return loadExample("llama", {{"preset", Value::string("llama2_7b")},
                               {"tokens", Value::integer(tokens)}});
}

LoraConfig loraOn(std::vector<std::string> targets, int64_t rank = 8) {
  LoraConfig config;
  config.rank = rank;
  config.targets = std::move(targets);
  return config;
}

const Layer *findLayer(const Graph &g, llvm::StringRef name) {
  for (const Layer &layer : g.layers)
    if (layer.name == name)
      return &layer;
  return nullptr;
}

LayerId findLayerId(const Graph &g, llvm::StringRef name) {
  for (LayerId id = 0; id < g.layers.size(); ++id)
    if (g.layers[id].name == name)
      return id;
  return LayerId(-1);
}

// PEFT on meta-llama/Llama-2-7b-hf with LoraConfig(r=8,
// target_modules=["q_proj", "v_proj"]) prints
//   trainable params: 4,194,304 || all params: 6,742,609,920 || trainable%: 0.0622
// Per layer, q_proj and v_proj ([4096 -> 4096]) each get A (8 x 4096) and
// B (4096 x 8): 2 x 2 x 32,768 = 131,072; 32 layers: 4,194,304.
TEST(FineTuning, LoraOnLlama2MatchesPeft) {
  Graph g = loadLlama2();
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(2, false);
  ASSERT_TRUE(addLoraAdapters(g, loraOn({"q_proj", "v_proj"}), matched));
  EXPECT_TRUE(matched[0] && matched[1]);
  auto a = analyze(g);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->counts.trainableParams, 4'194'304);
  EXPECT_EQ(a->counts.getParams(), 6'742'609'920);
  EXPECT_EQ(a->counts.frozenParams, 6'738'415'616);
  // The adapters are real layers: A's MACs per token are rank x in.
  const Layer *A = findLayer(g, "x.0.q_proj.lora_A");
  const Layer *B = findLayer(g, "x.0.q_proj.lora_B");
  ASSERT_TRUE(A && B);
  EXPECT_EQ(A->params.trainable, 8 * 4096);
  EXPECT_EQ(B->params.trainable, 4096 * 8);
  EXPECT_EQ(A->type.dims, (llvm::SmallVector<int64_t, 4>{16, 8}));
  EXPECT_EQ(a->layerCosts[findLayerId(g, "x.0.q_proj.lora_A")].macs,
            16 * 4096 * 8);
  // The rope reads the adapted projection.
  const Layer *q = findLayer(g, "x.0.q");
  ASSERT_TRUE(q);
  EXPECT_EQ(g.layers[q->inputs[0]].name, "x.0.q_proj.lora_add");
  // k_proj has no adapter, and is frozen.
  EXPECT_FALSE(findLayer(g, "x.0.k_proj.lora_A"));
  EXPECT_EQ(findLayer(g, "x.0.k_proj")->params.frozen, 4096 * 4096);
}

TEST(FineTuning, LoraTargetsFollowPeftsSuffixRule) {
  EXPECT_TRUE(isLoraTarget("x.0.q_proj", "q_proj"));
  EXPECT_TRUE(isLoraTarget("q_proj", "q_proj"));
  EXPECT_TRUE(isLoraTarget("x.0.q_proj", "0.q_proj"));
  EXPECT_FALSE(isLoraTarget("x.0.kq_proj", "q_proj"));
  EXPECT_FALSE(isLoraTarget("x.0.q_proj.lora_A", "q_proj"));
}

// LeNet-5 with its two convolutions frozen (--freeze 'x' --freeze
// 'x_conv2d'): 156 + 2,416 = 2,572 frozen, 61,706 - 2,572 = 59,134
// trainable. The classic recipe: 59,134 x 3 x 4 B = 709,608 B for the
// trainable ones, 2,572 x 1 x 4 B = 10,288 B for the frozen ones.
TEST(FineTuning, FrozenParametersAreWeightsOnly) {
  Graph g = loadExample("lenet5");
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(2, false);
  freezeLayers(g, {"x", "x_conv2d"}, matched);
  EXPECT_TRUE(matched[0] && matched[1]);
  auto a = analyze(g);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->counts.trainableParams, 59'134);
  EXPECT_EQ(a->counts.frozenParams, 2'572);
  ASSERT_GE(a->estimate.training.size(), 2u);
  EXPECT_EQ(a->estimate.training[0].kind, MemoryTermKind::ModelStates);
  EXPECT_EQ(a->estimate.training[0].bytes, 709'608);
  EXPECT_EQ(a->estimate.training[1].kind, MemoryTermKind::FrozenWeights);
  EXPECT_EQ(a->estimate.training[1].bytes, 10'288);
  EXPECT_EQ(a->estimate.fixedBytes, 709'608 + 10'288);
  // Inference keeps every weight once.
  EXPECT_EQ(a->classic.inferenceParamBytes, 61'706 * 4);

  // Mixed-precision Adam: 16 bytes per trainable parameter, 2 per frozen
  // one (no f32 master weights, no states).
  AnalysisOptions mixed;
  mixed.states.optimizer = Optimizer::Adam;
  mixed.states.mixedPrecision = true;
  a = analyze(g, mixed);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->classic.modelStates.total, 59'134 * 16 + 2'572 * 2);

  // A glob over several layers: every dense layer.
  Graph h = loadExample("lenet5");
  std::vector<bool> dense(1, false);
  freezeLayers(h, {"*dense*"}, dense);
  EXPECT_TRUE(dense[0]);
  EXPECT_EQ(analyze(h)->counts.frozenParams, 48'120 + 10'164);
  std::vector<bool> none(1, false);
  freezeLayers(h, {"x.*.q_proj"}, none);
  EXPECT_FALSE(none[0]);
}

// Llama-2-7B's dense weights, all but lm_head's (a network output, kept in
// full precision as Transformers keeps it):
//   per layer q, k, v, o: 4 x 4096 x 4096       =    67,108,864
//             gate, up, down: 3 x 4096 x 11008  =   135,266,304
//   32 layers x 202,375,168                     = 6,476,005,376
// the rest, at the element type: the embedding and lm_head 2 x 32000 x 4096
// = 262,144,000, the norms 65 x 4096 = 266,240: 262,410,240 (f16: 524,820,480
// B). Quantized:
//   int8: 6,476,005,376 x 8 bits = 6,476,005,376 B
//   int4: 6,476,005,376 x 4 bits = 3,238,002,688 B
//   nf4:  3,238,002,688 B + one f32 absmax per 64 weights: 6,476,005,376 / 64
//         = 101,187,584 blocks x 4 B = 404,750,336 B; 3,642,753,024 B
// (no double quantization of the absmax values).
TEST(FineTuning, QuantizedWeightsOfLlama2) {
  Graph g = loadLlama2();
  ASSERT_FALSE(HasFailure());
  auto plain = analyze(g);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->counts.quantizable.elements, 6'476'005'376);
  EXPECT_EQ(plain->counts.quantizable.blocks, 101'187'584);
  struct Case {
    WeightFormat format;
    int64_t weightBytes, scaleBytes;
  } cases[] = {{WeightFormat::Int8, 6'476'005'376, 0},
               {WeightFormat::Int4, 3'238'002'688, 0},
               {WeightFormat::NF4, 3'238'002'688, 404'750'336}};
  for (const Case &c : cases) {
    AnalysisOptions options;
    options.dtype = DType::F16;
    options.states.weightFormat = c.format;
    auto a = analyze(g, options);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->classic.inferenceQuantized.weights, c.weightBytes);
    EXPECT_EQ(a->classic.inferenceQuantized.scales, c.scaleBytes);
    EXPECT_EQ(a->classic.inferenceParamBytes, 524'820'480);
    // Nothing is frozen: training stores no weight quantized.
    EXPECT_EQ(a->classic.modelStates.quantized.weights, 0);
  }
  // An adapter on the head (lm_head, `logits`) leaves it the head: still
  // not quantized, and neither are its adapter's A and B.
  std::vector<bool> matched(1, false);
  ASSERT_TRUE(addLoraAdapters(g, loraOn({"logits"}), matched));
  EXPECT_TRUE(matched[0]);
  auto adapted = analyze(g);
  ASSERT_TRUE(adapted);
  EXPECT_EQ(adapted->counts.quantizable.elements, 6'476'005'376);
  EXPECT_EQ(adapted->counts.quantizableFrozen.elements, 6'476'005'376);
}

// QLoRA: the frozen base in nf4, the adapters trained in the element type.
// f16, momentum: 4,194,304 x 3 x 2 B = 25,165,824 B; the frozen rest at
// 2 B: 262,410,240 x 2 = 524,820,480 B; the quantized dense weights and
// their scales as above: 3,642,753,024 B.
TEST(FineTuning, QLoraWeightsTerm) {
  Graph g = loadLlama2();
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(2, false);
  ASSERT_TRUE(addLoraAdapters(g, loraOn({"q_proj", "v_proj"}), matched));
  AnalysisOptions options;
  options.dtype = DType::F16;
  options.states.weightFormat = WeightFormat::NF4;
  auto a = analyze(g, options);
  ASSERT_TRUE(a);
  const ModelStateBytes &s = a->classic.modelStates;
  EXPECT_EQ(s.weights + s.gradients + s.optimizer, 25'165'824);
  EXPECT_EQ(s.frozenWeights, 524'820'480);
  EXPECT_EQ(s.quantized.weights, 3'238'002'688);
  EXPECT_EQ(s.quantized.scales, 404'750'336);
  EXPECT_EQ(s.total, 25'165'824 + 524'820'480 + 3'642'753'024);
  // The adapters stay in the element type, in inference too.
  EXPECT_EQ(a->classic.inferenceParamBytes, (262'410'240 + 4'194'304) * 2);
}

// The pytorch model: with the first convolution frozen, nothing below the
// first trainable layer needs a gradient, so nothing is kept there (torch
// with requires_grad=False on conv1: the image, the tanh's output and the
// pooling's input are not saved).
TEST(FineTuning, PyTorchModelKeepsNothingBelowTheFirstTrainableLayer) {
  Graph g = loadExample("lenet5");
  ASSERT_FALSE(HasFailure());
  auto full = analyze(g);
  ASSERT_TRUE(full);
  std::vector<bool> matched(1, false);
  freezeLayers(g, {"x"}, matched);
  auto a = analyze(g);
  ASSERT_TRUE(a);
  ASSERT_FALSE(a->saved.layers.empty());
  EXPECT_EQ(g.layers[a->saved.layers.front().layer].name, "x_conv2d");
  EXPECT_LT(a->saved.bytes, full->saved.bytes);
  // The image is then kept by no layer: the batch is counted on its own.
  EXPECT_EQ(a->saved.unsavedInputBytes, 1024 * 4);
}

// LoRA in the pytorch model: a frozen dense keeps nothing (torch's mm
// keeps a factor only for the other's gradient, and the weight needs
// none); lora_A keeps its input, lora_B lora_A's output, rank per token.
TEST(FineTuning, PyTorchModelKeepsTheAdaptersInputs) {
  Graph g = compileSource("network N {\n"
                          "  input x: [10, 32]\n"
                          "  h = dense(x, 32)\n"
                          "  q_proj = dense(h, 32, bias=false)\n"
                          "  output y = dense(relu(q_proj), 4)\n"
                          "}\n");
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(1, false);
  ASSERT_TRUE(addLoraAdapters(g, loraOn({"q_proj"}, 4), matched));
  auto a = analyze(g);
  ASSERT_TRUE(a);
  std::vector<std::string> keepers;
  for (const LayerSaves &s : a->saved.layers)
    keepers.push_back(g.layers[s.layer].name);
  // h and q_proj (frozen, on no gradient) keep nothing; the head is
  // frozen too, so relu is the last layer that keeps.
  EXPECT_EQ(keepers, (std::vector<std::string>{
                         "q_proj.lora_A", "q_proj.lora_B", "y_relu"}));
  // lora_A keeps h [10, 32] (as a matrix), lora_B A's output [10, 4], relu
  // its output [10, 32]: (320 + 40 + 320) x 4 B.
  EXPECT_EQ(a->saved.bytes, (320 + 40 + 320) * 4);
}

} // namespace

namespace {

Graph loadFineTuningTest(const std::string &name,
                         std::vector<std::pair<std::string, Value>> defines =
                             {}) {
  return loadNetFile(std::string(NETC_SOURCE_DIR) + "/tests/finetune/" +
                         name + ".net",
                     std::move(defines));
}

// lora(q_proj, rank=8) and lora(v_proj, rank=8) written in every block of
// Llama-2-7B (tests/finetune/llama-lora.net) give PEFT's figures, and
// exactly the layers --lora rank=8,targets=q_proj,v_proj inserts: the same
// names, ops, parameters (trainable and frozen), MACs and pytorch-model
// saved bytes, layer by layer.
TEST(FineTuning, LoraInTheLanguageIsTheOption) {
  Graph written = loadFineTuningTest("llama-lora");
  Graph option = loadLlama2();
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(2, false);
  ASSERT_TRUE(addLoraAdapters(option, loraOn({"q_proj", "v_proj"}), matched));
  auto a = analyze(written);
  auto b = analyze(option);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->counts.trainableParams, 4'194'304);
  EXPECT_EQ(a->counts.getParams(), 6'742'609'920);
  EXPECT_EQ(a->counts.frozenParams, 6'738'415'616);
  EXPECT_EQ(a->totalCost.macs, b->totalCost.macs);
  EXPECT_EQ(a->saved.bytes, b->saved.bytes);
  EXPECT_EQ(a->estimate.trainingTotal, b->estimate.trainingTotal);
  ASSERT_EQ(written.layers.size(), option.layers.size());
  for (LayerId id = 0; id < written.layers.size(); ++id) {
    const Layer &x = written.layers[id], &y = option.layers[id];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.op, y.op) << x.name;
    EXPECT_EQ(x.lora, y.lora) << x.name;
    EXPECT_EQ(x.params.trainable, y.params.trainable) << x.name;
    EXPECT_EQ(x.params.frozen, y.params.frozen) << x.name;
    EXPECT_EQ(a->layerCosts[id].macs, b->layerCosts[id].macs) << x.name;
    EXPECT_EQ(a->getSavedBytes(id), b->getSavedBytes(id)) << x.name;
    if (HasFailure())
      break;
  }
  // A layer lora(...) adapted is no target of --lora.
  EXPECT_EQ(findAdaptedTarget(written, loraOn({"v_proj"})),
            findLayerId(written, "x.0.v_proj"));
  EXPECT_FALSE(findAdaptedTarget(written, loraOn({"k_proj"})));
}

// lora's alpha and dropout: NAME.lora_dropout first when dropout > 0, the
// scale alpha / rank; the value lora returns carries the adapter, the dense
// output itself does not (relu(q_proj) reads q_proj).
TEST(FineTuning, LoraArguments) {
  Graph g = compileSource("network N {\n"
                          "  input x: [10, 32]\n"
                          "  q_proj = dense(x, 16)\n"
                          "  q = lora(q_proj, rank=4, alpha=16, dropout=0.1)\n"
                          "  output y = q + relu(q_proj)\n"
                          "}\n");
  ASSERT_FALSE(HasFailure());
  std::vector<std::string> names;
  for (const Layer &layer : g.layers)
    names.push_back(layer.name);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "x", "q_proj", "q_proj.lora_dropout", "q_proj.lora_A",
                       "q_proj.lora_B", "q_proj.lora_scale", "q_proj.lora_add",
                       "y_relu", "y"}));
  const Layer *scale = findLayer(g, "q_proj.lora_scale");
  ASSERT_TRUE(scale && scale->getAttribute("factor"));
  EXPECT_EQ(scale->getAttribute("factor")->value.getNumber(), 4.0);
  EXPECT_EQ(findLayer(g, "q_proj.lora_A")->params.trainable, 4 * 32);
  EXPECT_EQ(findLayer(g, "q_proj.lora_B")->params.trainable, 16 * 4);
  // The base model is frozen: q_proj's 32 x 16 + 16.
  EXPECT_EQ(findLayer(g, "q_proj")->params.frozen, 528);
  EXPECT_EQ(findLayer(g, "q_proj")->params.trainable, 0);
  EXPECT_EQ(findLayer(g, "y_relu")->inputs[0], findLayerId(g, "q_proj"));
  EXPECT_EQ(totalTrainable(g), 4 * 32 + 16 * 4);
}

// frozen=true on a block call freezes every layer of the call, as
// --freeze 'x.*' does; on an op call, its layer, as --freeze 'y' does
// (tests/finetune/frozen.net and frozen-plain.net).
TEST(FineTuning, FrozenCallsAreFreeze) {
  Graph written = loadFineTuningTest("frozen");
  Graph option = loadFineTuningTest("frozen-plain");
  ASSERT_FALSE(HasFailure());
  std::vector<bool> matched(2, false);
  freezeLayers(option, {"x.*", "y"}, matched);
  EXPECT_TRUE(matched[0] && matched[1]);
  ASSERT_EQ(written.layers.size(), option.layers.size());
  for (LayerId id = 0; id < written.layers.size(); ++id) {
    const Layer &x = written.layers[id], &y = option.layers[id];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.params.trainable, y.params.trainable) << x.name;
    EXPECT_EQ(x.params.frozen, y.params.frozen) << x.name;
    EXPECT_EQ(x.params.buffers, y.params.buffers) << x.name;
  }
  auto a = analyze(written);
  auto b = analyze(option);
  ASSERT_TRUE(a && b);
  // stage(image, 16): 3x3 convs 3->16 and 16->16 with biases and a
  // batchnorm: 448 + 2,320 + 32 = 2,800; y: 32->64, 18,496.
  EXPECT_EQ(a->counts.frozenParams, 2'800 + 18'496);
  EXPECT_EQ(a->counts.trainableParams, b->counts.trainableParams);
  EXPECT_EQ(a->estimate.trainingTotal, b->estimate.trainingTotal);
  // frozen=false changes nothing.
  Graph same = compileSource("network N {\n"
                             "  input x: [8]\n"
                             "  output y = dense(x, 4, frozen=false)\n"
                             "}\n");
  EXPECT_EQ(totalTrainable(same), 36);
}

} // namespace
