//===- NameSetTest.cpp - the checker's compact set of layer names ---------===//
//
// NameSet keeps counted names (x_relu_12) as bits and the rest as strings;
// it must answer exactly as a set of strings does.
//
//===----------------------------------------------------------------------===//
#include "../../src/Check/NameSet.h"

#include "gtest/gtest.h"

#include <random>
#include <set>
#include <string>

using netc::check::NameSet;

TEST(NameSet, AnswersAsASetOfStrings) {
  std::mt19937 rng(5);
  const char *stems[] = {"x", "x_", "x_relu_", "a1_", "_", "b", "layer1.0_",
                         "y_conv2d_"};
  NameSet names;
  std::set<std::string> reference;
  for (unsigned i = 0; i < 200000; ++i) {
    std::string name = stems[rng() % 8];
    switch (rng() % 6) {
    case 0: // no number
      break;
    case 1: // a leading zero, or a lone zero
      name += rng() % 2 ? "0" : "0" + std::to_string(rng() % 100);
      break;
    case 2: // far beyond the count
      name += std::to_string(rng() % 2000000000);
      break;
    case 3: // ten digits and more
      name += "12345678901";
      break;
    default: // counting
      name += std::to_string(rng() % (i / 4 + 2));
      break;
    }
    if (rng() % 3 == 0) {
      EXPECT_EQ(names.contains(name), reference.count(name) == 1) << name;
    } else {
      bool added = reference.insert(name).second;
      EXPECT_EQ(names.insert(name), added) << name;
    }
    if (HasFailure())
      return;
  }
  for (const std::string &name : reference)
    EXPECT_TRUE(names.contains(name)) << name;
  EXPECT_FALSE(names.contains(""));
  EXPECT_TRUE(names.insert(""));
  EXPECT_FALSE(names.insert(""));
  EXPECT_TRUE(names.insert("7"));
  EXPECT_FALSE(names.insert("7"));
}
