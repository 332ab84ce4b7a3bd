//===- ClassicMemory.h - the classic training-memory recipe -----*- C++ -*-===//
//
// The recipe of Stanford CS231n and the well-known Data Science Stack
// Exchange answer on mini-batch memory, exactly:
//   training  = trainable params x 3 (weights, gradients, momentum; or the
//               states of another optimizer, precision and sharding, see
//               ModelStates.h)
//             + activations x 2 (values and errors) x batch
//             + input elements x batch ("miscellaneous")
//             (+ non-trainable buffers x 1, only when a network has them)
//   inference = params (+ buffers) + activations, for one sample
// Frozen parameters (--freeze, --lora) count once, as weights; with
// --weights the frozen dense weights (all of them in inference) are stored
// quantized.
// each term times the bytes of one element. Activations are the output
// elements of every layer that stores a new tensor: in-place layers
// (element-wise activations, dropout), views (flatten, reshape) and the
// input itself add nothing. docs/memory.md explains the model.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"
#include "netc/Memory/ModelStates.h"

#include <cstdint>
#include <optional>

namespace netc {

/// A network's totals per sample: what every memory model counts.
struct NetworkCounts {
  int64_t trainableParams = 0;
  /// Parameters frozen by --freeze or --lora: weights without gradients or
  /// optimizer states.
  int64_t frozenParams = 0;
  int64_t bufferParams = 0;
  /// Parameters one token does not use (moe experts it is not routed to;
  /// ParamCount::idle).
  int64_t idleParams = 0;
  /// Of the buffers, those of an integer or bool type (`buffer ids:
  /// i64[n]`), and their bytes: kept at their own width in every model,
  /// where float buffers take the model's float width.
  int64_t fixedWidthBuffers = 0;
  int64_t fixedWidthBufferBytes = 0;
  /// The dense weights --weights may quantize (QuantizableWeights): all of
  /// them (inference), and those of frozen layers (training).
  QuantizableWeights quantizable;
  QuantizableWeights quantizableFrozen;
  /// Output elements per sample of the layers that store a new tensor.
  int64_t activations = 0;
  /// Input elements per sample.
  int64_t inputElements = 0;
  /// Activations plus input elements (CS231n's table total).
  int64_t activationsWithInput = 0;

  /// Every parameter, trainable or frozen.
  int64_t getParams() const { return trainableParams + frozenParams; }
  /// True when some parameter is frozen (the report then reads as PEFT's
  /// print_trainable_parameters).
  bool hasFrozen() const { return frozenParams > 0; }
  /// The parameters one token uses: all but the idle experts.
  int64_t getActiveParams() const { return getParams() - idleParams; }
};

/// How training runs: the batch, and how the model states are kept (the
/// optimizer, precision, sharding and the element size,
/// states.bytesPerElement).
struct TrainingSetup {
  int64_t batch = 1;
  ModelStateConfig states;
};

/// Every term of the recipe, in bytes.
struct ClassicMemory {
  /// Weights, gradients and optimizer states per device (the classic
  /// recipe's params x 3 x bytes by default).
  ModelStateBytes modelStates;
  /// Bytes of one activation or input element (2 in mixed precision).
  int64_t activationBytesPerElement = 4;
  int64_t trainingParamBytes = 0;       ///< modelStates.total
  int64_t trainingBufferBytes = 0;      ///< buffers x bytes
  int64_t activationBytesPerSample = 0; ///< activations x 2 x bytes
  int64_t trainingActivationBytes = 0;  ///< activations x 2 x batch x bytes
  int64_t inputBytesPerSample = 0;      ///< input x bytes
  int64_t trainingInputBytes = 0;       ///< input x batch x bytes
  int64_t trainingTotalBytes = 0;
  /// Training memory as fixed + perSample x batch.
  int64_t fixedBytes = 0;
  int64_t perSampleBytes = 0;
  /// Inference weights: the parameters at the element type (those not
  /// quantized), and the quantized ones with their scales (--weights).
  int64_t inferenceParamBytes = 0;      ///< (params - quantized) x bytes
  QuantizedWeightBytes inferenceQuantized;
  int64_t inferenceBufferBytes = 0;     ///< buffers x bytes
  int64_t inferenceActivationBytes = 0; ///< activations x bytes
  int64_t inferenceTotalBytes = 0;
};

/// Applies the recipe to \p counts trained as \p setup says; nullopt if
/// any term overflows 64 bits.
std::optional<ClassicMemory> applyClassicRecipe(const NetworkCounts &counts,
                                                const TrainingSetup &setup);

/// The activation elements a layer adds (0 for inputs, in-place and views).
int64_t getActivationElements(const Layer &layer);

/// The weight elements of layer \p id that --weights may quantize: a dense
/// layer's own weight matrix (not its bias, not a tied weight), unless its
/// output is a network output (also through a LoRA adapter's sum) or it is
/// a LoRA adapter; 0 for every other layer.
int64_t getQuantizableWeights(const Graph &graph, LayerId id);

/// Sums a graph's parameters, buffers, activations and input elements;
/// nullopt if a sum overflows.
std::optional<NetworkCounts> countNetwork(const Graph &graph);

} // namespace netc
