//===- Liveness.cpp - the inference peak by liveness ----------------------===//
//
// Three linear passes over the graph: the first maps every layer to the
// storage root whose memory it occupies (itself for a new tensor or an
// input, its first input's root for an in-place layer or a view) and finds
// each root's last reader; the second runs the layers in order, allocating
// each root when its layer runs and freeing it after its last reader, and
// keeps the largest live sum; the third lists the roots live at the peak.
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/Liveness.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

#include <cassert>

using namespace netc;

namespace {
/// True if \p layer owns its memory: an input, a new tensor, or (never made
/// by the checker) an alias with nothing to alias.
bool isRoot(const Layer &layer) {
  return layer.op->family == OpFamily::Input ||
         layer.storage == OutputStorage::New || layer.inputs.empty();
}
} // namespace

std::optional<InferencePeak>
netc::computeInferencePeak(const Graph &graph, int64_t bytesPerElement) {
  const LayerId n = graph.layers.size();
  InferencePeak peak;
  if (n == 0)
    return peak;

  // Freed after this position: past every layer, so never.
  const LayerId never = n;
  std::vector<LayerId> root(n);
  std::vector<int64_t> bytes(n, 0);
  // The last layer that reads a root, directly or through an alias; the
  // root's own layer if nobody does.
  std::vector<LayerId> lastUse(n, 0);
  for (LayerId i = 0; i < n; ++i) {
    const Layer &layer = graph.layers[i];
    for (LayerId in : layer.inputs) {
      assert(in < i && "layers are not in topological order");
      lastUse[root[in]] = i;
    }
    if (!isRoot(layer)) {
      root[i] = root[layer.inputs.front()];
      continue;
    }
    root[i] = i;
    lastUse[i] = i;
    // A param or buffer is weights, counted apart.
    if (layer.op->family == OpFamily::Parameter)
      continue;
    std::optional<int64_t> elements = layer.type.getNumElements();
    if (!elements)
      return std::nullopt;
    auto b = checkedMul(*elements, bytesPerElement);
    if (!b)
      return std::nullopt;
    bytes[i] = *b;
  }
  // An output's memory, and whatever it aliases, is kept to the end.
  for (const NetworkOutput &out : graph.outputs)
    lastUse[root[out.layer]] = never;

  // The sweep. A root is freed once, at the layer recorded as its last use;
  // that layer reads it (or is it), so checking the layer's inputs and its
  // own root finds every root to free. The first layer reaching the largest
  // sum is the peak.
  std::vector<bool> freed(n, false);
  int64_t live = 0;
  bool found = false;
  auto release = [&](LayerId r, LayerId i) {
    if (lastUse[r] == i && !freed[r]) {
      freed[r] = true;
      live -= bytes[r];
    }
  };
  for (LayerId i = 0; i < n; ++i) {
    const Layer &layer = graph.layers[i];
    if (root[i] == i) {
      auto sum = checkedAdd(live, bytes[i]);
      if (!sum)
        return std::nullopt;
      live = *sum;
    }
    if (!found || live > peak.bytes) {
      found = true;
      peak.bytes = live;
      peak.layer = i;
    }
    for (LayerId in : layer.inputs)
      release(root[in], i);
    release(root[i], i);
  }

  // Live at the peak's measurement: allocated by then and not freed before
  // the peak layer ran.
  for (LayerId r = 0; r <= peak.layer; ++r)
    if (root[r] == r && lastUse[r] >= peak.layer)
      peak.live.push_back(r);
  return peak;
}
