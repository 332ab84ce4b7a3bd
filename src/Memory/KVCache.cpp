//===- KVCache.cpp - the key-value cache of a network's attention ---------===//
#include "netc/Memory/KVCache.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Memory/ModelStates.h"
#include "netc/Ops/OpRegistry.h"

#include <algorithm>

using namespace netc;

std::optional<KVCacheShape> netc::findKVCache(const Graph &graph) {
  KVCacheShape shape;
  CheckedArithmetic c;
  for (const Layer &layer : graph.layers) {
    // The keys' type (whose leading axes stack sequences) and the key and
    // value features cached per token.
    const TensorType *keys = nullptr;
    int64_t features = 0;
    if (layer.op->name == "attention" && layer.inputs.size() == 3) {
      keys = &graph.layers[layer.inputs[1]].type;
      features = c.add({keys->dims.back(),
                        graph.layers[layer.inputs[2]].type.dims.back()});
    } else if (layer.op->name == "multihead_attention" &&
               layer.inputs.size() == 1) {
      // Its own k and v projections: kv_heads heads of dim / heads each.
      keys = &graph.layers[layer.inputs[0]].type;
      const Attribute *heads = layer.getAttribute("heads");
      const Attribute *kvHeads = layer.getAttribute("kv_heads");
      if (!heads || !heads->value.isInt() || heads->value.getInt() <= 0)
        continue;
      int64_t kv = kvHeads && kvHeads->value.isInt() ? kvHeads->value.getInt()
                                                     : heads->value.getInt();
      features = c.mul({2, kv, keys->dims.back() / heads->value.getInt()});
    } else {
      continue;
    }
    // One cached row per token of every leading (stacked) sequence.
    int64_t stacks = 1;
    for (size_t i = 0; i + 2 < keys->dims.size(); ++i)
      stacks = c.mul({stacks, keys->dims[i]});
    int64_t perToken = c.mul({stacks, features});
    shape.elementsPerToken = c.add({shape.elementsPerToken, perToken});
    ++shape.attentionLayers;
  }
  if (c.overflowed())
    return std::nullopt;
  return shape;
}

/// The largest count n (sequences, or tokens of context) whose memory,
/// fixed + perUnit x n, fits the budget: fitBatch's floor, at most 2^40,
/// 0 when none; a term past 2^63 fits no budget.
static int64_t largestWithin(std::optional<int64_t> fixed,
                             std::optional<int64_t> perUnit, int64_t budget) {
  constexpr int64_t Limit = int64_t(1) << 40;
  if (!fixed || !perUnit)
    return 0;
  if (*perUnit == 0)
    return *fixed <= budget ? Limit : 0;
  return std::min(fitBatch(*fixed, *perUnit, budget).largestBatch, Limit);
}

/// The product of \p factors, or nullopt past 2^63.
static std::optional<int64_t> product(std::initializer_list<int64_t> factors) {
  CheckedArithmetic c;
  int64_t p = c.mul(factors);
  return c.overflowed() ? std::nullopt : std::optional<int64_t>(p);
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
  CheckedArithmetic c;
  r.cacheBytes = c.mul({shape.elementsPerToken, context, batch, bytesPerElement});
  r.peakBytes = c.mul({peakBytesPerSequence, batch});
  r.totalBytes = c.add({weightBytes, r.cacheBytes, r.peakBytes});
  if (c.overflowed())
    return std::nullopt;
  if (budgetBytes > 0) {
    // Memory is linear in the batch and in the context.
    if (fitContext)
      r.longestContext = largestWithin(
          checkedAdd(weightBytes, r.peakBytes),
          product({shape.elementsPerToken, batch, bytesPerElement}),
          budgetBytes);
    else
      r.largestBatch = largestWithin(
          weightBytes,
          [&]() -> std::optional<int64_t> {
            auto cache =
                product({shape.elementsPerToken, context, bytesPerElement});
            return cache ? checkedAdd(*cache, peakBytesPerSequence)
                         : std::nullopt;
          }(),
          budgetBytes);
  }
  return r;
}
