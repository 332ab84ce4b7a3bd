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
// Every other leaf module (ReLUs, pools, dropouts) is a netc layer of the
// same name too, but for the identities (dropouts with p = 0) and the
// leaves an example leaves out on purpose (LeftOutLeaves below).
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

/// The list \p key of \p model as a set of names.
std::set<std::string> getNames(const llvm::json::Object &model,
                               llvm::StringRef key) {
  std::set<std::string> names;
  if (const llvm::json::Array *list = model.getArray(key))
    for (const llvm::json::Value &v : *list)
      if (auto s = v.getAsString())
        names.insert(s->str());
  return names;
}

TEST(LayerNames, EveryTorchvisionLeafModuleIsALayer) {
  llvm::json::Value reference = loadNames();
  const llvm::json::Object *models = reference.getAsObject();
  ASSERT_TRUE(models);
  // The leaves an example leaves out, and why: VGG16's adaptive average
  // pool to 7x7 is the identity at 224x224, and examples/vgg16.net follows
  // the CS231n table, which has no such row.
  const std::set<std::string> leftOut[] = {{}, {"avgpool"}};
  const char *const twins[] = {"alexnet", "vgg16", "resnet18", "resnet50",
                               "mobilenet_v2", "vit_b_16"};
  for (const char *name : twins) {
    const llvm::json::Object *model = models->getObject(name);
    ASSERT_TRUE(model) << name;
    std::set<std::string> leaves = getNames(*model, "leaves");
    ASSERT_FALSE(leaves.empty()) << name;
    std::set<std::string> identities = getNames(*model, "identity_leaves");
    const std::set<std::string> &skipped =
        leftOut[llvm::StringRef(name) == "vgg16" ? 1 : 0];
    Graph graph = loadExample(name);
    ASSERT_FALSE(::testing::Test::HasFailure()) << name;
    std::set<std::string> layers;
    for (const Layer &layer : graph.layers)
      layers.insert(layer.name);
    std::set<std::string> missing;
    for (const std::string &leaf : leaves)
      if (!layers.count(leaf) && !identities.count(leaf) &&
          !skipped.count(leaf))
        missing.insert(leaf);
    EXPECT_TRUE(missing.empty())
        << name << ": torchvision's leaf modules netc has no layer of: "
        << join(missing);
  }
}

} // namespace
