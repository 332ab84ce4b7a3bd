//===- Parallelism.cpp - the first pipeline stage's activations -----------===//
#include "netc/Memory/Parallelism.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>

using namespace netc;

SpellingTable<Recompute> netc::getRecomputeSpellings() {
  static const Spelling<Recompute> spellings[] = {
      {Recompute::None, "none", "keep every activation (default)"},
      {Recompute::Selective, "selective",
       "recompute the attention ops' scores, probabilities and masks"},
      {Recompute::Full, "full", "keep only each layer's input"}};
  return spellings;
}

int64_t ParallelismConfig::getMicroBatchesInFlight() const {
  int64_t m = microBatches > 0 ? microBatches : pipelineParallel;
  return std::min(pipelineParallel, m);
}

namespace {
/// How an op treats tensors split over tensor-parallel devices.
enum class SplitRule {
  /// Works on whole tensors: a split input is gathered, the output whole.
  Gather,
  /// Works on each part (element-wise, views): the output is split as the
  /// input.
  FollowInput,
  /// dense: column parallel on a whole input (output split), row parallel
  /// on a split one (output whole).
  Dense,
  /// embedding: rows split by vocabulary, output whole.
  Embedding,
  /// add, mul, attention: split when all tensor inputs are, else gathered.
  AllInputs,
};
} // namespace

static SplitRule getSplitRule(const OpDef &op) {
  switch (op.family) {
  case OpFamily::Activation:
  case OpFamily::Regularization:
    // A softmax along a split axis needs the whole row.
    return op.name == "softmax" || op.name == "log_softmax"
               ? SplitRule::Gather
               : SplitRule::FollowInput;
  case OpFamily::Reshape:
    return op.name == "center_crop" ? SplitRule::Gather
                                    : SplitRule::FollowInput;
  case OpFamily::Dense:
    return llvm::StringSwitch<SplitRule>(op.name)
        .Case("dense", SplitRule::Dense)
        .Case("embedding", SplitRule::Embedding)
        .Default(SplitRule::Gather);
  case OpFamily::Merge:
    return llvm::StringSwitch<SplitRule>(op.name)
        .Cases("add", "mul", SplitRule::AllInputs)
        .Case("mul_scalar", SplitRule::FollowInput)
        .Default(SplitRule::Gather);
  case OpFamily::Attention:
    // multihead_attention holds its own projections: whole on every device.
    return llvm::StringSwitch<SplitRule>(op.name)
        .Case("attention", SplitRule::AllInputs)
        .Case("rope", SplitRule::FollowInput)
        .Default(SplitRule::Gather);
  default:
    return SplitRule::Gather;
  }
}

TensorParallelLayout::TensorParallelLayout(const Graph &graph,
                                           const ParallelismConfig &config)
    : graph(graph), devices(config.tensorParallel),
      sequenceParallel(config.sequenceParallel),
      split(graph.layers.size(), false),
      readsParts(graph.layers.size(), false) {
  if (devices <= 1)
    return;
  for (LayerId id = 0; id < static_cast<LayerId>(graph.layers.size()); ++id) {
    const Layer &layer = graph.layers[id];
    bool anySplit = false, allSplit = !layer.inputs.empty();
    for (LayerId in : layer.inputs) {
      anySplit = anySplit || split[in];
      allSplit = allSplit && split[in];
    }
    // A LoRA adapter's sum stands for its base layer (input 0): split as
    // it is, so the layers after see the base's layout.
    if (layer.lora == LoraRole::Sum) {
      split[id] = split[layer.inputs[0]];
      readsParts[id] = true;
      continue;
    }
    switch (getSplitRule(*layer.op)) {
    case SplitRule::Gather:
      break;
    case SplitRule::FollowInput:
      readsParts[id] = true;
      split[id] = !layer.inputs.empty() && split[layer.inputs[0]];
      break;
    case SplitRule::Dense:
      readsParts[id] = true;
      split[id] = !anySplit;
      break;
    case SplitRule::Embedding:
      readsParts[id] = true;
      break;
    case SplitRule::AllInputs:
      readsParts[id] = allSplit || !anySplit;
      split[id] = allSplit;
      break;
    }
  }
}

int64_t TensorParallelLayout::getDevices(LayerId tensor, LayerId keeper) const {
  if (devices <= 1)
    return 1;
  if (sequenceParallel || (split[tensor] && readsParts[keeper]))
    return devices;
  return 1;
}

