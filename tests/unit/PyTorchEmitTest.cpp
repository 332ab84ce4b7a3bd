//===- PyTorchEmitTest.cpp - --emit=pytorch covers the whole registry -----===//
//
// Every op a file can call has a generation rule (PyTorchRules.cpp), as every
// diagnostic has a docs section: a new op without one fails here. Whether
// the generated modules agree with netc's figures in torch is
// tests/pytorch/check_pytorch.py's job (CTests pytorch/emitted-examples and pytorch/emitted-tests).
//
//===----------------------------------------------------------------------===//
#include "netc/Emit/Emitters.h"
#include "netc/Ops/OpRegistry.h"

#include "ExampleLoader.h"

#include "gtest/gtest.h"

using namespace netc;
using namespace netc::testing;

namespace {

TEST(PyTorchEmit, EveryCallableOpHasAGenerationRule) {
  unsigned callable = 0;
  for (const OpDef &op : getAllOps()) {
    if (!op.callable)
      continue;
    ++callable;
    EXPECT_TRUE(hasPyTorchGenerationRule(op.name))
        << "op '" << op.name << "' has no --emit=pytorch rule "
        << "(src/Emit/PyTorchRules.cpp)";
  }
  EXPECT_GT(callable, 50u);
}

// Calls of a block with the same layers share a class: b and c (4 to 4
// channels); a (3 to 4) has its own. The network's class is named after the network and
// the state_dict keys follow the layer names.
TEST(PyTorchEmit, BlockCallsShareAClassWhenTheirLayersAgree) {
  Graph graph = compileSource(
      "block unit(x, c) {\n  return x |> conv2d(c, kernel=3, padding=1) |> "
      "relu\n}\n"
      "network Tiny {\n  input x: [3, 8, 8]\n  a = unit(x, 4)\n"
      "  b = unit(a, 4)\n  c = unit(b, 4)\n  output y = c\n}\n");
  ASSERT_FALSE(HasFailure());
  NetworkAnalysis analysis;
  analysis.graph = &graph;
  std::string text;
  llvm::raw_string_ostream os(text);
  emitPyTorch({analysis}, ReportOptions(), os);
  os.flush();
  EXPECT_NE(text.find("class Unit(nn.Module):"), std::string::npos) << text;
  EXPECT_NE(text.find("class Unit2(nn.Module):"), std::string::npos) << text;
  EXPECT_EQ(text.find("class Unit3("), std::string::npos) << text;
  EXPECT_NE(text.find("class Tiny(nn.Module):"), std::string::npos) << text;
  EXPECT_NE(text.find("self.a = Unit()"), std::string::npos) << text;
  EXPECT_NE(text.find("self.b = Unit2()"), std::string::npos) << text;
  EXPECT_NE(text.find("self.c = Unit2()"), std::string::npos) << text;
  EXPECT_NE(text.find("NETWORKS = {\"Tiny\": Tiny}"), std::string::npos)
      << text;
}

} // namespace
