//===- ClassicMemory.cpp - the classic recipe, term by term ---------------===//
#include "netc/Memory/ClassicMemory.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Ops/OpRegistry.h"

using namespace netc;

namespace {
/// Multiplies and adds with one overflow flag, so formulas stay readable.
class Checked {
public:
  int64_t mul(std::initializer_list<int64_t> factors) {
    int64_t r = 1;
    for (int64_t f : factors) {
      auto p = checkedMul(r, f);
      if (!p) {
        overflow = true;
        return 0;
      }
      r = *p;
    }
    return r;
  }
  int64_t add(std::initializer_list<int64_t> terms) {
    int64_t r = 0;
    for (int64_t t : terms) {
      auto s = checkedAdd(r, t);
      if (!s) {
        overflow = true;
        return 0;
      }
      r = *s;
    }
    return r;
  }
  bool overflow = false;
};
} // namespace

std::optional<ClassicMemory> netc::applyClassicRecipe(const RecipeInputs &in) {
  Checked c;
  ClassicMemory m;
  m.inputs = in;
  m.activationsWithInput = c.add({in.activations, in.inputElements});
  // The states' element size is the recipe's.
  m.inputs.states.bytesPerElement = in.bytesPerElement;
  const ModelStateConfig &states = m.inputs.states;
  auto modelStates = computeModelStates(in.trainableParams, states);
  if (!modelStates)
    return std::nullopt;
  m.modelStates = *modelStates;
  int64_t act = states.getWeightBytes();
  int64_t buffer = states.getBufferBytes();
  m.activationBytesPerElement = act;
  m.trainingParamBytes = modelStates->total;
  m.trainingBufferBytes = c.mul({in.bufferParams, buffer});
  m.activationBytesPerSample = c.mul({in.activations, 2, act});
  m.trainingActivationBytes = c.mul({in.activations, 2, in.batch, act});
  m.trainingInputBytes = c.mul({in.inputElements, in.batch, act});
  m.trainingTotalBytes =
      c.add({m.trainingParamBytes, m.trainingBufferBytes,
             m.trainingActivationBytes, m.trainingInputBytes});
  m.fixedBytes = c.add({m.trainingParamBytes, m.trainingBufferBytes});
  m.perSampleBytes = c.add({m.activationBytesPerSample,
                            c.mul({in.inputElements, act})});
  m.inferenceParamBytes = c.mul({in.trainableParams, act});
  m.inferenceBufferBytes = c.mul({in.bufferParams, buffer});
  m.inferenceActivationBytes = c.mul({in.activations, act});
  m.inferenceTotalBytes = c.add({m.inferenceParamBytes, m.inferenceBufferBytes,
                                 m.inferenceActivationBytes});
  if (c.overflow)
    return std::nullopt;
  return m;
}

int64_t netc::getActivationElements(const Layer &layer) {
  if (layer.op->family == OpFamily::Input ||
      layer.storage != OutputStorage::New)
    return 0;
  return *layer.type.getNumElements();
}

std::optional<RecipeInputs> netc::collectRecipeInputs(const Graph &graph,
                                                      int64_t batch,
                                                      int64_t bytesPerElement) {
  Checked c;
  RecipeInputs in;
  in.batch = batch;
  in.bytesPerElement = bytesPerElement;
  for (const Layer &layer : graph.layers) {
    in.trainableParams = c.add({in.trainableParams, layer.params.trainable});
    in.bufferParams = c.add({in.bufferParams, layer.params.buffers});
    in.activations = c.add({in.activations, getActivationElements(layer)});
    if (layer.op->family == OpFamily::Input)
      in.inputElements =
          c.add({in.inputElements, *layer.type.getNumElements()});
  }
  if (c.overflow)
    return std::nullopt;
  return in;
}

std::optional<ClassicMemory>
netc::computeClassicMemory(const Graph &graph, int64_t batch,
                           int64_t bytesPerElement, DiagnosticEngine &diags,
                           const ModelStateConfig &states) {
  auto inputs = collectRecipeInputs(graph, batch, bytesPerElement);
  if (inputs)
    inputs->states = states;
  std::optional<ClassicMemory> memory;
  if (inputs)
    memory = applyClassicRecipe(*inputs);
  if (!memory)
    diags.report(graph.range.Start, diag::err_overflow,
                 "the memory of network '" + graph.name + "' at batch " +
                     std::to_string(batch))
        .range(graph.range);
  return memory;
}

double netc::toMiB(int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}
