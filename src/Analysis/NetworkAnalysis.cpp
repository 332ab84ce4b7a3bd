//===- NetworkAnalysis.cpp - analyzeNetwork: every figure, once ------------===//
#include "netc/Analysis/NetworkAnalysis.h"

#include "netc/Basic/CheckedMath.h"

#include <algorithm>

using namespace netc;

/// The element type memory counts in: the option, else f16 in mixed
/// precision (its 16-bit type), else the network's own.
static DType resolveDType(const Graph &graph, const AnalysisOptions &options) {
  if (options.dtype)
    return *options.dtype;
  if (options.states.mixedPrecision)
    return DType::F16;
  return getDefaultMemoryDType(graph);
}

/// Every layer's cost and their sum; false on overflow.
static bool countCosts(const Graph &graph, NetworkAnalysis &a) {
  a.layerCosts.reserve(graph.layers.size());
  CheckedArithmetic c;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    std::optional<OpCost> cost = computeLayerCost(graph, id);
    if (!cost)
      return false;
    a.totalCost.macs = c.add({a.totalCost.macs, cost->macs});
    a.totalCost.flops = c.add({a.totalCost.flops, cost->flops});
    a.layerCosts.push_back(*cost);
  }
  return !c.overflowed();
}

/// True for the inference terms of weights and buffers (quantized or not).
static bool isWeightTerm(const MemoryTerm &term) {
  switch (term.kind) {
  case MemoryTermKind::InferenceWeights:
  case MemoryTermKind::InferenceBuffers:
  case MemoryTermKind::QuantizedWeights:
  case MemoryTermKind::QuantizationScales:
    return true;
  default:
    return false;
  }
}

/// Inference with a key-value cache of options.context tokens: the
/// selected model's inference weights, and per sequence of the batch the
/// cache and the activation peak by liveness (whichever model: the
/// classic recipe's sum of every activation is no answer to what inference
/// holds at once); false on overflow.
static bool analyzeKVCache(const Graph &graph, const AnalysisOptions &options,
                           NetworkAnalysis &a) {
  std::optional<KVCacheShape> shape = findKVCache(graph);
  if (!shape)
    return false;
  int64_t width = a.classic.activationBytesPerElement;
  int64_t weightBytes = 0, activationBytes = 0;
  CheckedArithmetic c;
  for (const MemoryTerm &term : a.estimate.inference)
    if (isWeightTerm(term)) {
      weightBytes = c.add({weightBytes, term.bytes});
      a.kvCacheTerms.push_back(term);
    }
  activationBytes = a.peak.bytes;
  a.kvCacheTerms.push_back(MemoryTerm{MemoryTermKind::InferencePeak,
                                      a.peak.bytes / width, 1, true, width, 1,
                                      c.mul({a.peak.bytes, options.batch})});
  int64_t cacheElements = c.mul({shape->elementsPerToken, options.context});
  if (c.overflowed())
    return false;
  std::optional<KVCacheInference> kv = estimateKVCacheInference(
      *shape, weightBytes, activationBytes, width, options.context,
      options.batch, options.fitBudgetBytes, options.fitContext);
  if (!kv)
    return false;
  // The cache after the weights, before the activations.
  auto at = a.kvCacheTerms.begin();
  while (at != a.kvCacheTerms.end() && isWeightTerm(*at))
    ++at;
  a.kvCacheTerms.insert(at, MemoryTerm{MemoryTermKind::KVCache, cacheElements,
                                       1, true, width, 1, kv->cacheBytes});
  a.kvCache = std::move(*kv);
  return true;
}

/// The first pipeline stage's device: its activations and model states
/// replace the training terms; false on overflow.
static bool analyzeDistributed(const Graph &graph,
                               const AnalysisOptions &options,
                               const SavedWidths &widths, NetworkAnalysis &a) {
  std::optional<DistributedTraining> d =
      analyzeDistributedTraining(graph, widths, options.parallelism);
  if (!d)
    return false;
  NetworkCounts device = a.counts;
  device.trainableParams = d->trainableParams;
  device.frozenParams = d->frozenParams;
  device.bufferParams = d->bufferParams;
  device.quantizable = d->quantizable;
  device.quantizableFrozen = d->quantizableFrozen;
  std::optional<ClassicMemory> deviceMemory =
      applyClassicRecipe(device, a.setup);
  if (!deviceMemory ||
      !estimateDistributedTraining(device, a.setup, *deviceMemory, *d,
                                   a.saved.unsavedInputBytes, a.estimate))
    return false;
  a.distributed = std::move(*d);
  return true;
}

