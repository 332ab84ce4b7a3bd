//===- ClassicMemoryTest.cpp - the classic recipe on its worked example ---===//
//
// Pins the recipe to the well-known Data Science Stack Exchange answer on
// mini-batch memory: 532,752 activations, 19,072,984 parameters, an input of
// 180x50x1 = 9,000 values, batch 128, 4-byte floats. That answer printed a
// total of 742.34 MiB because it rounded the per-image activations (4.06 MiB)
// before multiplying by 128; computed exactly, the total is 742.93 MiB.
//
//===----------------------------------------------------------------------===//
#include "netc/Emit/Format.h"
#include "netc/Memory/ClassicMemory.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace netc;

namespace {

/// MiB rounded to two decimals, as the reports print them.
double roundedMiB(int64_t bytes) {
  return std::round(toMiB(bytes) * 100) / 100;
}

NetworkCounts workedExample() {
  NetworkCounts in;
  in.trainableParams = 19'072'984;
  in.activations = 532'752;
  in.inputElements = 180 * 50 * 1;
  return in;
}

/// Batch 128, 4-byte floats, the recipe's momentum.
TrainingSetup workedSetup() {
  TrainingSetup setup;
  setup.batch = 128;
  setup.states.bytesPerElement = 4;
  return setup;
}

TEST(ClassicMemory, WorkedExampleTerms) {
  auto m = applyClassicRecipe(workedExample(), workedSetup());
  ASSERT_TRUE(m);
  // activations: 532,752 x 2 x 4 B = 4.06 MiB per image.
  EXPECT_EQ(m->activationBytesPerSample, 532'752LL * 2 * 4);
  EXPECT_DOUBLE_EQ(roundedMiB(m->activationBytesPerSample), 4.06);
  // x 128 images = 520.27 MiB.
  EXPECT_EQ(m->trainingActivationBytes, 532'752LL * 2 * 4 * 128);
  EXPECT_DOUBLE_EQ(roundedMiB(m->trainingActivationBytes), 520.27);
  // parameters: 19,072,984 x 3 x 4 B = 218.27 MiB.
  EXPECT_EQ(m->trainingParamBytes, 19'072'984LL * 3 * 4);
  EXPECT_DOUBLE_EQ(roundedMiB(m->trainingParamBytes), 218.27);
  // miscellaneous: 9,000 x 128 x 4 B = 4.39 MiB.
  EXPECT_EQ(m->trainingInputBytes, 9'000LL * 128 * 4);
  EXPECT_DOUBLE_EQ(roundedMiB(m->trainingInputBytes), 4.39);
  // total: 742.93 MiB (779,021,856 bytes).
  EXPECT_EQ(m->trainingTotalBytes, 779'021'856LL);
  EXPECT_DOUBLE_EQ(roundedMiB(m->trainingTotalBytes), 742.93);
}

TEST(ClassicMemory, RoundingFirstGivesThePublishedFigure) {
  // The published 742.34 comes from 4.06 x 128 + 218.27 + 4.39.
  EXPECT_NEAR(4.06 * 128 + 218.27 + 4.39, 742.34, 1e-9);
}

TEST(ClassicMemory, InferenceIsOneSampleOfParamsAndActivations) {
  auto m = applyClassicRecipe(workedExample(), workedSetup());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->inferenceParamBytes, 19'072'984LL * 4);
  EXPECT_EQ(m->inferenceActivationBytes, 532'752LL * 4);
  EXPECT_EQ(m->inferenceTotalBytes, (19'072'984LL + 532'752LL) * 4);
}

TEST(ClassicMemory, BuffersCountOnceInBoth) {
  NetworkCounts in = workedExample();
  in.bufferParams = 1000;
  auto m = applyClassicRecipe(in, workedSetup());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->trainingBufferBytes, 4000);
  EXPECT_EQ(m->trainingTotalBytes, 779'021'856LL + 4000);
  EXPECT_EQ(m->inferenceBufferBytes, 4000);
}

TEST(ClassicMemory, OtherElementSizes) {
  TrainingSetup setup = workedSetup();
  setup.states.bytesPerElement = 2;
  auto m = applyClassicRecipe(workedExample(), setup);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->trainingTotalBytes, 779'021'856LL / 2);
}

TEST(ClassicMemory, OverflowIsReportedNotWrapped) {
  TrainingSetup setup = workedSetup();
  setup.batch = INT64_MAX / 4;
  EXPECT_FALSE(applyClassicRecipe(workedExample(), setup));
}

} // namespace