ParamCount TensorParallelLayout::getDeviceParams(LayerId id) const {
  const Layer &layer = graph.layers[id];
  ParamCount params = layer.params;
  if (devices <= 1)
    return params;
  // A layer is frozen or trained whole: split its parameters as trained,
  // then give them back to the kind they are.
  bool frozen = params.trainable == 0 && params.frozen > 0;
  params.trainable = params.getParams();
  params.frozen = 0;
  auto restore = [&] {
    if (frozen)
      std::swap(params.trainable, params.frozen);
    return params;
  };
  switch (getSplitRule(*layer.op)) {
  case SplitRule::Embedding: {
    // The table of token ids read from a network input is split by rows
    // (vocabulary parallel), rounded up to whole rows; a table of ids
    // the network declares (a buffer of positions) stays whole.
    const Layer &ids = graph.layers[layer.inputs[0]];
    int64_t rows = 0;
    if (const Attribute *vocab = layer.getAttribute("vocab"))
      rows = vocab->value.isInt() ? vocab->value.getInt() : 0;
    if (ids.op == &getInputOp() && rows > 0)
      params.trainable = ceilDiv(rows, devices) * (params.trainable / rows);
    break;
  }
  case SplitRule::Dense: {
    // The bias of a column-parallel dense is split with its outputs; a
    // row-parallel one adds its whole bias after the sum of the parts.
    const Attribute *bias = layer.getAttribute("bias");
    int64_t biasCount = bias && bias->value.isBool() && bias->value.getBool()
                            ? layer.type.dims.back()
                            : 0;
    int64_t weight = params.trainable - biasCount;
    params.trainable = ceilDiv(weight, devices) +
                       (split[id] ? ceilDiv(biasCount, devices) : biasCount);
    break;
  }
  default:
    break;
  }
  return restore();
}

unsigned netc::countTopLevelCalls(const Graph &graph) {
  return static_cast<unsigned>(
      std::count_if(graph.scopes.begin(), graph.scopes.end(),
                    [](const BlockScope &s) { return s.depth == 1; }));
}

namespace {
/// Finds, for each layer, the block call from the network body it was made
/// in and the pipeline stage it runs on.
class StageMap {
public:
  StageMap(const Graph &graph, int64_t stages) : layerOf(graph.scopes.size(), -1) {
    // Scopes list parents before children: the top call of a scope is its
    // parent's, or its own at depth 1.
    std::vector<int> top(graph.scopes.size(), -1);
    for (size_t s = 0; s < graph.scopes.size(); ++s) {
      int parent = graph.scopes[s].parent;
      top[s] = parent < 0 ? static_cast<int>(s) : top[parent];
      if (parent < 0) {
        layerOf[s] = static_cast<int>(calls.size());
        calls.push_back(static_cast<int>(s));
      }
    }
    int64_t perStage = calls.empty() ? 1 : std::max<int64_t>(
                                               1, calls.size() / stages);
    // A layer outside the calls runs on the stage of the call before it.
    int lastCall = -1;
    callOfLayer.reserve(graph.layers.size());
    stageOfLayer.reserve(graph.layers.size());
    for (const Layer &layer : graph.layers) {
      int call = layer.scope < 0 ? -1 : layerOf[top[layer.scope]];
      if (call >= 0)
        lastCall = call;
      callOfLayer.push_back(call);
      stageOfLayer.push_back(lastCall < 0 ? 0 : lastCall / perStage);
    }
    firstStageCalls = static_cast<unsigned>(
        std::min<int64_t>(perStage, static_cast<int64_t>(calls.size())));
  }

  /// The scopes of the calls from the network body, in order.
  std::vector<int> calls;
  /// Per layer: the index in `calls` of its call (-1 outside), its stage.
  std::vector<int> callOfLayer;
  std::vector<int64_t> stageOfLayer;
  unsigned firstStageCalls = 0;

private:
  /// Per scope: its index in `calls` when it is one.
  std::vector<int> layerOf;
};
} // namespace

