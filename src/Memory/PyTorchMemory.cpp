//===- PyTorchMemory.cpp - saved-for-backward bytes, op by op -------------===//
#include "netc/Memory/PyTorchMemory.h"

#include "netc/Basic/CheckedMath.h"


using namespace netc;

namespace {
/// How a kept tensor relates to the layer output it comes from.
enum class Alias : uint64_t {
  Same = 0,   ///< the output itself
  Matrix = 1, ///< a reshaped view of it (dense on more than one axis)
  Copy = 2,   ///< a copy made by the keeping layer
  /// A view with a unit axis inserted: 1-D pooling runs torch's 2-D
  /// kernel on [N, C, 1, L], which keeps that view as its own tensor.
  UnitAxis = 3,
};

/// Identifies kept tensors as torch does, and adds up their bytes.
class SavedTensorSet {
public:
  SavedTensorSet(const Graph &graph, int64_t width, SavedTensorSplit split)
      : graph(graph), width(width), split(split), tensorOf(graph.layers.size()),
        isWeight(graph.layers.size(), false),
        needsGrad(graph.layers.size(), false),
        seen(graph.layers.size() * 4, false) {
    for (LayerId id = 0; id < static_cast<LayerId>(graph.layers.size()); ++id) {
      tensorOf[id] = findTensor(id);
      const Layer &layer = graph.layers[id];
      isWeight[id] = layer.op->family == OpFamily::Parameter ||
                     (layer.storage != OutputStorage::New &&
                      !layer.inputs.empty() && isWeight[layer.inputs[0]]);
      needsGrad[id] = usesTrainedWeights(layer);
      for (LayerId in : layer.inputs)
        needsGrad[id] = needsGrad[id] || needsGrad[in];
    }
  }

  /// True when \p id's output requires a gradient: it depends on a trained
  /// weight. torch records no backward function, and keeps nothing, for a
  /// layer whose output does not (an op on the input or a mask alone).
  bool requiresGrad(LayerId id) const { return needsGrad[id]; }

  /// The layer whose output holds \p id's tensor: in-place layers and
  /// same-shape views share their input's; everything else is its own.
  LayerId getTensor(LayerId id) const { return tensorOf[id]; }

  /// Keeps \p tensor for \p saves; false on overflow.
  bool keep(LayerSaves &saves, LayerId tensor, Alias alias) {
    // A param or buffer (or a view of one) is kept by reference: its
    // memory is the weights'.
    if (alias != Alias::Copy && isWeight[tensor])
      return true;
    // A copy belongs to the keeping layer; a view or the tensor to its
    // producer.
    LayerId owner = alias == Alias::Copy ? saves.layer : tensor;
    uint64_t key = static_cast<uint64_t>(owner) * 4 +
                   static_cast<uint64_t>(alias);
    // Integer tensors (embedding indices) are kept at their own width.
    const TensorType &type = graph.layers[tensor].type;
    int64_t elements = *type.getNumElements();
    if (split)
      elements = ceilDiv(elements, split(tensor, saves.layer));
    auto bytes = checkedMul(elements,
                            isFloatingPoint(type.dtype)
                                ? width
                                : int64_t(getByteWidth(type.dtype)));
    if (!bytes)
      return false;
    saves.tensors.push_back(tensor);
    saves.copy = alias == Alias::Copy;
    if (seen[key]) {
      saves.sharedTensorBytes += *bytes;
      return true;
    }
    seen[key] = true;
    saves.newTensorBytes += *bytes;
    ++count;
    return true;
  }

  /// True when \p tensor, or a reshaped view of it that shares its memory,
  /// is kept.
  bool isKept(LayerId tensor) const {
    uint64_t key = static_cast<uint64_t>(tensor) * 4;
    return seen[key + static_cast<uint64_t>(Alias::Same)] ||
           seen[key + static_cast<uint64_t>(Alias::Matrix)] ||
           seen[key + static_cast<uint64_t>(Alias::UnitAxis)];
  }
  int64_t getCount() const { return count; }

private:
  LayerId findTensor(LayerId id) const {
    const Layer &layer = graph.layers[id];
    if (layer.inputs.empty())
      return id;
    LayerId input = tensorOf[layer.inputs[0]];
    switch (layer.storage) {
    case OutputStorage::InPlace:
      return input;
    case OutputStorage::View:
      return graph.layers[input].type.dims == layer.type.dims ? input : id;
    case OutputStorage::New:
      return id;
    }
    return id;
  }

public:
  /// True when \p layer has weights that are trained: its own, or a tied
  /// weight whose owner's are. A frozen layer's (--freeze, --lora) are not,
  /// as torch's with requires_grad=False.
  bool usesTrainedWeights(const Layer &layer) const {
    if (layer.params.trainable > 0)
      return true;
    const Attribute *tied = layer.getAttribute("weight");
    return tied && tied->value.isWeight() &&
           graph.layers[tied->value.getWeightOwner()].params.trainable > 0;
  }

private:

