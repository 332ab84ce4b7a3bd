//===- ParallelismTest.cpp - Korthikanti et al.'s Table 2, from the graph -===//
//
// Pins the activations per transformer layer that netc derives from
// examples/gpt2.net's block (GPT-3 175B's shape: s = 2,048 tokens,
// h = 12,288 features, a = 96 heads, 96 layers; tensor parallelism t = 8;
// 16-bit activations, 1-byte dropout masks) to Table 2 of Korthikanti et
// al. 2022, "Reducing Activation Recomputation in Large Transformer
// Models", row by row, per sample (b = 1):
//   no parallelism                 sbh(34 + 5as/h)
//   tensor parallel                sbh(10 + 24/t + 5as/(ht))
//   tensor + sequence parallel     sbh(34/t + 5as/(ht))
//   tensor parallel + selective    sbh(10 + 24/t)
//   tensor + sequence + selective  sbh(34/t)
//   full recomputation             2sbh
// The paper leaves out the layer norms' mean and reciprocal standard
// deviation (f32, one each per token and norm); netc keeps them apart as
// statistics, pinned separately. docs/memory.md derives each term.
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/Parallelism.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

using namespace netc;
using namespace netc::testing;

namespace {

constexpr int64_t s = 2048, h = 12288, a = 96, t = 8, layers = 96;
constexpr int64_t sbh = s * h; // b = 1

/// 16-bit activations; the norms' statistics in f32.
const SavedWidths Widths{2, 4};

Graph loadGPT3() {
  return loadExample("gpt2", {{"preset", Value::string("gpt3_175b")},
                              {"tokens", Value::integer(s)}});
}

DistributedTraining analyze(const Graph &g, Recompute recompute, int64_t tp,
                            bool sp, int64_t pp = 1, int64_t micro = 0) {
  ParallelismConfig config;
  config.recompute = recompute;
  config.tensorParallel = tp;
  config.sequenceParallel = sp;
  config.pipelineParallel = pp;
  config.microBatches = micro;
  std::optional<DistributedTraining> d =
      analyzeDistributedTraining(g, Widths, config);
  EXPECT_TRUE(d.has_value());
  return d.value_or(DistributedTraining{});
}

/// Every layer has the same figures; returns the first after checking so.
LayerActivations sameForEveryLayer(const DistributedTraining &d) {
  EXPECT_EQ(d.layers.size(), size_t(layers));
  for (const LayerActivations &l : d.layers) {
    EXPECT_EQ(l.keptBytes, d.layers[0].keptBytes);
    EXPECT_EQ(l.statisticBytes, d.layers[0].statisticBytes);
  }
  return d.layers.empty() ? LayerActivations{} : d.layers[0];
}

TEST(Parallelism, GPT3PresetHasItsParameterCount) {
  Graph g = loadGPT3();
  ASSERT_FALSE(HasFailure());
  // 96 x (12h^2 + 13h) + 50,257h + 2,048h + 2h: the paper's "175.0B".
  EXPECT_EQ(totalTrainable(g), 174'604'259'328);
}

TEST(Parallelism, ReproducesKorthikantiTable2) {
  Graph g = loadGPT3();
  ASSERT_FALSE(HasFailure());
  // The two layer norms' mean and rstd: 2 x 2 x s x 4 B.
  const int64_t stats = 2 * 2 * s * 4;
  struct Row {
    const char *what;
    Recompute recompute;
    int64_t tp;
    bool sp;
    int64_t paper; // bytes per layer, b = 1
    int64_t statistics;
  } rows[] = {
      {"no parallelism", Recompute::None, 1, false,
       sbh * 34 + 5 * a * s * s, stats},
      {"tensor parallel", Recompute::None, t, false,
       sbh * 10 + sbh * 24 / t + 5 * a * s * s / t, stats},
      {"tensor + sequence parallel", Recompute::None, t, true,
       sbh * 34 / t + 5 * a * s * s / t, stats / t},
      {"tensor parallel + selective", Recompute::Selective, t, false,
       sbh * 10 + sbh * 24 / t, stats},
      {"tensor + sequence + selective", Recompute::Selective, t, true,
       sbh * 34 / t, stats / t},
      {"full recomputation", Recompute::Full, t, false, 2 * sbh, 0},
      {"full recomputation, one device", Recompute::Full, 1, false, 2 * sbh,
       0},
  };
  // The paper's figures for GPT-3 175B, worked out: 114, 23, 14.25, 13,
  // 4.25 and 2 times sbh = 25,165,824 B.
  EXPECT_EQ(rows[0].paper, 2'868'903'936);
  EXPECT_EQ(rows[1].paper, 578'813'952);
  EXPECT_EQ(rows[2].paper, 358'612'992);
  EXPECT_EQ(rows[3].paper, 327'155'712);
  EXPECT_EQ(rows[4].paper, 106'954'752);
  EXPECT_EQ(rows[5].paper, 50'331'648);
  for (const Row &row : rows) {
    LayerActivations l =
        sameForEveryLayer(analyze(g, row.recompute, row.tp, row.sp));
    EXPECT_EQ(l.keptBytes, row.paper) << row.what;
    EXPECT_EQ(l.statisticBytes, row.statistics) << row.what;
  }
}

TEST(Parallelism, RecomputedBytesAreWhatIsNoLongerKept) {
  Graph g = loadGPT3();
  ASSERT_FALSE(HasFailure());
  // Selective: the scores' 5as^2 / t of one layer at a time.
  EXPECT_EQ(analyze(g, Recompute::Selective, t, false).recomputedBytes,
            5 * a * s * s / t);
  // Full: the whole layer, statistics included.
  LayerActivations none =
      sameForEveryLayer(analyze(g, Recompute::None, t, false));
  EXPECT_EQ(analyze(g, Recompute::Full, t, false).recomputedBytes,
            none.getTotalBytes());
}

TEST(Parallelism, FirstPipelineStageHoldsEveryLayersWorth) {
  Graph g = loadGPT3();
  ASSERT_FALSE(HasFailure());
  // 8 stages of 12 layers; in the 1F1B schedule the first holds 8
  // micro-batches: 96 layers' activations (section 4.2.3), plus its
  // embeddings (the token ids, 8 B each, and the embedding dropout's
  // 1-byte mask).
  DistributedTraining d = analyze(g, Recompute::Selective, t, true, 8);
  LayerActivations l = sameForEveryLayer(d);
  EXPECT_EQ(d.stageLayers, 12u);
  EXPECT_EQ(d.microBatchesInFlight, 8);
  EXPECT_EQ(d.outsideBytes, s * 8 / t + sbh / t);
  EXPECT_EQ(d.stageBytes, d.outsideBytes + 12 * l.getTotalBytes());
  EXPECT_EQ(d.perSampleBytes, 8 * d.stageBytes + d.recomputedBytes);
  // Fewer micro-batches than stages: only those are in flight.
  EXPECT_EQ(analyze(g, Recompute::Selective, t, true, 8, 3)
                .microBatchesInFlight,
            3);
}

TEST(Parallelism, TensorParallelSplitsTheMatricesAsMegatron) {
  Graph g = loadGPT3();
  ASSERT_FALSE(HasFailure());
  // Per device with t = 8 and one stage: the layers' matrices and the
  // column-parallel biases / 8; the row-parallel biases (2h per layer),
  // the norms (4h per layer and 2h at the end) and the position embedding
  // whole; the token embedding split by vocabulary (50,257 rows: 6,283 per
  // device, rounded up). The position embedding, read with declared ids,
  // stays whole, as Megatron-LM's.
  DistributedTraining d = analyze(g, Recompute::None, t, false);
  int64_t perLayer = 12 * h * h / t + 3 * h / t + 4 * h / t + 2 * h + 4 * h;
  int64_t expected = layers * perLayer + 6283 * h + 2048 * h + 2 * h;
  EXPECT_EQ(d.trainableParams, expected);
}

} // namespace
