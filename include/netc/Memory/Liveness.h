//===- Liveness.h - the inference peak of live activations -----*- C++ -*-===//
//
// Inference frees each tensor once its last reader has run. Running the
// layers in the graph's (topological) order, a layer's inputs and its new
// output are live together while it runs; the largest sum of live bytes over
// the run is the inference peak, per sample. In-place layers and views share
// their input's memory and keep it alive until they are read for the last
// time; network outputs stay live to the end. For a chain the peak is the
// largest adjacent input + output pair. docs/memory.md explains the model.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace netc {

/// The most activation memory one sample holds at once during inference.
struct InferencePeak {
  /// Live activation bytes at the peak, per sample (inputs included).
  int64_t bytes = 0;
  /// The layer running when the peak is reached, the first one on ties
  /// (LayerId(-1) for an empty graph).
  LayerId layer = -1;
  /// The tensors live at the peak: the layers that made them (each a layer
  /// whose output is a new tensor, or an input), in graph order.
  std::vector<LayerId> live;
};

/// Schedules \p graph in graph order, freeing each tensor after its last
/// use, and returns the peak of live bytes at \p bytesPerElement bytes per
/// element; nullopt if a tensor's size or a sum overflows 64 bits. A tensor
/// nobody reads counts while its layer runs and is freed right after. Runs
/// in time linear in the layers and their inputs.
std::optional<InferencePeak> computeInferencePeak(const Graph &graph,
                                                  int64_t bytesPerElement);

} // namespace netc
