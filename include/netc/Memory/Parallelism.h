//===- Parallelism.h - activations under recomputation and model parallelism -*- C++ -*-===//
//
// Training a large transformer splits it over devices and trades compute for
// memory (Korthikanti et al. 2022, "Reducing Activation Recomputation in
// Large Transformer Models"):
//  - tensor parallelism (--tp t) splits each layer's matrices over t devices
//    as Megatron-LM does: a dense that reads a whole tensor is split by its
//    output features (column parallel), a dense that reads a split tensor by
//    its input features (row parallel, its output whole again), the token
//    embedding by rows (vocabulary parallel), attention by heads; what lies
//    between stays split, everything else (norms, residual adds, dropout
//    after a row-parallel dense) is whole on every device;
//  - sequence parallelism (--sp) splits those whole tensors by tokens;
//  - recomputation (--recompute) keeps less and recomputes the rest in the
//    backward pass: `selective` the attention ops' scores, probabilities and
//    masks (the paper's core attention), `full` everything of a layer but
//    its input;
//  - pipeline parallelism (--pp p) gives each device a run of the layers; in
//    the 1F1B schedule the first stage holds the activations of min(p, m)
//    of the m micro-batches at once.
// A "layer" is a block call from the network body (a transformer layer).
// Everything is derived from the graph and the tensors the pytorch memory
// model keeps (PyTorchMemory.h); docs/memory.md derives the paper's Table 2.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Spelling.h"
#include "netc/Graph/Graph.h"
#include "netc/Memory/ModelStates.h"
#include "netc/Memory/PyTorchMemory.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace netc {

/// What the backward pass recomputes instead of keeping.
enum class Recompute { None, Selective, Full };

/// "none", "selective", "full".
SpellingTable<Recompute> getRecomputeSpellings();

/// How training is split over devices and what it recomputes.
struct ParallelismConfig {
  Recompute recompute = Recompute::None;
  /// --tp: devices each layer's matrices are split over.
  int64_t tensorParallel = 1;
  /// --sp: the tensors tensor parallelism leaves whole are split by tokens.
  bool sequenceParallel = false;
  /// --pp: pipeline stages.
  int64_t pipelineParallel = 1;
  /// --micro-batches: micro-batches per step (0: as many as stages).
  int64_t microBatches = 0;

  /// True when any of the options is given.
  bool isActive() const {
    return recompute != Recompute::None || tensorParallel > 1 ||
           sequenceParallel || pipelineParallel > 1 || microBatches > 0;
  }
  /// The micro-batches whose activations the first stage holds at once in
  /// the 1F1B schedule: min(stages, micro-batches).
  int64_t getMicroBatchesInFlight() const;
};

/// How tensor parallelism splits each layer of a graph.
class TensorParallelLayout {
public:
  TensorParallelLayout(const Graph &graph, const ParallelismConfig &config);

  /// True when layer \p id's output is split over the devices.
  bool isSplit(LayerId id) const { return split[id]; }
  /// The devices dividing \p tensor as \p keeper keeps it: t when the
  /// tensor is split and the keeper works on the parts (a whole copy is
  /// gathered otherwise), t for every tensor with sequence parallelism,
  /// else 1.
  int64_t getDevices(LayerId tensor, LayerId keeper) const;
  /// Layer \p id's parameters and buffers on one device.
  ParamCount getDeviceParams(LayerId id) const;

private:
  const Graph &graph;
  int64_t devices;
  bool sequenceParallel;
  /// Per layer: its output is split; it reads split inputs as parts.
  std::vector<bool> split, readsParts;
};

/// The activations of one layer (a block call from the network body), per
/// sample on one device.
struct LayerActivations {
  /// The block call (Graph::scopes).
  int scope = -1;
  /// What stays kept until the backward pass: tensors, masks and scores.
  int64_t keptBytes = 0;
  /// Normalisation statistics kept (small: a few values per token).
  int64_t statisticBytes = 0;
  /// What its backward pass recomputes and holds while it runs.
  int64_t recomputedBytes = 0;

  int64_t getTotalBytes() const { return keptBytes + statisticBytes; }
};

/// Training memory of the first pipeline stage's device.
struct DistributedTraining {
  ParallelismConfig config;
  /// Every layer (block call from the network body), in order.
  std::vector<LayerActivations> layers;
  /// Layers on the first stage.
  unsigned stageLayers = 0;
  /// Bytes per sample kept by the first stage's layers outside block calls
  /// (the embeddings), statistics included.
  int64_t outsideBytes = 0;
  /// Per sample of one micro-batch: everything the first stage keeps.
  int64_t stageBytes = 0;
  /// min(stages, micro-batches).
  int64_t microBatchesInFlight = 1;
  /// The most one layer of the stage recomputes (held during its backward).
  int64_t recomputedBytes = 0;
  /// microBatchesInFlight x stageBytes + recomputedBytes.
  int64_t perSampleBytes = 0;
  /// The first stage's parameters and buffers on one device.
  int64_t trainableParams = 0;
  int64_t frozenParams = 0;
  int64_t bufferParams = 0;
  /// Its dense weights --weights may quantize: all, and the frozen ones.
  QuantizableWeights quantizable, quantizableFrozen;
};

/// The first stage's figures for \p graph (which has at least
/// config.pipelineParallel block calls from its body, a multiple of it);
/// nullopt on overflow.
std::optional<DistributedTraining>
analyzeDistributedTraining(const Graph &graph, const SavedWidths &widths,
                           const ParallelismConfig &config);

/// The block calls from \p graph's body (depth 1), which pipeline stages
/// divide.
unsigned countTopLevelCalls(const Graph &graph);

} // namespace netc
