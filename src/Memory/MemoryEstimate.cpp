//===- MemoryEstimate.cpp - the terms of each memory model ----------------===//
#include "netc/Memory/MemoryEstimate.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;

SpellingTable<MemoryModel> netc::getMemoryModelSpellings() {
  static const Spelling<MemoryModel> spellings[] = {
      {MemoryModel::Classic, "classic"}, {MemoryModel::PyTorch, "pytorch"}};
  return spellings;
}

llvm::StringRef netc::getMemoryModelName(MemoryModel model) {
  return getSpelling(getMemoryModelSpellings(), model);
}

/// The devices a state is divided over: all of them from ZeRO stage
/// \p fromStage on.
static int64_t getShards(const ModelStateConfig &s, unsigned fromStage) {
  return s.zeroStage >= fromStage && s.devices > 1 ? s.devices : 1;
}

/// The quantized weights of \p weights in \p format (QuantizedWeights
/// and, for NF4, QuantizationScales) as terms of \p bytes, over
/// \p shards devices.
static void addQuantizedTerms(const QuantizableWeights &weights,
                              WeightFormat format,
                              const QuantizedWeightBytes &bytes,
                              int64_t shards,
                              std::vector<MemoryTerm> &terms) {
  if (format == WeightFormat::Element || weights.elements == 0)
    return;
  MemoryTerm quantized{MemoryTermKind::QuantizedWeights, weights.elements, 1,
                       false, 0, shards, bytes.weights};
  quantized.bitsPerElement = getWeightFormatBits(format);
  terms.push_back(quantized);
  if (format == WeightFormat::NF4)
    terms.push_back({MemoryTermKind::QuantizationScales, weights.blocks, 1,
                     false, 4, shards, bytes.scales});
}

/// The frozen parameters' weights: one copy at the weight width, those of
/// dense layers quantized with --weights; nothing else.
static void addFrozenWeightTerms(const NetworkCounts &in,
                                 const ModelStateConfig &s,
                                 const ModelStateBytes &states,
                                 std::vector<MemoryTerm> &terms) {
  if (!in.hasFrozen())
    return;
  QuantizableWeights quantized;
  if (s.weightFormat != WeightFormat::Element)
    quantized = in.quantizableFrozen;
  int64_t plain = in.frozenParams - quantized.elements;
  if (plain > 0)
    terms.push_back({MemoryTermKind::FrozenWeights, plain, 1, false,
                     s.getWeightBytes(), getShards(s, 3),
                     states.frozenWeights});
  addQuantizedTerms(quantized, s.weightFormat, states.quantized,
                    getShards(s, 3), terms);
}

/// Weights, gradients and optimizer states (the recipe's parameters x 3 in
/// its own configuration), the frozen weights, then the buffers if any.
static void addModelStateTerms(const NetworkCounts &in,
                               const TrainingSetup &setup,
                               const ClassicMemory &m,
                               std::vector<MemoryTerm> &terms) {
  const ModelStateConfig &s = setup.states;
  int64_t params = in.trainableParams;
  const ModelStateBytes &states = m.modelStates;
  if (s.isClassic()) {
    // Parts of the checked total.
    terms.push_back({MemoryTermKind::ModelStates, params, 3, false,
                     s.bytesPerElement, 1,
                     states.weights + states.gradients + states.optimizer});
  } else {
    int64_t wb = s.getWeightBytes();
    terms.push_back({MemoryTermKind::Weights, params, 1, false, wb,
                     getShards(s, 3), m.modelStates.weights});
    terms.push_back({MemoryTermKind::Gradients, params, 1, false, wb,
                     getShards(s, 2), m.modelStates.gradients});
    terms.push_back({MemoryTermKind::OptimizerStates, params, 1, false,
                     s.getOptimizerBytes(), getShards(s, 1),
                     m.modelStates.optimizer});
  }
  addFrozenWeightTerms(in, s, states, terms);
  // With integer buffers, whose width is their own, the term is in bytes.
  if (in.bufferParams)
    terms.push_back({MemoryTermKind::Buffers,
                     in.fixedWidthBuffers ? m.trainingBufferBytes
                                          : in.bufferParams,
                     1, false, in.fixedWidthBuffers ? 0 : s.getBufferBytes(),
                     1, m.trainingBufferBytes});
}