/// The bytes of the tensors \p call's layers read from outside it: the
/// layer's input, all full recomputation keeps.
static std::optional<int64_t>
countCallInputBytes(const Graph &graph, const StageMap &stages, int call,
                    int64_t width, const TensorParallelLayout &layout) {
  CheckedArithmetic c;
  int64_t bytes = 0;
  std::vector<LayerId> seen;
  for (LayerId id = 0; id < static_cast<LayerId>(graph.layers.size()); ++id) {
    if (stages.callOfLayer[id] != call)
      continue;
    for (LayerId in : graph.layers[id].inputs) {
      if (stages.callOfLayer[in] == call || llvm::is_contained(seen, in))
        continue;
      seen.push_back(in);
      const TensorType &type = graph.layers[in].type;
      // Declared params and buffers are weights, not activations.
      if (graph.layers[in].op->family == OpFamily::Parameter)
        continue;
      int64_t elements =
          ceilDiv(*type.getNumElements(), layout.getDevices(in, id));
      bytes = c.add({bytes, c.mul({elements, isFloatingPoint(type.dtype)
                                                 ? width
                                                 : int64_t(getByteWidth(
                                                       type.dtype))})});
    }
  }
  if (c.overflowed())
    return std::nullopt;
  return bytes;
}

std::optional<DistributedTraining>
netc::analyzeDistributedTraining(const Graph &graph, const SavedWidths &widths,
                                 const ParallelismConfig &config) {
  DistributedTraining result;
  result.config = config;
  result.microBatchesInFlight = config.getMicroBatchesInFlight();
  TensorParallelLayout layout(graph, config);
  std::optional<SavedForBackward> saved = computeSavedForBackward(
      graph, widths,
      [&](LayerId tensor, LayerId keeper) {
        return layout.getDevices(tensor, keeper);
      });
  if (!saved)
    return std::nullopt;
  StageMap stages(graph, config.pipelineParallel);
  result.stageLayers = stages.firstStageCalls;
  for (int scope : stages.calls) {
    LayerActivations layer;
    layer.scope = scope;
    result.layers.push_back(layer);
  }

  CheckedArithmetic c;
  for (const LayerSaves &record : saved->layers) {
    const Layer &layer = graph.layers[record.layer];
    int call = stages.callOfLayer[record.layer];
    if (call < 0) {
      if (stages.stageOfLayer[record.layer] == 0)
        result.outsideBytes = c.add({result.outsideBytes,
                                     record.getFirstKeptBytes()});
      continue;
    }
    LayerActivations &into = result.layers[call];
    into.keptBytes = c.add({into.keptBytes, record.newTensorBytes});
    if (layer.op->family == OpFamily::Normalization)
      into.statisticBytes = c.add({into.statisticBytes, record.extraBytes});
    else if (config.recompute == Recompute::Selective &&
             layer.op->name == "attention")
      into.recomputedBytes = c.add({into.recomputedBytes, record.extraBytes});
    else
      into.keptBytes = c.add({into.keptBytes, record.extraBytes});
  }
  if (config.recompute == Recompute::Full) {
    int64_t width = widths.activation;
    for (size_t call = 0; call < result.layers.size(); ++call) {
      LayerActivations &layer = result.layers[call];
      std::optional<int64_t> input = countCallInputBytes(
          graph, stages, static_cast<int>(call), width, layout);
      if (!input)
        return std::nullopt;
      layer.recomputedBytes = c.add({layer.keptBytes, layer.statisticBytes});
      layer.keptBytes = *input;
      layer.statisticBytes = 0;
    }
  }

  result.stageBytes = result.outsideBytes;
  for (unsigned call = 0; call < result.stageLayers; ++call) {
    const LayerActivations &layer = result.layers[call];
    result.stageBytes = c.add({result.stageBytes, layer.keptBytes,
                               layer.statisticBytes});
    result.recomputedBytes =
        std::max(result.recomputedBytes, layer.recomputedBytes);
  }
  result.perSampleBytes =
      c.add({c.mul({result.microBatchesInFlight, result.stageBytes}),
             result.recomputedBytes});
  for (LayerId id = 0; id < static_cast<LayerId>(graph.layers.size()); ++id) {
    if (stages.stageOfLayer[id] != 0)
      continue;
    ParamCount params = layout.getDeviceParams(id);
    result.trainableParams = c.add({result.trainableParams, params.trainable});
    result.frozenParams = c.add({result.frozenParams, params.frozen});
    result.bufferParams = c.add({result.bufferParams, params.buffers});
    // Every dense is split, column or row parallel.
    if (int64_t weights = getQuantizableWeights(graph, id)) {
      int64_t device = ceilDiv(weights, config.tensorParallel);
      int64_t blocks = ceilDiv(device, NF4BlockSize);
      for (QuantizableWeights *q : {&result.quantizable,
                                    &result.quantizableFrozen}) {
        if (q == &result.quantizableFrozen && params.frozen == 0)
          continue;
        q->elements = c.add({q->elements, device});
        q->blocks = c.add({q->blocks, blocks});
      }
    }
  }
  if (c.overflowed())
    return std::nullopt;
  return result;
}