  const Graph &graph;
  int64_t width;
  SavedTensorSplit split;
  std::vector<LayerId> tensorOf;
  /// Per layer, true for a declared param or buffer and its views.
  std::vector<bool> isWeight;
  /// Per layer, true when its output requires a gradient.
  std::vector<bool> needsGrad;
  /// The keys (owner * 4 + alias) of the tensors kept so far: owners are
  /// layers, so a bit per possible key.
  std::vector<bool> seen;
  int64_t count = 0;
};
} // namespace

std::optional<SavedForBackward>
netc::computeSavedForBackward(const Graph &graph, const SavedWidths &widths,
                              SavedTensorSplit split) {
  SavedForBackward result;
  SavedTensorSet set(graph, widths.activation, split);
  for (LayerId id = 0; id < static_cast<LayerId>(graph.layers.size()); ++id) {
    const Layer &layer = graph.layers[id];
    const BackwardSaves &rule = layer.op->saves;
    // No gradient flows through the layer: torch records no backward.
    if (!set.requiresGrad(id))
      continue;
    LayerSaves saves;
    saves.layer = id;
    bool inPlace = layer.storage == OutputStorage::InPlace;
    bool ok = true;
    auto input = [&](unsigned i) { return set.getTensor(layer.inputs[i]); };
    llvm::SmallVector<const TensorType *, 4> inputTypes;
    for (LayerId in : layer.inputs)
      inputTypes.push_back(&graph.layers[in].type);
    switch (rule.select ? rule.select(layer, inputTypes) : rule.tensors) {
    case SavedTensors::None:
      break;
    case SavedTensors::Input:
      ok = set.keep(saves, input(0), Alias::Same);
      break;
    case SavedTensors::InputWithUnitAxis:
      ok = set.keep(saves, input(0), Alias::UnitAxis);
      break;
    case SavedTensors::Inputs:
      // A product's backward needs each factor for the other's gradient:
      // a factor is kept only when another one requires a gradient (not
      // for x * mask's x when the mask is an input).
      for (unsigned i = 0; ok && i < layer.inputs.size(); ++i) {
        bool needed = false;
        for (unsigned j = 0; j < layer.inputs.size(); ++j)
          needed = needed || (j != i && set.requiresGrad(layer.inputs[j]));
        if (needed || layer.inputs.size() == 1)
          ok = set.keep(saves, input(i), Alias::Same);
      }
      break;
    case SavedTensors::InputAsMatrix: {
      // The input is needed only for the weight's gradient: torch's mm
      // and addmm save each factor only when the other one requires a
      // gradient, so a frozen dense keeps nothing but its (frozen) weight.
      if (!set.usesTrainedWeights(layer))
        break;
      bool oneAxis = graph.layers[layer.inputs[0]].type.getRank() == 1;
      ok = set.keep(saves, input(0), oneAxis ? Alias::Same : Alias::Matrix);
      break;
    }
    case SavedTensors::Output:
      ok = set.keep(saves, set.getTensor(id), Alias::Same);
      break;
    case SavedTensors::InputsAndOutput:
      for (unsigned i = 0; ok && i < layer.inputs.size(); ++i)
        ok = set.keep(saves, input(i), Alias::Same);
      ok = ok && set.keep(saves, set.getTensor(id), Alias::Same);
      break;
    case SavedTensors::InputOrOutputInPlace:
      ok = set.keep(saves, inPlace ? set.getTensor(id) : input(0),
                    Alias::Same);
      break;
    case SavedTensors::InputOrCopyInPlace:
      ok = set.keep(saves, input(0), inPlace ? Alias::Copy : Alias::Same);
      break;
    case SavedTensors::InputCopy:
      ok = set.keep(saves, input(0), Alias::Copy);
      break;
    }
    if (ok && rule.extra) {
      SavedRuleContext context{widths, !layer.inputs.empty() &&
                                           set.requiresGrad(layer.inputs[0])};
      auto extra = rule.extra(layer, inputTypes, context);
      ok = extra.has_value();
      if (extra)
        saves.extraBytes = split ? ceilDiv(*extra, split(id, id))
                                 : *extra;
    }
    if (!ok)
      return std::nullopt;
    if (saves.tensors.empty() && saves.extraBytes == 0)
      continue;
    auto tensors = checkedAdd(result.tensorBytes, saves.newTensorBytes);
    auto extra = checkedAdd(result.extraBytes, saves.extraBytes);
    if (!tensors || !extra)
      return std::nullopt;
    result.tensorBytes = *tensors;
    result.extraBytes = *extra;
    result.layers.push_back(std::move(saves));
  }
  result.tensorCount = set.getCount();
  for (LayerId input : graph.inputs) {
    if (set.isKept(input))
      continue;
    auto bytes =
        checkedMul(*graph.layers[input].type.getNumElements(), widths.activation);
    auto sum = bytes ? checkedAdd(result.unsavedInputBytes, *bytes)
                     : std::nullopt;
    if (!sum)
      return std::nullopt;
    result.unsavedInputBytes = *sum;
  }
  auto total = checkedAdd(result.tensorBytes, result.extraBytes);
  if (!total)
    return std::nullopt;
  result.bytes = *total;
  return result;
}
