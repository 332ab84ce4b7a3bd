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
  if (options.fitBudgetBytes > 0)
    a.fit = fitBatch(a.estimate.fixedBytes, a.estimate.perSampleBytes,
                     options.fitBudgetBytes);
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

std::optional<NetworkAnalysis>
netc::analyzeNetwork(const Graph &graph, const AnalysisOptions &options,
                     DiagnosticEngine &diags) {
  NetworkAnalysis a;
  a.graph = &graph;
  a.dtype = resolveDType(graph, options);
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
