//===- NetworkAnalysis.h - every figure of a network, computed once -*- C++ -*-===//
//
// The analysis stage, between the graph and the backends: analyzeNetwork
// computes, once and with every sum checked for overflow once, what the
// reports show of a checked network: per-layer MACs and FLOPs and their
// totals, parameter and activation counts, both memory models (the classic
// recipe and what autograd keeps), the inference peak by liveness, the
// selected model's terms and, when asked, the largest batch that fits.
// Backends only format a NetworkAnalysis; they compute nothing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"
#include "netc/Graph/Graph.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/KVCache.h"
#include "netc/Memory/Liveness.h"
#include "netc/Memory/MemoryEstimate.h"
#include "netc/Memory/ModelStates.h"
#include "netc/Memory/Parallelism.h"
#include "netc/Memory/PyTorchMemory.h"
#include "netc/Ops/OpRegistry.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace netc {

/// What to analyse a network for.
struct AnalysisOptions {
  int64_t batch = 1;
  /// The element type memory counts in; nullopt for the default: f16 in
  /// mixed precision, else the network's own (getDefaultMemoryDType).
  std::optional<DType> dtype;
  /// Optimizer, precision and sharding; the element size comes from the
  /// element type.
  ModelStateConfig states;
  /// The model of the training and inference terms.
  MemoryModel model = MemoryModel::Classic;
  /// --fit: the budget whose largest batch to find, in bytes (0: none).
  int64_t fitBudgetBytes = 0;
  /// --context: tokens of the attention layers' key-value cache for the
  /// inference-with-a-cache figures (0: none).
  int64_t context = 0;
  /// --fit-context: with the budget, find the longest context instead of
  /// the largest batch.
  bool fitContext = false;
  /// --recompute, --tp, --sp, --pp, --micro-batches (pytorch model only):
  /// the training terms become the first pipeline stage's device's, the
  /// batch its micro-batch.
  ParallelismConfig parallelism;
};

/// Every figure of one network.
struct NetworkAnalysis {
  const Graph *graph = nullptr;
  /// The element type memory is counted in.
  DType dtype = DType::F32;
  /// The batch and how the model states are kept.
  TrainingSetup setup;
  /// Parameters, buffers, activations and inputs, per sample.
  NetworkCounts counts;
  /// Per layer (by LayerId), its MACs and other FLOPs per sample; and their
  /// sums.
  std::vector<OpCost> layerCosts;
  OpCost totalCost;
  /// The classic recipe's figures.
  ClassicMemory classic;
  /// What autograd keeps (the pytorch model), per sample.
  SavedForBackward saved;
  /// The inference peak by liveness, per sample.
  InferencePeak peak;
  /// The selected model's terms.
  MemoryEstimate estimate;
  /// With AnalysisOptions::fitBudgetBytes: the largest batch that fits.
  std::optional<BatchFit> fit;
  /// With AnalysisOptions::context: inference with a key-value cache, and
  /// its terms (the inference weights, the cache and the activations, each
  /// sequence of the batch with its own cache and activations).
  std::optional<KVCacheInference> kvCache;
  std::vector<MemoryTerm> kvCacheTerms;
  /// With AnalysisOptions::parallelism: the activations per layer and the
  /// first pipeline stage's figures.
  std::optional<DistributedTraining> distributed;

  int64_t getBatch() const { return setup.batch; }
  /// The bytes per sample layer \p id is first to keep for backward,
  /// statistics and masks included (a part of saved.bytes).
  int64_t getSavedBytes(LayerId id) const;
  MemoryModel getModel() const { return estimate.model; }
};

/// getSavedBytes for layers asked in increasing order (a report's walk),
/// stepping through the records, which are in layer order, instead of
/// searching them for each layer.
class SavedBytesCursor {
public:
  explicit SavedBytesCursor(const NetworkAnalysis &analysis)
      : next(analysis.saved.layers.begin()), end(analysis.saved.layers.end()) {}
  int64_t get(LayerId id) {
    while (next != end && next->layer < id)
      ++next;
    return next != end && next->layer == id ? next->getFirstKeptBytes() : 0;
  }

private:
  std::deque<LayerSaves>::const_iterator next, end;
};

/// Analyses \p graph (checked clean) for \p options; nullopt after
/// reporting, at the network's name, a figure that overflows 64 bits.
std::optional<NetworkAnalysis> analyzeNetwork(const Graph &graph,
                                              const AnalysisOptions &options,
                                              DiagnosticEngine &diags);

} // namespace netc
