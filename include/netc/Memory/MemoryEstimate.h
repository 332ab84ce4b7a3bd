//===- MemoryEstimate.h - a memory model's figures, term by term -*- C++ -*-===//
//
// What every memory model gives, whichever model computed it: the training
// terms at the batch, training memory as fixed + per-sample x batch, and the
// inference terms. Each term says what it is and the factors its bytes are
// the product of, so that a backend can show how it follows; the words and
// the formatting are the backends' (Emit). Two models fill it: `classic`
// (ClassicMemory.h, the recipe, the default) and `pytorch`
// (PyTorchMemory.h: what autograd keeps, with the inference peak by
// liveness).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Spelling.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/Liveness.h"
#include "netc/Memory/Parallelism.h"
#include "netc/Memory/PyTorchMemory.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace netc {

/// Which memory model the report's training and inference figures use.
enum class MemoryModel { Classic, PyTorch };

/// "classic" and "pytorch".
SpellingTable<MemoryModel> getMemoryModelSpellings();
/// The model's name ("pytorch").
llvm::StringRef getMemoryModelName(MemoryModel model);

/// What a memory term stands for.
enum class MemoryTermKind {
  /// The classic recipe's parameters x 3: weights, gradients, momentum.
  ModelStates,
  Weights,
  Gradients,
  /// Optimizer states (and f32 master weights in mixed precision).
  OptimizerStates,
  /// Frozen parameters (--freeze, --lora): one copy of the weights, at the
  /// weight width.
  FrozenWeights,
  /// Weights stored quantized (--weights): the frozen dense weights in
  /// training, every dense weight but the head's in inference; and NF4's
  /// f32 absmax per block of 64.
  QuantizedWeights,
  QuantizationScales,
  /// Non-trainable buffers (running statistics).
  Buffers,
  /// The classic recipe's activations x 2 (values and errors) x batch.
  Activations,
  /// The classic recipe's input batch ("miscellaneous").
  Input,
  /// The pytorch model: what autograd keeps, per sample x batch.
  SavedForBackward,
  /// The pytorch model: the input batch when no layer keeps it.
  UnsavedInput,
  /// With --recompute: what one layer's backward pass recomputes and holds
  /// while it runs (Parallelism.h).
  Recomputed,
  /// Inference: one copy of the weights, and of the buffers.
  InferenceWeights,
  InferenceBuffers,
  /// Inference (classic): the activations of one sample.
  InferenceActivations,
  /// Inference (pytorch): the peak of live activations of one sample.
  InferencePeak,
  /// Inference with --context: the keys and values the attention layers
  /// keep for every token of context (KVCache.h).
  KVCache,
};

/// One term of a memory formula. Its bytes are
///   count x copies [x batch] x bytesPerElement [/ shards, rounded up]
/// or, when bytesPerElement is 0, count bytes [x batch], or when
/// bitsPerElement is set, count x bits / 8 [/ shards], rounded up.
struct MemoryTerm {
  MemoryTermKind kind;
  /// Elements (or bytes when bytesPerElement is 0) per sample or in all.
  int64_t count = 0;
  /// 3 for weights, gradients and momentum; 2 for values and errors.
  int64_t copies = 1;
  /// True when the term grows with the batch.
  bool perBatch = false;
  int64_t bytesPerElement = 0;
  /// The devices a ZeRO-sharded state is divided over (1: not sharded).
  int64_t shards = 1;
  int64_t bytes = 0;
  /// Bits per element of quantized weights (0: whole bytes).
  int64_t bitsPerElement = 0;
};

/// A model's figures for one network.
struct MemoryEstimate {
  MemoryModel model = MemoryModel::Classic;
  std::vector<MemoryTerm> training;
  int64_t trainingTotal = 0;
  /// Training memory = fixedBytes + perSampleBytes x batch.
  int64_t fixedBytes = 0;
  int64_t perSampleBytes = 0;
  std::vector<MemoryTerm> inference;
  int64_t inferenceTotal = 0;
};

/// The classic recipe's terms for \p counts trained as \p setup says, with
/// the recipe's figures \p memory.
MemoryEstimate estimateClassicMemory(const NetworkCounts &counts,
                                     const TrainingSetup &setup,
                                     const ClassicMemory &memory);

/// The pytorch model's terms: the model states and buffers of the recipe
/// (same optimizer, precision and sharding), what autograd keeps times the
/// batch, and for inference the peak of live activations. nullopt if a
/// term overflows.
std::optional<MemoryEstimate>
estimatePyTorchMemory(const NetworkCounts &counts, const TrainingSetup &setup,
                      const ClassicMemory &memory,
                      const SavedForBackward &saved, const InferencePeak &peak);

/// The training terms of the first pipeline stage's device under \p
/// distributed (its parameters in \p deviceCounts, their recipe figures in
/// \p deviceMemory): its model states, the activations it keeps (times the
/// micro-batch), what a layer recomputes, and the unsaved input. Replaces
/// \p estimate's training terms; false if a term overflows.
bool estimateDistributedTraining(const NetworkCounts &deviceCounts,
                                 const TrainingSetup &setup,
                                 const ClassicMemory &deviceMemory,
                                 const DistributedTraining &distributed,
                                 int64_t unsavedInputBytes,
                                 MemoryEstimate &estimate);

} // namespace netc
