//===- ModelStates.cpp - model states by optimizer, precision and ZeRO ----===//
#include "netc/Memory/ModelStates.h"

#include "netc/Basic/CheckedMath.h"
#include "netc/Basic/Numbers.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace netc;

SpellingTable<Optimizer> netc::getOptimizerSpellings() {
  static const Spelling<Optimizer> spellings[] = {
      {Optimizer::SGD, "sgd"},           {Optimizer::Momentum, "momentum"},
      {Optimizer::Adam, "adam"},         {Optimizer::AdamW, "adamw"},
      {Optimizer::RMSprop, "rmsprop"},   {Optimizer::Adagrad, "adagrad"}};
  return spellings;
}

llvm::StringRef netc::getOptimizerName(Optimizer optimizer) {
  return getSpelling(getOptimizerSpellings(), optimizer);
}

unsigned netc::getOptimizerStateCount(Optimizer optimizer) {
  switch (optimizer) {
  case Optimizer::SGD:
    return 0;
  case Optimizer::Momentum:
  case Optimizer::RMSprop:
  case Optimizer::Adagrad:
    return 1;
  case Optimizer::Adam:
  case Optimizer::AdamW:
    return 2;
  }
  return 1;
}

SpellingTable<WeightFormat> netc::getWeightFormatSpellings() {
  static const Spelling<WeightFormat> spellings[] = {
      {WeightFormat::Int8, "int8", "8 bits per weight"},
      {WeightFormat::Int4, "int4", "4 bits per weight"},
      {WeightFormat::NF4, "nf4",
       "4 bits per weight and an f32 absmax per block of 64 (QLoRA)"}};
  return spellings;
}

llvm::StringRef netc::getWeightFormatName(WeightFormat format) {
  return format == WeightFormat::Element
             ? llvm::StringRef("element type")
             : getSpelling(getWeightFormatSpellings(), format);
}

unsigned netc::getWeightFormatBits(WeightFormat format) {
  switch (format) {
  case WeightFormat::Element:
    return 0;
  case WeightFormat::Int8:
    return 8;
  case WeightFormat::Int4:
  case WeightFormat::NF4:
    return 4;
  }
  return 0;
}

std::optional<QuantizedWeightBytes>
netc::computeQuantizedWeights(const QuantizableWeights &weights,
                              WeightFormat format) {
  QuantizedWeightBytes bytes;
  if (format == WeightFormat::Element)
    return bytes;
  // Exact in bits, rounded up to whole bytes once.
  auto bits = checkedMul(weights.elements, getWeightFormatBits(format));
  if (!bits)
    return std::nullopt;
  bytes.weights = ceilDiv(*bits, 8);
  if (format == WeightFormat::NF4) {
    auto scales = checkedMul(weights.blocks, 4); // one f32 absmax per block
    if (!scales)
      return std::nullopt;
    bytes.scales = *scales;
  }
  return bytes;
}

int64_t ModelStateConfig::getOptimizerBytes() const {
  int64_t states = getOptimizerStateCount(optimizer);
  return mixedPrecision ? 4 + 4 * states // f32 master + f32 states
                        : states * bytesPerElement;
}

std::optional<ModelStateBytes>
netc::computeModelStates(const ParamsToKeep &toKeep,
                         const ModelStateConfig &config) {
  int64_t params = toKeep.trainable;
  // Bytes per parameter of each kind (the ZeRO paper's 2 + 2 + K).
  int64_t weightBytes = config.getWeightBytes();
  int64_t gradientBytes = weightBytes;
  int64_t optimizerBytes = config.getOptimizerBytes();
  auto shard = [&](int64_t perParam,
                   unsigned fromStage) -> std::optional<int64_t> {
    auto bytes = checkedMul(params, perParam);
    if (!bytes)
      return std::nullopt;
    if (config.zeroStage >= fromStage && config.devices > 1)
      return ceilDiv(*bytes, config.devices);
    return *bytes;
  };
  auto weights = shard(weightBytes, 3);
  auto gradients = shard(gradientBytes, 2);
  auto optimizer = shard(optimizerBytes, 1);
  if (!weights || !gradients || !optimizer)
    return std::nullopt;
  // Frozen weights: one copy, at the weight width or quantized, sharded
  // with the weights at stage 3.
  QuantizableWeights quantizable;
  if (config.weightFormat != WeightFormat::Element)
    quantizable = toKeep.quantizableFrozen;
  auto quantized = computeQuantizedWeights(quantizable, config.weightFormat);
  params = toKeep.frozen - quantizable.elements;
  auto frozen = shard(weightBytes, 3);
  if (!quantized || !frozen)
    return std::nullopt;
  if (config.zeroStage >= 3 && config.devices > 1) {
    quantized->weights = ceilDiv(quantized->weights, config.devices);
    quantized->scales = ceilDiv(quantized->scales, config.devices);
  }
  CheckedArithmetic c;
  int64_t total = c.add({*weights, *gradients, *optimizer, *frozen,
                         quantized->weights, quantized->scales});
  if (c.overflowed())
    return std::nullopt;
  return ModelStateBytes{*weights, *gradients, *optimizer,
                         *frozen,  *quantized, total};
}

BatchFit netc::fitBatch(int64_t fixedBytes, int64_t perSampleBytes,
                        int64_t budgetBytes) {
  BatchFit fit;
  fit.budgetBytes = budgetBytes;
  fit.batchOneBytes = checkedAdd(fixedBytes, perSampleBytes);
  if (perSampleBytes <= 0)
    return fit;
  if (budgetBytes < fixedBytes ||
      budgetBytes - fixedBytes < perSampleBytes) {
    // Not even one sample: fixed + perSample - budget, without overflow.
    __int128 need = static_cast<__int128>(fixedBytes) + perSampleBytes -
                    budgetBytes;
    fit.shortfallBytes =
        need > INT64_MAX ? INT64_MAX : static_cast<int64_t>(need);
    return fit;
  }
  fit.largestBatch = (budgetBytes - fixedBytes) / perSampleBytes;
  // fixed + perSample x largest is at most the budget; one more sample may
  // pass 2^63.
  fit.largestBatchBytes = fixedBytes + perSampleBytes * fit.largestBatch;
  fit.nextBatchBytes = checkedAdd(fit.largestBatchBytes, perSampleBytes);
  return fit;
}

std::optional<int64_t> netc::parseByteSize(llvm::StringRef text) {
  text = text.trim();
  size_t digits = 0;
  while (digits < text.size() &&
         (llvm::isDigit(text[digits]) || text[digits] == '.' ||
          text[digits] == '_'))
    ++digits;
  llvm::StringRef number = text.take_front(digits);
  llvm::StringRef unit = text.drop_front(digits).trim();
  std::optional<double> parsed = parseDecimalNumber(number);
  if (!parsed || *parsed < 0)
    return std::nullopt;
  double value = *parsed;
  auto scale = llvm::StringSwitch<std::optional<double>>(unit)
                   .Cases("", "B", 1.0)
                   .Case("KB", 1e3)
                   .Case("MB", 1e6)
                   .Case("GB", 1e9)
                   .Case("TB", 1e12)
                   .Case("KiB", 1024.0)
                   .Case("MiB", 1024.0 * 1024)
                   .Case("GiB", 1024.0 * 1024 * 1024)
                   .Case("TiB", 1024.0 * 1024 * 1024 * 1024)
                   .Default(std::nullopt);
  if (!scale)
    return std::nullopt;
  double bytes = std::floor(value * *scale);
  if (bytes >= 9.2e18)
    return std::nullopt;
  return static_cast<int64_t>(bytes);
}
