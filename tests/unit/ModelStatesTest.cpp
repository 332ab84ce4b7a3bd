//===- ModelStatesTest.cpp - optimizers, precision, ZeRO, batch fit -------===//
//
// Pins the model-state formulas to the ZeRO paper (Rajbhandari et al. 2020):
// mixed-precision Adam keeps 16 bytes per parameter (2 + 2 + 12), so 1.5
// billion parameters take 24 GB; and its table of per-device model states
// for 7.5 billion parameters on 64 devices: 120 GB (no sharding), 31.4 GB
// (stage 1), 16.6 GB (stage 2), 1.88 GB (stage 3). Also the batch fit: the
// answer fits and one more sample does not.
//
//===----------------------------------------------------------------------===//
#include "netc/Memory/ModelStates.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace netc;

namespace {

ModelStateConfig mixedAdam(int64_t devices = 1, unsigned stage = 0) {
  ModelStateConfig config;
  config.optimizer = Optimizer::Adam;
  config.mixedPrecision = true;
  config.devices = devices;
  config.zeroStage = stage;
  return config;
}

/// GB (10^9 bytes) to three significant digits, as the paper prints them.
double toPaperGB(int64_t bytes) {
  double gb = bytes / 1e9;
  double scale = std::pow(10.0, 2 - std::floor(std::log10(gb)));
  return std::round(gb * scale) / scale;
}

TEST(ModelStates, StateCountsPerOptimizer) {
  EXPECT_EQ(getOptimizerStateCount(Optimizer::SGD), 0u);
  EXPECT_EQ(getOptimizerStateCount(Optimizer::Momentum), 1u);
  EXPECT_EQ(getOptimizerStateCount(Optimizer::Adam), 2u);
  EXPECT_EQ(getOptimizerStateCount(Optimizer::AdamW), 2u);
  EXPECT_EQ(getOptimizerStateCount(Optimizer::RMSprop), 1u);
  EXPECT_EQ(getOptimizerStateCount(Optimizer::Adagrad), 1u);
}

TEST(ModelStates, ClassicIsParametersTimesThree) {
  ModelStateConfig classic;
  ASSERT_TRUE(classic.isClassic());
  auto states = computeModelStates(19'072'984, classic);
  ASSERT_TRUE(states);
  EXPECT_EQ(states->total, 19'072'984LL * 3 * 4);
}

TEST(ModelStates, MixedAdamIsSixteenBytesPerParameter) {
  auto states = computeModelStates(1'500'000'000, mixedAdam());
  ASSERT_TRUE(states);
  EXPECT_EQ(states->weights, 3'000'000'000);
  EXPECT_EQ(states->gradients, 3'000'000'000);
  EXPECT_EQ(states->optimizer, 18'000'000'000);
  EXPECT_EQ(states->total, 24'000'000'000); // 24 GB
}

TEST(ModelStates, ZeroPaperTable) {
  const int64_t psi = 7'500'000'000;
  const double expected[] = {120, 31.4, 16.6, 1.88};
  for (unsigned stage = 0; stage <= 3; ++stage) {
    auto states = computeModelStates(psi, mixedAdam(64, stage));
    ASSERT_TRUE(states);
    EXPECT_DOUBLE_EQ(toPaperGB(states->total), expected[stage])
        << "stage " << stage;
  }
  // The exact forms: 4Ψ + 12Ψ/N, 2Ψ + 14Ψ/N, 16Ψ/N.
  EXPECT_EQ(computeModelStates(psi, mixedAdam(64, 1))->total,
            4 * psi + 12 * psi / 64);
  EXPECT_EQ(computeModelStates(psi, mixedAdam(64, 2))->total,
            2 * psi + 14 * psi / 64);
  EXPECT_EQ(computeModelStates(psi, mixedAdam(64, 3))->total, 16 * psi / 64);
}

TEST(ModelStates, OtherOptimizersAndTypes) {
  ModelStateConfig sgd16;
  sgd16.optimizer = Optimizer::SGD;
  sgd16.bytesPerElement = 2;
  EXPECT_EQ(computeModelStates(1000, sgd16)->total, 1000 * (2 + 2));
  ModelStateConfig adam32;
  adam32.optimizer = Optimizer::Adam;
  EXPECT_EQ(computeModelStates(1000, adam32)->total, 1000 * 4 * 4);
  // Mixed SGD still keeps f32 master weights: 2 + 2 + 4.
  ModelStateConfig mixedSgd;
  mixedSgd.optimizer = Optimizer::SGD;
  mixedSgd.mixedPrecision = true;
  EXPECT_EQ(computeModelStates(1000, mixedSgd)->total, 1000 * 8);
}

TEST(ModelStates, OverflowIsReported) {
  EXPECT_FALSE(computeModelStates(INT64_MAX / 2, mixedAdam()));
}

TEST(BatchFit, LargestBatchFitsAndOneMoreDoesNot) {
  std::mt19937_64 random(42);
  for (int i = 0; i < 10000; ++i) {
    int64_t fixed = random() % (int64_t(1) << 40);
    int64_t perSample = 1 + random() % (int64_t(1) << 32);
    int64_t budget = random() % (int64_t(1) << 42);
    BatchFit fit = fitBatch(fixed, perSample, budget);
    if (fit.largestBatch > 0) {
      EXPECT_LE(fixed + fit.largestBatch * perSample, budget);
      EXPECT_GT(fixed + (fit.largestBatch + 1) * perSample, budget);
      EXPECT_EQ(fit.shortfallBytes, 0);
    } else {
      EXPECT_GT(fixed + perSample, budget);
      EXPECT_EQ(fit.shortfallBytes, fixed + perSample - budget);
    }
  }
}

TEST(BatchFit, ExactBoundary) {
  EXPECT_EQ(fitBatch(100, 10, 200).largestBatch, 10);
  EXPECT_EQ(fitBatch(100, 10, 199).largestBatch, 9);
  EXPECT_EQ(fitBatch(100, 10, 109).largestBatch, 0);
  EXPECT_EQ(fitBatch(100, 10, 109).shortfallBytes, 1);
}

TEST(ByteSize, Units) {
  EXPECT_EQ(parseByteSize("24GiB"), 24LL << 30);
  EXPECT_EQ(parseByteSize("80 GB"), 80'000'000'000LL);
  EXPECT_EQ(parseByteSize("512MiB"), 512LL << 20);
  EXPECT_EQ(parseByteSize("1.5GB"), 1'500'000'000LL);
  EXPECT_EQ(parseByteSize("1000"), 1000);
  EXPECT_FALSE(parseByteSize("24 gigs"));
  EXPECT_FALSE(parseByteSize("GiB"));
  EXPECT_FALSE(parseByteSize("99999999999TiB"));
}

} // namespace
