//===- SizeUnitsTest.cpp - --units: parsing and formatting sizes ----------===//
#include "netc/Emit/Format.h"

#include "gtest/gtest.h"

using namespace netc;

namespace {

std::optional<SizeUnit> parseSizeUnit(llvm::StringRef name) {
  return parseSpelling(getSizeUnitSpellings(), name);
}

TEST(SizeUnits, ParsesEveryName) {
  EXPECT_EQ(parseSizeUnit("auto"), SizeUnit::Auto);
  EXPECT_EQ(parseSizeUnit("B"), SizeUnit::B);
  EXPECT_EQ(parseSizeUnit("KiB"), SizeUnit::KiB);
  EXPECT_EQ(parseSizeUnit("MiB"), SizeUnit::MiB);
  EXPECT_EQ(parseSizeUnit("GiB"), SizeUnit::GiB);
  EXPECT_EQ(parseSizeUnit("KB"), SizeUnit::KB);
  EXPECT_EQ(parseSizeUnit("MB"), SizeUnit::MB);
  EXPECT_EQ(parseSizeUnit("GB"), SizeUnit::GB);
  EXPECT_EQ(parseSizeUnit("mb"), std::nullopt);
  EXPECT_EQ(parseSizeUnit("TiB"), std::nullopt);
}

TEST(SizeUnits, AutoPicksTheLargestBinaryUnitAtOneOrMore) {
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, 0), SizeUnit::B);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, 1023), SizeUnit::B);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, 1024), SizeUnit::KiB);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, 1024 * 1024 - 1), SizeUnit::KiB);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, 1024 * 1024), SizeUnit::MiB);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::Auto, int64_t(1) << 40), SizeUnit::GiB);
  EXPECT_EQ(resolveSizeUnit(SizeUnit::MB, 5), SizeUnit::MB);
}

TEST(SizeUnits, FormatsWithTwoDecimalsAndSeparators) {
  // The example: 532,752 x 2 x 4 B = 4,262,016 B = 4.06 MiB.
  EXPECT_EQ(formatSize(4262016, SizeUnit::Auto), "4.06 MiB");
  EXPECT_EQ(formatSize(4262016, SizeUnit::MB), "4.26 MB");
  EXPECT_EQ(formatSize(4262016, SizeUnit::KiB), "4,162.12 KiB");
  EXPECT_EQ(formatSize(4262016, SizeUnit::B), "4,262,016 B");
  EXPECT_EQ(formatSize(999, SizeUnit::Auto), "999 B");
  // 24 GB of model state for 1.5 billion parameters at 16 bytes each.
  EXPECT_EQ(formatSize(24000000000, SizeUnit::GB), "24.00 GB");
  EXPECT_EQ(formatSize(24000000000, SizeUnit::Auto), "22.35 GiB");
  EXPECT_EQ(getSizeUnitDivisor(SizeUnit::MiB), "1024^2");
  EXPECT_EQ(getSizeUnitDivisor(SizeUnit::GB), "1000^3");
}

} // namespace
