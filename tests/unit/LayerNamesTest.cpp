//===- LayerNamesTest.cpp - example layer names against torchvision -------===//
//
// tests/reference/torchvision_names.json is written by
// tools/torch_module_names.py (torch 1.13, torchvision 0.14): per model, the
// names of the modules that hold parameters or buffers (the state_dict keys
// without `.weight`, `.bias`, `.running_mean`, ...; attention's in_proj as a
// layer of its own) and the parameters a module holds next to its children
// (ViT's class_token). The examples with a torchvision twin name their
// layers with `as` so that the layers holding parameters or buffers are
// exactly those names: state_dict keys can be matched to netc's layers.
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <set>
#include <string>

using namespace netc;
using namespace netc::testing;

namespace {

llvm::json::Value loadNames() {
  std::string path =
      std::string(NETC_SOURCE_DIR) + "/tests/reference/torchvision_names.json";
  auto buffer = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buffer)) << path;
  if (!buffer)
    return nullptr;
  auto parsed = llvm::json::parse((*buffer)->getBuffer());
  EXPECT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  return parsed ? std::move(*parsed) : llvm::json::Value(nullptr);
}

/// "a, b, c" for a failure message.
std::string join(const std::set<std::string> &names) {
  std::string s;
  for (const std::string &name : names)
    s += (s.empty() ? "" : ", ") + name;
  return s.empty() ? "(none)" : s;
}

TEST(LayerNames, ExamplesUseTorchvisionModuleNames) {
  llvm::json::Value reference = loadNames();
  const llvm::json::Object *models = reference.getAsObject();
  ASSERT_TRUE(models);
  const char *const twins[] = {"alexnet",  "vgg16",        "resnet18",
                               "resnet50", "mobilenet_v2", "vit_b_16"};
  for (const char *name : twins) {
    const llvm::json::Object *model = models->getObject(name);
    ASSERT_TRUE(model) << name;
    std::set<std::string> expected;
    for (const char *key : {"layers", "params"}) {
      const llvm::json::Array *list = model->getArray(key);
      ASSERT_TRUE(list) << name << ": " << key;
      for (const llvm::json::Value &v : *list)
        expected.insert(v.getAsString()->str());
    }
    Graph graph = loadExample(name);
    ASSERT_FALSE(::testing::Test::HasFailure()) << name;
    std::set<std::string> actual;
    for (const Layer &layer : graph.layers)
      if (layer.params.getParams() > 0 || layer.params.buffers > 0)
        actual.insert(layer.name);
    std::set<std::string> missing, extra;
    for (const std::string &n : expected)
      if (!actual.count(n))
        missing.insert(n);
    for (const std::string &n : actual)
      if (!expected.count(n))
        extra.insert(n);
    EXPECT_TRUE(missing.empty() && extra.empty())
        << name << ": torchvision's names netc lacks: " << join(missing)
        << "\nnetc's names torchvision lacks: " << join(extra);
  }
}

} // namespace
