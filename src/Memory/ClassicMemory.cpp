//===- ClassicMemory.cpp - the classic recipe, term by term ---------------===//
#include "netc/Memory/ClassicMemory.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

using namespace netc;

std::optional<ClassicMemory>
netc::applyClassicRecipe(const NetworkCounts &in, const TrainingSetup &setup) {
  const ModelStateConfig &states = setup.states;
  auto modelStates = computeModelStates(
      ParamsToKeep{in.trainableParams, in.frozenParams, in.quantizableFrozen},
      states);
  if (!modelStates)
    return std::nullopt;
  CheckedArithmetic c;
  ClassicMemory m;
  m.modelStates = *modelStates;
  int64_t act = states.getWeightBytes();
  int64_t buffer = states.getBufferBytes();
  m.activationBytesPerElement = act;
  m.trainingParamBytes = modelStates->total;
  // Float buffers at the float width, integer and bool ones at their own.
  int64_t bufferBytes =
      c.add({c.mul({in.bufferParams - in.fixedWidthBuffers, buffer}),
             in.fixedWidthBufferBytes});
  m.trainingBufferBytes = bufferBytes;
  m.activationBytesPerSample = c.mul({in.activations, 2, act});
  m.trainingActivationBytes = c.mul({in.activations, 2, setup.batch, act});
  m.inputBytesPerSample = c.mul({in.inputElements, act});
  m.trainingInputBytes = c.mul({in.inputElements, setup.batch, act});
  m.trainingTotalBytes =
      c.add({m.trainingParamBytes, m.trainingBufferBytes,
             m.trainingActivationBytes, m.trainingInputBytes});
  m.fixedBytes = c.add({m.trainingParamBytes, m.trainingBufferBytes});
  m.perSampleBytes = c.add({m.activationBytesPerSample, m.inputBytesPerSample});
  // Inference keeps every weight once; --weights stores the dense ones
  // quantized.
  QuantizableWeights quantizable;
  if (states.weightFormat != WeightFormat::Element)
    quantizable = in.quantizable;
  auto quantized = computeQuantizedWeights(quantizable, states.weightFormat);
  if (!quantized)
    return std::nullopt;
  m.inferenceQuantized = *quantized;
  m.inferenceParamBytes =
      c.mul({c.add({in.trainableParams, in.frozenParams}) -
                 quantizable.elements,
             act});
  m.inferenceBufferBytes = bufferBytes;
  m.inferenceActivationBytes = c.mul({in.activations, act});
  m.inferenceTotalBytes =
      c.add({m.inferenceParamBytes, quantized->weights, quantized->scales,
             m.inferenceBufferBytes, m.inferenceActivationBytes});
  if (c.overflowed())
    return std::nullopt;
  return m;
}

int64_t netc::getActivationElements(const Layer &layer) {
  if (layer.op->family == OpFamily::Input ||
      layer.op->family == OpFamily::Parameter ||
      layer.storage != OutputStorage::New)
    return 0;
  return *layer.type.getNumElements();
}

/// True when \p id's output is a network output, directly or through the
/// sum of a LoRA adapter on it.
static bool isHead(const Graph &graph, LayerId id) {
  for (const NetworkOutput &output : graph.outputs) {
    const Layer &out = graph.layers[output.layer];
    if (output.layer == id ||
        (out.lora == LoraRole::Sum && out.inputs[0] == id))
      return true;
  }
  return false;
}

int64_t netc::getQuantizableWeights(const Graph &graph, LayerId id) {
  const Layer &layer = graph.layers[id];
  if (layer.op->name != "dense" || !layer.op->weightShape ||
      layer.lora == LoraRole::Adapter || isHead(graph, id))
    return 0;
  const Attribute *tied = layer.getAttribute("weight");
  if (tied && tied->value.isWeight()) // the owner's weight
    return 0;
  const TensorType *input = &graph.layers[layer.inputs[0]].type;
  llvm::SmallVector<int64_t, 4> shape =
      layer.op->weightShape(layer.attributes, input);
  // A part of the layer's checked parameter count.
  return shape[0] * shape[1];
}

std::optional<NetworkCounts> netc::countNetwork(const Graph &graph) {
  CheckedArithmetic c;
  NetworkCounts in;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    if (int64_t weights = getQuantizableWeights(graph, id)) {
      int64_t blocks = ceilDiv(weights, NF4BlockSize);
      in.quantizable.elements = c.add({in.quantizable.elements, weights});
      in.quantizable.blocks = c.add({in.quantizable.blocks, blocks});
      if (layer.params.frozen > 0) {
        QuantizableWeights &f = in.quantizableFrozen;
        f.elements = c.add({f.elements, weights});
        f.blocks = c.add({f.blocks, blocks});
      }
    }
    in.trainableParams = c.add({in.trainableParams, layer.params.trainable});
    in.frozenParams = c.add({in.frozenParams, layer.params.frozen});
    in.bufferParams = c.add({in.bufferParams, layer.params.buffers});
    in.idleParams = c.add({in.idleParams, layer.params.idle});
    if (layer.params.buffers && layer.op == &getBufferOp() &&
        !isFloatingPoint(layer.type.dtype)) {
      in.fixedWidthBuffers = c.add({in.fixedWidthBuffers, layer.params.buffers});
      in.fixedWidthBufferBytes =
          c.add({in.fixedWidthBufferBytes,
                 c.mul({layer.params.buffers,
                        int64_t(getByteWidth(layer.type.dtype))})});
    }
    in.activations = c.add({in.activations, getActivationElements(layer)});
    if (layer.op->family == OpFamily::Input)
      in.inputElements =
          c.add({in.inputElements, *layer.type.getNumElements()});
  }
  in.activationsWithInput = c.add({in.activations, in.inputElements});
  if (c.overflowed())
    return std::nullopt;
  return in;
}