/// Inference weights and buffers, one copy each.
static void addInferenceParamTerms(const NetworkCounts &in,
                                   const TrainingSetup &setup,
                                   const ClassicMemory &m,
                                   std::vector<MemoryTerm> &terms) {
  // Every parameter once; with --weights the dense weights quantized.
  WeightFormat format = setup.states.weightFormat;
  QuantizableWeights quantized;
  if (format != WeightFormat::Element)
    quantized = in.quantizable;
  terms.push_back({MemoryTermKind::InferenceWeights,
                   in.getParams() - quantized.elements, 1, false,
                   m.activationBytesPerElement, 1, m.inferenceParamBytes});
  addQuantizedTerms(quantized, format, m.inferenceQuantized, 1, terms);
  if (in.bufferParams)
    terms.push_back({MemoryTermKind::InferenceBuffers,
                     in.fixedWidthBuffers ? m.inferenceBufferBytes
                                          : in.bufferParams,
                     1, false,
                     in.fixedWidthBuffers ? 0 : setup.states.getBufferBytes(),
                     1,
                     m.inferenceBufferBytes});
}

MemoryEstimate netc::estimateClassicMemory(const NetworkCounts &in,
                                           const TrainingSetup &setup,
                                           const ClassicMemory &m) {
  int64_t width = m.activationBytesPerElement;
  MemoryEstimate e;
  e.model = MemoryModel::Classic;
  addModelStateTerms(in, setup, m, e.training);
  e.training.push_back({MemoryTermKind::Activations, in.activations, 2, true,
                        width, 1, m.trainingActivationBytes});
  e.training.push_back({MemoryTermKind::Input, in.inputElements, 1, true,
                        width, 1, m.trainingInputBytes});
  e.trainingTotal = m.trainingTotalBytes;
  e.fixedBytes = m.fixedBytes;
  e.perSampleBytes = m.perSampleBytes;
  addInferenceParamTerms(in, setup, m, e.inference);
  e.inference.push_back({MemoryTermKind::InferenceActivations, in.activations,
                         1, false, width, 1, m.inferenceActivationBytes});
  e.inferenceTotal = m.inferenceTotalBytes;
  return e;
}

std::optional<MemoryEstimate>
netc::estimatePyTorchMemory(const NetworkCounts &in,
                            const TrainingSetup &setup, const ClassicMemory &m,
                            const SavedForBackward &saved,
                            const InferencePeak &peak) {
  CheckedArithmetic c;
  MemoryEstimate e;
  e.model = MemoryModel::PyTorch;
  addModelStateTerms(in, setup, m, e.training);
  int64_t savedBytes = c.mul({saved.bytes, setup.batch});
  int64_t inputBytes = c.mul({saved.unsavedInputBytes, setup.batch});
  e.training.push_back({MemoryTermKind::SavedForBackward, saved.bytes, 1,
                        true, 0, 1, savedBytes});
  // The input is usually among the saved tensors (the first layer keeps it);
  // if not, the batch is still held.
  if (saved.unsavedInputBytes)
    e.training.push_back({MemoryTermKind::UnsavedInput,
                          saved.unsavedInputBytes, 1, true, 0, 1, inputBytes});
  e.fixedBytes = m.fixedBytes;
  e.perSampleBytes = c.add({saved.bytes, saved.unsavedInputBytes});
  e.trainingTotal = c.add({m.fixedBytes, savedBytes, inputBytes});

  addInferenceParamTerms(in, setup, m, e.inference);
  int64_t width = m.activationBytesPerElement;
  e.inference.push_back({MemoryTermKind::InferencePeak, peak.bytes / width, 1,
                         false, width, 1, peak.bytes});
  e.inferenceTotal =
      c.add({m.inferenceParamBytes, m.inferenceQuantized.weights,
             m.inferenceQuantized.scales, m.inferenceBufferBytes, peak.bytes});
  if (c.overflowed())
    return std::nullopt;
  return e;
}

bool netc::estimateDistributedTraining(const NetworkCounts &deviceCounts,
                                       const TrainingSetup &setup,
                                       const ClassicMemory &deviceMemory,
                                       const DistributedTraining &d,
                                       int64_t unsavedInputBytes,
                                       MemoryEstimate &e) {
  CheckedArithmetic c;
  e.training.clear();
  addModelStateTerms(deviceCounts, setup, deviceMemory, e.training);
  int64_t kept = c.mul({d.microBatchesInFlight, d.stageBytes});
  e.training.push_back({MemoryTermKind::SavedForBackward, kept, 1, true, 0, 1,
                        c.mul({kept, setup.batch})});
  if (d.recomputedBytes)
    e.training.push_back({MemoryTermKind::Recomputed, d.recomputedBytes, 1,
                          true, 0, 1, c.mul({d.recomputedBytes, setup.batch})});
  if (unsavedInputBytes)
    e.training.push_back({MemoryTermKind::UnsavedInput, unsavedInputBytes, 1,
                          true, 0, 1, c.mul({unsavedInputBytes, setup.batch})});
  e.fixedBytes = deviceMemory.fixedBytes;
  e.perSampleBytes = c.add({d.perSampleBytes, unsavedInputBytes});
  e.trainingTotal =
      c.add({e.fixedBytes, c.mul({e.perSampleBytes, setup.batch})});
  return !c.overflowed();
}