/// Everything but the costs; false on overflow.
static bool analyzeMemory(const Graph &graph, const AnalysisOptions &options,
                          NetworkAnalysis &a) {
  a.setup.batch = options.batch;
  a.setup.states = options.states;
  a.setup.states.bytesPerElement = getByteWidth(a.dtype);
  std::optional<NetworkCounts> counts = countNetwork(graph);
  if (!counts)
    return false;
  a.counts = *counts;
  std::optional<ClassicMemory> classic = applyClassicRecipe(a.counts, a.setup);
  if (!classic)
    return false;
  a.classic = *classic;
  SavedWidths widths{a.classic.activationBytesPerElement,
                     a.setup.states.getBufferBytes()};
  std::optional<SavedForBackward> saved = computeSavedForBackward(graph, widths);
  std::optional<InferencePeak> peak =
      computeInferencePeak(graph, a.classic.activationBytesPerElement);
  if (!saved || !peak)
    return false;
  a.saved = std::move(*saved);
  a.peak = std::move(*peak);
  if (options.model == MemoryModel::PyTorch) {
    std::optional<MemoryEstimate> estimate = estimatePyTorchMemory(
        a.counts, a.setup, a.classic, a.saved, a.peak);
    if (!estimate)
      return false;
    a.estimate = std::move(*estimate);
  } else {
    a.estimate = estimateClassicMemory(a.counts, a.setup, a.classic);
  }
  if (options.parallelism.isActive() && !analyzeDistributed(graph, options, widths, a))
    return false;
  if (options.fitBudgetBytes > 0)
    a.fit = fitBatch(a.estimate.fixedBytes, a.estimate.perSampleBytes,
                     options.fitBudgetBytes);
  if (options.context > 0)
    return analyzeKVCache(graph, options, a);
  return true;
}

int64_t NetworkAnalysis::getSavedBytes(LayerId id) const {
  // The records are in layer order, one per layer that keeps something.
  auto it = std::lower_bound(
      saved.layers.begin(), saved.layers.end(), id,
      [](const LayerSaves &l, LayerId layer) { return l.layer < layer; });
  if (it == saved.layers.end() || it->layer != id)
    return 0;
  return it->getFirstKeptBytes(); // parts of the checked sum
}

/// Pipeline stages and full recomputation work on the block calls from the
/// network body (its layers): there must be some, and as many per stage.
static bool checkLayerCalls(const Graph &graph, const ParallelismConfig &p,
                            DiagnosticEngine &diags) {
  if (p.pipelineParallel <= 1 && p.recompute != Recompute::Full)
    return true;
  unsigned calls = countTopLevelCalls(graph);
  if (calls == 0) {
    diags.report(graph.range.Start, diag::err_no_layer_calls,
                 p.pipelineParallel > 1 ? "--pp" : "--recompute=full",
                 graph.name)
        .range(graph.range);
    return false;
  }
  if (calls % p.pipelineParallel != 0) {
    diags.report(graph.range.Start, diag::err_pipeline_stages,
                 p.pipelineParallel, graph.name, calls, calls == 1 ? "" : "s")
        .range(graph.range);
    return false;
  }
  return true;
}

std::optional<NetworkAnalysis>
netc::analyzeNetwork(const Graph &graph, const AnalysisOptions &options,
                     DiagnosticEngine &diags) {
  NetworkAnalysis a;
  a.graph = &graph;
  a.dtype = resolveDType(graph, options);
  if (!checkLayerCalls(graph, options.parallelism, diags))
    return std::nullopt;
  if (!analyzeMemory(graph, options, a)) {
    diags.report(graph.range.Start, diag::err_overflow,
                 "the memory of network '" + graph.name + "' at batch " +
                     std::to_string(options.batch))
        .range(graph.range);
    return std::nullopt;
  }
  if (!countCosts(graph, a)) {
    diags.report(graph.range.Start, diag::err_overflow,
                 "the MAC and FLOP count of network '" + graph.name + "'")
        .range(graph.range);
    return std::nullopt;
  }
  return a;
}
