//===- ModelStates.h - optimizers, precision, sharding, batch fit -*- C++ -*-===//
//
// The memory of a model's states during training (weights, gradients and
// optimizer states) for a choice of optimizer, precision and data-parallel
// sharding, after the ZeRO paper (Rajbhandari et al. 2020, sections 3.1 and
// 5): with Ψ parameters, mixed-precision Adam keeps 2Ψ bytes of 16-bit
// weights, 2Ψ of 16-bit gradients and 12Ψ of f32 master weights, momentum
// and variance; ZeRO stage 1 shards the optimizer states over N devices,
// stage 2 the gradients too, stage 3 the weights too. Also: the largest
// batch that fits a memory budget, given fixed + per-sample bytes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Spelling.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace netc {

/// A training optimizer, by the states it keeps per parameter.
enum class Optimizer { SGD, Momentum, Adam, AdamW, RMSprop, Adagrad };

/// "sgd", "momentum", "adam", "adamw", "rmsprop", "adagrad".
SpellingTable<Optimizer> getOptimizerSpellings();
/// The optimizer's name ("adam").
llvm::StringRef getOptimizerName(Optimizer optimizer);
/// States kept per parameter: 0, 1, 2, 2, 1, 1.
unsigned getOptimizerStateCount(Optimizer optimizer);

/// How weights are stored (--weights): at the element type, or quantized
/// as bitsandbytes stores a frozen base model (QLoRA, Dettmers et al. 2023).
enum class WeightFormat {
  Element, ///< at the element type (the default)
  Int8,    ///< 8 bits per weight
  Int4,    ///< 4 bits per weight
  /// 4-bit NormalFloat: 4 bits per weight and one f32 absmax per block of
  /// 64 weights (no double quantization of the absmax values).
  NF4,
};

/// "int8", "int4", "nf4" (the element type is the absence of --weights).
SpellingTable<WeightFormat> getWeightFormatSpellings();
/// The format's name ("nf4").
llvm::StringRef getWeightFormatName(WeightFormat format);
/// Bits per quantized weight: 8 or 4 (0 for Element).
unsigned getWeightFormatBits(WeightFormat format);
/// Weights per f32 scale (NF4's block of 64); 0 for formats without one.
constexpr int64_t NF4BlockSize = 64;

/// How the model states are kept.
struct ModelStateConfig {
  /// The classic recipe's x 3 is momentum SGD: weights, gradients, momentum.
  Optimizer optimizer = Optimizer::Momentum;
  /// 16-bit weights and gradients with f32 master weights and f32 states.
  bool mixedPrecision = false;
  /// Bytes of weights, gradients and states when not mixed.
  int64_t bytesPerElement = 4;
  /// Data-parallel devices the states are sharded over (ZeRO).
  int64_t devices = 1;
  /// ZeRO stage: 0 none, 1 optimizer states, 2 + gradients, 3 + weights.
  unsigned zeroStage = 0;
  /// How the weights of dense layers that --weights may quantize are
  /// stored: the frozen ones in training, all of them in inference.
  WeightFormat weightFormat = WeightFormat::Element;

  /// Bytes per parameter of the weights, and of the gradients: 16-bit in
  /// mixed precision. Activations and the input use the same width.
  int64_t getWeightBytes() const {
    return mixedPrecision ? 2 : bytesPerElement;
  }
  /// Bytes per parameter of the optimizer: its states, plus f32 master
  /// weights in mixed precision (the ZeRO paper's K: 12 for Adam).
  int64_t getOptimizerBytes() const;
  /// Bytes of a running-statistics element: f32 in mixed precision.
  int64_t getBufferBytes() const {
    return mixedPrecision ? 4 : bytesPerElement;
  }

  /// True for the classic recipe's parameters x 3 on one device.
  bool isClassic() const {
    return optimizer == Optimizer::Momentum && !mixedPrecision &&
           devices == 1 && zeroStage == 0;
  }
};

/// The weights --weights may store quantized: those of dense layers (not
/// their biases), except a dense whose output is a network output (the
/// head, kept in full precision as Transformers does by default).
struct QuantizableWeights {
  int64_t elements = 0;
  /// NF4 blocks: ceil(weights / 64) per layer, summed.
  int64_t blocks = 0;
};

/// Bytes of weights stored in \p format: for \p weights quantized ones,
/// ceil(elements x bits / 8) for the weights and blocks x 4 for NF4's
/// absmax values.
struct QuantizedWeightBytes {
  int64_t weights = 0;
  int64_t scales = 0;
};

/// The bytes of \p weights in \p format (both 0 for Element); nullopt on
/// overflow.
std::optional<QuantizedWeightBytes>
computeQuantizedWeights(const QuantizableWeights &weights, WeightFormat format);

/// Per-device bytes of each kind of model state.
struct ModelStateBytes {
  /// The trainable parameters' weights.
  int64_t weights = 0;
  int64_t gradients = 0;
  /// Optimizer states, with the f32 master weights of mixed precision.
  int64_t optimizer = 0;
  /// The frozen parameters' weights: those at the weight width, and those
  /// stored quantized (--weights) with their scales. No gradients, no
  /// optimizer states, no master weights.
  int64_t frozenWeights = 0;
  QuantizedWeightBytes quantized;
  int64_t total = 0;
};

/// The parameters whose states are kept.
struct ParamsToKeep {
  int64_t trainable = 0;
  /// Frozen parameters, of which quantizableFrozen may be quantized.
  int64_t frozen = 0;
  QuantizableWeights quantizableFrozen;
};

/// The per-device model-state bytes of \p params; nullopt if a figure
/// overflows 64 bits. Sharded figures round up to whole bytes.
std::optional<ModelStateBytes>
computeModelStates(const ParamsToKeep &params, const ModelStateConfig &config);
/// The same for \p trainable parameters and none frozen.
inline std::optional<ModelStateBytes>
computeModelStates(int64_t trainable, const ModelStateConfig &config) {
  return computeModelStates(ParamsToKeep{trainable, 0, {}}, config);
}

/// The answer to "which batch fits?", with the figures that prove it.
struct BatchFit {
  /// The budget asked about.
  int64_t budgetBytes = 0;
  /// The largest batch that fits, or 0 when not even batch 1 does.
  int64_t largestBatch = 0;
  /// When batch 1 does not fit: how many bytes it lacks.
  int64_t shortfallBytes = 0;
  /// The bytes batch 1 needs (fixed + per sample); nullopt past 2^63.
  std::optional<int64_t> batchOneBytes;
  /// When a batch fits: the bytes of the largest batch, and of one more
  /// sample (nullopt past 2^63).
  int64_t largestBatchBytes = 0;
  std::optional<int64_t> nextBatchBytes;
};

/// The largest batch b >= 1 with fixed + b * perSample <= budget, in exact
/// integer arithmetic (perSample > 0).
BatchFit fitBatch(int64_t fixedBytes, int64_t perSampleBytes,
                  int64_t budgetBytes);

/// Parses a size such as "24GiB", "80 GB", "512MiB" or "1000000" (bytes):
/// KB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB of 1024.
std::optional<int64_t> parseByteSize(llvm::StringRef text);

} // namespace netc
