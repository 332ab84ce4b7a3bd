//===- KVCache.h - inference with a key-value cache ---------------*- C++ -*-===//
//
// Autoregressive inference keeps the keys and values of every token seen so
// far for each attention layer: per layer, context x (key features + value
// features) elements per sequence, that is 2 x kv_heads x head_dim x
// context for self-attention. The cache is found from the graph's
// attention ops, so grouped-query attention (kv_heads < heads) shrinks it
// as it does in the model. estimateKVCacheInference adds the weights and
// the activation peak, and answers --fit (the largest batch) and
// --fit-context (the longest context) within a budget.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"

#include <cstdint>
#include <optional>

namespace netc {

/// What the attention ops of a network cache per token of context.
struct KVCacheShape {
  /// Key and value elements per token of context and per sequence, over
  /// all attention layers.
  int64_t elementsPerToken = 0;
  unsigned attentionLayers = 0;
};

/// The cache of \p graph's attention layers; nullopt on overflow.
std::optional<KVCacheShape> findKVCache(const Graph &graph);

/// Inference memory with a cache of \p context tokens for \p batch
/// sequences: weights (and buffers) once, the cache and the activation peak
/// per sequence.
struct KVCacheInference {
  int64_t context = 0;
  int64_t batch = 1;
  int64_t bytesPerElement = 0;
  KVCacheShape shape;
  int64_t weightBytes = 0;    ///< parameters and buffers
  int64_t cacheBytes = 0;     ///< all sequences
  int64_t peakBytes = 0;      ///< the activation peak of all sequences
  int64_t totalBytes = 0;
  /// --fit: the largest batch within the budget (0: not even one).
  std::optional<int64_t> largestBatch;
  /// --fit-context: the longest context within the budget (0: none).
  std::optional<int64_t> longestContext;
};

/// The figures for \p context and \p batch; with \p budgetBytes > 0 also
/// the largest batch (or, with \p fitContext, the longest context) that
/// fits. nullopt on overflow.
std::optional<KVCacheInference>
estimateKVCacheInference(const KVCacheShape &shape, int64_t weightBytes,
                         int64_t peakBytesPerSequence, int64_t bytesPerElement,
                         int64_t context, int64_t batch, int64_t budgetBytes,
                         bool fitContext);

} // namespace netc
