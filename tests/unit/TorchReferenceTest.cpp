//===- TorchReferenceTest.cpp - examples against measured torchvision -----===//
//
// tests/reference/torchvision.json is measured by tools/torch_reference.py
// (torch 1.13, torchvision 0.14): trainable parameters, buffers and the
// bytes autograd saves for backward. The examples with a torchvision twin
// must match the parameters and buffers exactly. (The saved bytes are the
// target of the PyTorch-accurate memory model, which is not built yet.)
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

using namespace netc;
using namespace netc::testing;

namespace {

TEST(TorchReference, ExamplesMatchParametersAndBuffers) {
  std::string path =
      std::string(NETC_SOURCE_DIR) + "/tests/reference/torchvision.json";
  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(bool(buffer)) << path;
  auto parsed = llvm::json::parse((*buffer)->getBuffer());
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const llvm::json::Object *models = parsed->getAsObject()->getObject("models");
  ASSERT_TRUE(models);
  unsigned compared = 0;
  for (const char *name :
       {"alexnet", "vgg16", "resnet18", "resnet50", "mobilenet_v2"}) {
    const llvm::json::Object *measured = models->getObject(name);
    ASSERT_TRUE(measured) << name;
    Graph graph = loadExample(name);
    ASSERT_FALSE(::testing::Test::HasFailure()) << name;
    EXPECT_EQ(totalTrainable(graph), *measured->getInteger("trainable_params"))
        << name;
    EXPECT_EQ(totalBuffers(graph), *measured->getInteger("buffers")) << name;
    ++compared;
  }
  EXPECT_EQ(compared, 5u);
}

} // namespace
