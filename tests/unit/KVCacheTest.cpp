//===- KVCacheTest.cpp - inference with a key-value cache -----------------===//
//
// The cache of the Llama examples against the published sizes: Llama-2-7B
// keeps 2 x 32 layers x 32 heads x 128 x 2 B = 512 KiB per token, 2 GiB for
// 4,096 tokens in f16; Llama-3-8B's grouped-query attention (8 key and
// value heads) a quarter of that per token, 1 GiB for 8,192 tokens.
//
//===----------------------------------------------------------------------===//
#include "netc/Analysis/NetworkAnalysis.h"
#include "netc/Memory/KVCache.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

using namespace netc;
using namespace netc::testing;

namespace {

std::optional<NetworkAnalysis> analyzeWithContext(const Graph &g,
                                                  int64_t context,
                                                  int64_t batch = 1,
                                                  int64_t budget = 0,
                                                  bool fitContext = false) {
  AnalysisOptions options;
  options.dtype = DType::F16;
  options.context = context;
  options.batch = batch;
  options.fitBudgetBytes = budget;
  options.fitContext = fitContext;
  llvm::SourceMgr sourceMgr;
  RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  return analyzeNetwork(g, options, diags);
}

TEST(KVCache, Llama2At4096TokensIsTwoGiBPerSequence) {
  Graph g = loadExample("llama", {{"preset", Value::string("llama2_7b")},
                                  {"tokens", Value::integer(16)}});
  ASSERT_FALSE(HasFailure());
  std::optional<KVCacheShape> shape = findKVCache(g);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->attentionLayers, 32u);
  EXPECT_EQ(shape->elementsPerToken, 2 * 32 * 32 * 128);
  auto a = analyzeWithContext(g, 4096);
  ASSERT_TRUE(a && a->kvCache);
  EXPECT_EQ(a->kvCache->cacheBytes, int64_t(2) << 30);
  // Four sequences, four caches.
  a = analyzeWithContext(g, 4096, 4);
  ASSERT_TRUE(a && a->kvCache);
  EXPECT_EQ(a->kvCache->cacheBytes, int64_t(8) << 30);
}

TEST(KVCache, Llama3GroupedQueryAt8192TokensIsOneGiB) {
  Graph g = loadExample("llama", {{"preset", Value::string("llama3_8b")},
                                  {"tokens", Value::integer(16)}});
  ASSERT_FALSE(HasFailure());
  auto a = analyzeWithContext(g, 8192);
  ASSERT_TRUE(a && a->kvCache);
  EXPECT_EQ(a->kvCache->cacheBytes, int64_t(1) << 30);
  // Weights in f16 + cache + the peak: the total adds up.
  EXPECT_EQ(a->kvCache->totalBytes, 8'030'261'248 * 2 + (int64_t(1) << 30) +
                                        a->kvCache->peakBytes);
}

TEST(KVCache, FitFindsTheLargestBatchAndTheLongestContext) {
  Graph g = loadExample("llama", {{"preset", Value::string("llama3_8b")},
                                  {"tokens", Value::integer(16)}});
  ASSERT_FALSE(HasFailure());
  const int64_t budget = int64_t(24) << 30;
  auto a = analyzeWithContext(g, 8192, 1, budget);
  ASSERT_TRUE(a && a->kvCache && a->kvCache->largestBatch);
  int64_t batch = *a->kvCache->largestBatch;
  // The answer fits and one more sequence does not.
  auto fits = [&](int64_t b, int64_t context) {
    auto r = analyzeWithContext(g, context, b);
    return r->kvCache->totalBytes <= budget;
  };
  EXPECT_GT(batch, 0);
  EXPECT_TRUE(fits(batch, 8192));
  EXPECT_FALSE(fits(batch + 1, 8192));
  a = analyzeWithContext(g, 8192, 1, budget, /*fitContext=*/true);
  ASSERT_TRUE(a && a->kvCache && a->kvCache->longestContext);
  int64_t context = *a->kvCache->longestContext;
  EXPECT_TRUE(fits(1, context));
  EXPECT_FALSE(fits(1, context + 1));
}

TEST(KVCache, NetworksWithoutAttentionCacheNothing) {
  Graph g = loadExample("resnet18");
  ASSERT_FALSE(HasFailure());
  auto a = analyzeWithContext(g, 100);
  ASSERT_TRUE(a && a->kvCache);
  EXPECT_EQ(a->kvCache->shape.attentionLayers, 0u);
  EXPECT_EQ(a->kvCache->cacheBytes, 0);
}

} // namespace

namespace {

// multihead_attention caches what its own k and v projections make:
// kv_heads heads of dim / heads features each, for keys and for values.
// Two layers of 64 features and 8 heads, the second sharing 2 key and
// value heads: 2 x 64 + 2 x 2 x 8 = 160 elements per token.
TEST(KVCache, MultiheadAttentionCachesItsOwnKeysAndValues) {
  Graph g = compileSource("network N {\n  input x: [16, 64]\n"
                          "  a = multihead_attention(x, 64, 8)\n"
                          "  output y = multihead_attention(a, 64, 8, "
                          "kv_heads=2, causal=true)\n}\n");
  ASSERT_FALSE(HasFailure());
  auto shape = findKVCache(g);
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->attentionLayers, 2u);
  EXPECT_EQ(shape->elementsPerToken, 2 * 64 + 2 * 2 * 8);
}

} // namespace
