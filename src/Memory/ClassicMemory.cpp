//===- ClassicMemory.cpp - the classic recipe, term by term ---------------===//
#include "netc/Memory/ClassicMemory.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

using namespace netc;

std::optional<ClassicMemory>
netc::applyClassicRecipe(const NetworkCounts &in, const TrainingSetup &setup) {
  const ModelStateConfig &states = setup.states;
  auto modelStates = computeModelStates(in.trainableParams, states);
  if (!modelStates)
    return std::nullopt;
  CheckedArithmetic c;
  ClassicMemory m;
  m.modelStates = *modelStates;
  int64_t act = states.getWeightBytes();
  int64_t buffer = states.getBufferBytes();
  m.activationBytesPerElement = act;
  m.trainingParamBytes = modelStates->total;
  m.trainingBufferBytes = c.mul({in.bufferParams, buffer});
  m.activationBytesPerSample = c.mul({in.activations, 2, act});
  m.trainingActivationBytes = c.mul({in.activations, 2, setup.batch, act});
  m.inputBytesPerSample = c.mul({in.inputElements, act});
  m.trainingInputBytes = c.mul({in.inputElements, setup.batch, act});
  m.trainingTotalBytes =
      c.add({m.trainingParamBytes, m.trainingBufferBytes,
             m.trainingActivationBytes, m.trainingInputBytes});
  m.fixedBytes = c.add({m.trainingParamBytes, m.trainingBufferBytes});
  m.perSampleBytes = c.add({m.activationBytesPerSample, m.inputBytesPerSample});
  m.inferenceParamBytes = c.mul({in.trainableParams, act});
  m.inferenceBufferBytes = c.mul({in.bufferParams, buffer});
  m.inferenceActivationBytes = c.mul({in.activations, act});
  m.inferenceTotalBytes = c.add({m.inferenceParamBytes, m.inferenceBufferBytes,
                                 m.inferenceActivationBytes});
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

std::optional<NetworkCounts> netc::countNetwork(const Graph &graph) {
  CheckedArithmetic c;
  NetworkCounts in;
  for (const Layer &layer : graph.layers) {
    in.trainableParams = c.add({in.trainableParams, layer.params.trainable});
    in.bufferParams = c.add({in.bufferParams, layer.params.buffers});
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
