//===- KVCache.cpp - the key-value cache of a network's attention ---------===//
#include "netc/Memory/KVCache.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

using namespace netc;

std::optional<KVCacheShape> netc::findKVCache(const Graph &graph) {
  KVCacheShape shape;
  CheckedArithmetic c;
  for (const Layer &layer : graph.layers) {
    if (layer.op->name != "attention" || layer.inputs.size() != 3)
      continue;
    const TensorType &k = graph.layers[layer.inputs[1]].type;
    const TensorType &v = graph.layers[layer.inputs[2]].type;
    // One cached row per token of every leading (stacked) sequence.
    int64_t stacks = 1;
    for (size_t i = 0; i + 2 < k.dims.size(); ++i)
      stacks = c.mul({stacks, k.dims[i]});
    int64_t perToken = c.mul({stacks, c.add({k.dims.back(), v.dims.back()})});
    shape.elementsPerToken = c.add({shape.elementsPerToken, perToken});
    ++shape.attentionLayers;
  }
  if (c.overflowed())
    return std::nullopt;
  return shape;
}

/// The bytes of \p batch sequences of \p context tokens; nullopt on
/// overflow.
static std::optional<int64_t> totalFor(const KVCacheShape &shape,
                                       int64_t weightBytes, int64_t peak,
                                       int64_t width, int64_t context,
                                       int64_t batch, int64_t *cache = nullptr,
                                       int64_t *peaks = nullptr) {
  CheckedArithmetic c;
  int64_t cacheBytes =
      c.mul({shape.elementsPerToken, context, batch, width});
  int64_t peakBytes = c.mul({peak, batch});
  int64_t total = c.add({weightBytes, cacheBytes, peakBytes});
  if (c.overflowed())
    return std::nullopt;
  if (cache)
    *cache = cacheBytes;
  if (peaks)
    *peaks = peakBytes;
  return total;
}

/// The largest n in [0, limit] with fits(n), for a monotone fits.
template <typename Fits> static int64_t largestFitting(int64_t limit, Fits fits) {
  int64_t lo = 0, hi = limit;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

std::optional<KVCacheInference> netc::estimateKVCacheInference(
    const KVCacheShape &shape, int64_t weightBytes,
    int64_t peakBytesPerSequence, int64_t bytesPerElement, int64_t context,
    int64_t batch, int64_t budgetBytes, bool fitContext) {
  KVCacheInference r;
  r.context = context;
  r.batch = batch;
  r.bytesPerElement = bytesPerElement;
  r.shape = shape;
  r.weightBytes = weightBytes;
  auto total = totalFor(shape, weightBytes, peakBytesPerSequence,
                        bytesPerElement, context, batch, &r.cacheBytes,
                        &r.peakBytes);
  if (!total)
    return std::nullopt;
  r.totalBytes = *total;
  if (budgetBytes > 0) {
    // An overflowing figure does not fit any budget.
    auto fits = [&](int64_t c, int64_t b) {
      auto t = totalFor(shape, weightBytes, peakBytesPerSequence,
                        bytesPerElement, c, b);
      return t && *t <= budgetBytes;
    };
    constexpr int64_t Limit = int64_t(1) << 40;
    if (fitContext)
      r.longestContext =
          largestFitting(Limit, [&](int64_t c) { return fits(c, batch); });
    else
      r.largestBatch = largestFitting(
          Limit, [&](int64_t b) { return b > 0 && fits(context, b); });
  }
  return r;
}
