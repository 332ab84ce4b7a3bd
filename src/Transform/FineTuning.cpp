//===- FineTuning.cpp - --freeze and --lora as passes over the graph ------===//
#include "netc/Transform/FineTuning.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"

using namespace netc;

std::optional<std::string> netc::checkFreezePattern(llvm::StringRef pattern) {
  llvm::Expected<llvm::GlobPattern> glob = llvm::GlobPattern::create(pattern);
  if (glob)
    return std::nullopt;
  return llvm::toString(glob.takeError());
}

/// Moves a layer's parameters from trainable to frozen.
static void freeze(Layer &layer) {
  layer.params.frozen += layer.params.trainable; // the layer's checked total
  layer.params.trainable = 0;
}

void netc::freezeLayers(Graph &graph, llvm::ArrayRef<std::string> patterns,
                        std::vector<bool> &matched) {
  // A GlobPattern refers to its pattern's text, which outlives it here.
  std::vector<llvm::GlobPattern> globs;
  for (const std::string &pattern : patterns)
    globs.push_back(llvm::cantFail(llvm::GlobPattern::create(pattern)));
  for (Layer &layer : graph.layers)
    for (size_t i = 0; i < globs.size(); ++i)
      if (globs[i].match(layer.name)) {
        matched[i] = true;
        freeze(layer);
      }
}

bool netc::isLoraTarget(llvm::StringRef name, llvm::StringRef target) {
  return name == target ||
         (name.size() > target.size() && name.endswith(target) &&
          name[name.size() - target.size() - 1] == '.');
}

namespace {
/// Builds the adapter layers of one targeted dense layer.
class AdapterBuilder {
public:
  AdapterBuilder(const LoraConfig &config, std::vector<Layer> &layers)
      : config(config), layers(layers), dense(*lookupOp("dense")),
        scale(*lookupOp("mul_scalar")), add(*lookupOp("add")),
        dropout(*lookupOp("dropout")) {}

  /// Adds the adapter of the dense layer \p base (already in the layers)
  /// and returns the id of its sum, which the base layer's readers read.
  LayerId addAdapter(LayerId base) {
    // Copies: the vector grows below.
    const std::string name = layers[base].name;
    const TensorType out = layers[base].type;
    LayerId x = layers[base].inputs[0];
    int64_t in = layers[x].type.dims.back();
    int64_t units = out.dims.back();
    if (config.dropout > 0)
      x = addLayer(name + ".lora_dropout", dropout, {x}, layers[x].type,
                   {{"p", Value::floating(config.dropout), false},
                    {"inplace", Value::boolean(false), false}},
                   0, base);
    TensorType rankType = out;
    rankType.dims.back() = config.rank;
    LayerId a = addLayer(name + ".lora_A", dense, {x}, rankType,
                         {{"units", Value::integer(config.rank), false},
                          {"bias", Value::boolean(false), false}},
                         c.mul({config.rank, in}), base);
    layers[a].lora = LoraRole::Adapter;
    LayerId b = addLayer(name + ".lora_B", dense, {a}, out,
                         {{"units", Value::integer(units), false},
                          {"bias", Value::boolean(false), false}},
                         c.mul({units, config.rank}), base);
    layers[b].lora = LoraRole::Adapter;
    double factor = config.alpha / double(config.rank);
    LayerId scaled =
        addLayer(name + ".lora_scale", scale, {b}, out,
                 {{"factor", Value::floating(factor), false}}, 0, base);
    LayerId sum =
        addLayer(name + ".lora_add", add, {base, scaled}, out, {}, 0, base);
    layers[sum].lora = LoraRole::Sum;
    return sum;
  }

  bool overflowed() const { return c.overflowed(); }

private:
  /// Appends a layer made at the same place and in the same block call as
  /// \p base, with \p trainable parameters.
  LayerId addLayer(std::string name, const OpDef &op,
                   llvm::SmallVector<LayerId, 2> inputs, TensorType type,
                   std::vector<Attribute> attributes, int64_t trainable,
                   LayerId base) {
    Layer layer;
    layer.name = std::move(name);
    layer.op = &op;
    layer.inputs = std::move(inputs);
    layer.storage = op.resolveStorage(attributes);
    layer.attributes = std::move(attributes);
    layer.type = std::move(type);
    layer.params.trainable = trainable;
    layer.range = layers[base].range;
    layer.scope = layers[base].scope;
    layers.push_back(std::move(layer));
    return layers.size() - 1;
  }

  const LoraConfig &config;
  std::vector<Layer> &layers;
  const OpDef &dense, &scale, &add, &dropout;
  CheckedArithmetic c;
};
} // namespace

bool netc::addLoraAdapters(Graph &graph, const LoraConfig &config,
                           std::vector<bool> &matched) {
  // PEFT freezes the base model.
  for (Layer &layer : graph.layers)
    freeze(layer);
  const OpDef *dense = lookupOp("dense");
  std::vector<bool> targeted(graph.layers.size(), false);
  bool any = false;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    if (layer.op != dense)
      continue;
    for (size_t t = 0; t < config.targets.size(); ++t)
      if (isLoraTarget(layer.name, config.targets[t])) {
        matched[t] = true;
        targeted[id] = any = true;
      }
  }
  if (!any)
    return true;
  // Rebuild the layer array with each adapter right after its base layer
  // (inside the same block call, whose layers stay consecutive). A layer's
  // readers read readAs[id]: the adapter's sum for a targeted layer.
  std::vector<Layer> old = std::move(graph.layers);
  std::vector<Layer> &layers = graph.layers;
  layers.clear();
  layers.reserve(old.size());
  std::vector<LayerId> newId(old.size()), readAs(old.size());
  AdapterBuilder builder(config, layers);
  for (LayerId id = 0; id < old.size(); ++id) {
    Layer layer = std::move(old[id]);
    for (LayerId &in : layer.inputs)
      in = readAs[in];
    for (Attribute &attribute : layer.attributes)
      if (attribute.value.isWeight()) // the owner's weight, not its reader
        attribute.value =
            Value::weight(newId[attribute.value.getWeightOwner()]);
    layer.numUsers = 0;
    newId[id] = readAs[id] = layers.size();
    layers.push_back(std::move(layer));
    if (targeted[id])
      readAs[id] = builder.addAdapter(newId[id]);
  }
  for (LayerId &input : graph.inputs)
    input = newId[input];
  for (NetworkOutput &output : graph.outputs)
    output.layer = readAs[output.layer];
  for (Layer &layer : layers)
    for (LayerId in : layer.inputs)
      ++layers[in].numUsers;
  return !builder.overflowed();
}
