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

void netc::freezeLayer(Layer &layer) {
  layer.params.frozen += layer.params.trainable; // the layer's checked total
  layer.params.trainable = 0;
}

void netc::freezeAllButAdapters(Graph &graph) {
  for (Layer &layer : graph.layers)
    if (layer.lora != LoraRole::Adapter)
      freezeLayer(layer);
}

std::optional<LayerId> netc::findLoraSum(llvm::ArrayRef<Layer> layers,
                                         LayerId base) {
  // The adapter follows its base layer: search from there.
  for (LayerId id = base + 1; id < layers.size(); ++id)
    if (layers[id].lora == LoraRole::Sum && layers[id].inputs[0] == base)
      return id;
  return std::nullopt;
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
        freezeLayer(layer);
      }
}

bool netc::isLoraTarget(llvm::StringRef name, llvm::StringRef target) {
  return name == target ||
         (name.size() > target.size() && name.endswith(target) &&
          name[name.size() - target.size() - 1] == '.');
}

LoraAdapterBuilder::LoraAdapterBuilder(const LoraConfig &config,
                                       std::vector<Layer> &layers)
    : config(config), layers(layers), dense(*lookupOp("dense")),
      scale(*lookupOp("mul_scalar")), add(*lookupOp("add")),
      dropout(*lookupOp("dropout")) {}

LayerId LoraAdapterBuilder::addAdapter(LayerId base, llvm::SMRange range,
                                       int scope) {
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
                 0, range, scope);
  TensorType rankType = out;
  rankType.dims.back() = config.rank;
  LayerId a = addLayer(name + ".lora_A", dense, {x}, rankType,
                       {{"units", Value::integer(config.rank), false},
                        {"bias", Value::boolean(false), false}},
                       c.mul({config.rank, in}), range, scope);
  layers[a].lora = LoraRole::Adapter;
  LayerId b = addLayer(name + ".lora_B", dense, {a}, out,
                       {{"units", Value::integer(units), false},
                        {"bias", Value::boolean(false), false}},
                       c.mul({units, config.rank}), range, scope);
  layers[b].lora = LoraRole::Adapter;
  double factor = config.alpha / double(config.rank);
  LayerId scaled =
      addLayer(name + ".lora_scale", scale, {b}, out,
               {{"factor", Value::floating(factor), false}}, 0, range, scope);
  LayerId sum =
      addLayer(name + ".lora_add", add, {base, scaled}, out, {}, 0, range,
               scope);
  layers[sum].lora = LoraRole::Sum;
  return sum;
}

LayerId LoraAdapterBuilder::addLayer(std::string name, const OpDef &op,
                                     llvm::SmallVector<LayerId, 2> inputs,
                                     TensorType type,
                                     std::vector<Attribute> attributes,
                                     int64_t trainable, llvm::SMRange range,
                                     int scope) {
  Layer layer;
  layer.name = std::move(name);
  layer.op = &op;
  for (LayerId in : inputs)
    ++layers[in].numUsers;
  layer.inputs = std::move(inputs);
  layer.storage = op.resolveStorage(attributes);
  layer.attributes = std::move(attributes);
  layer.type = std::move(type);
  layer.params.trainable = trainable;
  layer.range = range;
  layer.scope = scope;
  layers.push_back(std::move(layer));
  return layers.size() - 1;
}

std::optional<LayerId> netc::findAdaptedTarget(const Graph &graph,
                                               const LoraConfig &config) {
  const OpDef *dense = lookupOp("dense");
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    if (layer.op != dense || layer.lora != LoraRole::None)
      continue;
    for (const std::string &target : config.targets)
      if (isLoraTarget(layer.name, target) && findLoraSum(graph.layers, id))
        return id;
  }
  return std::nullopt;
}

bool netc::addLoraAdapters(Graph &graph, const LoraConfig &config,
                           std::vector<bool> &matched) {
  // PEFT freezes the base model (adapters from lora(...) stay trained).
  freezeAllButAdapters(graph);
  const OpDef *dense = lookupOp("dense");
  std::vector<bool> targeted(graph.layers.size(), false);
  bool any = false;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    if (layer.op != dense || layer.lora != LoraRole::None)
      continue; // an adapter's A and B are no targets
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
  LoraAdapterBuilder builder(config, layers);
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
    if (targeted[id]) {
      const Layer &base = layers[newId[id]];
      readAs[id] = builder.addAdapter(newId[id], base.range, base.scope);
    }
  }
  for (LayerId &input : graph.inputs)
    input = newId[input];
  for (NetworkOutput &output : graph.outputs)
    output.layer = readAs[output.layer];
  for (Layer &layer : layers)
    layer.numUsers = 0; // the builder counted its own layers' readers
  for (Layer &layer : layers)
    for (LayerId in : layer.inputs)
      ++layers[in].numUsers;
  return !builder.overflowed();
}
