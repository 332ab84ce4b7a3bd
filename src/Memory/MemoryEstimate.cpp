//===- MemoryEstimate.cpp - the terms of each memory model, and units -----===//
#include "netc/Memory/MemoryEstimate.h"

#include "netc/Basic/CheckedMath.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;

std::optional<MemoryModel> netc::parseMemoryModel(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<MemoryModel>>(name)
      .Case("classic", MemoryModel::Classic)
      .Case("pytorch", MemoryModel::PyTorch)
      .Default(std::nullopt);
}

llvm::StringRef netc::getMemoryModelName(MemoryModel model) {
  return model == MemoryModel::PyTorch ? "pytorch" : "classic";
}

static std::string bytesSuffix(int64_t bytes) {
  return " x " + std::to_string(bytes) + " B";
}

/// " / 64" when the kind of state is sharded over the devices.
static std::string shardSuffix(const ModelStateConfig &s, unsigned fromStage) {
  if (s.zeroStage >= fromStage && s.devices > 1)
    return " / " + std::to_string(s.devices);
  return "";
}

/// Weights, gradients and optimizer states (the recipe's parameters x 3 in
/// its own configuration), then the buffers if any.
static void addModelStateTerms(const ClassicMemory &m,
                               std::vector<MemoryTerm> &terms) {
  const RecipeInputs &in = m.inputs;
  const ModelStateConfig &s = in.states;
  std::string params = formatWithSeparators(in.trainableParams);
  if (s.isClassic()) {
    terms.push_back({"parameters", "parameters",
                     params + " x 3" + bytesSuffix(in.bytesPerElement),
                     m.trainingParamBytes, "weights, gradients, momentum"});
  } else {
    int64_t wb = s.getWeightBytes();
    unsigned states = getOptimizerStateCount(s.optimizer);
    terms.push_back({"weights", "weights",
                     params + bytesSuffix(wb) + shardSuffix(s, 3),
                     m.modelStates.weights, s.mixedPrecision ? "16-bit" : ""});
    terms.push_back({"gradients", "gradients",
                     params + bytesSuffix(wb) + shardSuffix(s, 2),
                     m.modelStates.gradients,
                     s.mixedPrecision ? "16-bit" : ""});
    std::string what = std::to_string(states) + " " +
                       getOptimizerName(s.optimizer).str() + " state" +
                       (states == 1 ? "" : "s");
    if (s.mixedPrecision)
      what = "f32 master weights and " + what;
    terms.push_back({"optimizer", "optimizer",
                     params + bytesSuffix(s.getOptimizerBytes()) +
                         shardSuffix(s, 1),
                     m.modelStates.optimizer, what});
  }
  if (in.bufferParams)
    terms.push_back({"buffers", "buffers",
                     formatWithSeparators(in.bufferParams) +
                         bytesSuffix(s.getBufferBytes()),
                     m.trainingBufferBytes,
                     "non-trainable (running statistics)"});
}

/// Inference weights and buffers, one copy each.
static void addInferenceParamTerms(const ClassicMemory &m,
                                   std::vector<MemoryTerm> &terms) {
  const RecipeInputs &in = m.inputs;
  terms.push_back({"parameters", "parameters",
                   formatWithSeparators(in.trainableParams) +
                       bytesSuffix(m.activationBytesPerElement),
                   m.inferenceParamBytes, "weights"});
  if (in.bufferParams)
    terms.push_back({"buffers", "buffers",
                     formatWithSeparators(in.bufferParams) +
                         bytesSuffix(in.states.getBufferBytes()),
                     m.inferenceBufferBytes,
                     "non-trainable (running statistics)"});
}

MemoryEstimate netc::estimateClassicMemory(const ClassicMemory &m) {
  const RecipeInputs &in = m.inputs;
  std::string ab = bytesSuffix(m.activationBytesPerElement);
  std::string batch = std::to_string(in.batch);
  MemoryEstimate e;
  e.model = MemoryModel::Classic;
  e.batch = in.batch;
  addModelStateTerms(m, e.training);
  e.training.push_back(
      {"activations", "activations",
       formatWithSeparators(in.activations) + " x 2 x " + batch + ab,
       m.trainingActivationBytes,
       "values and errors; " +
           formatWithSeparators(m.activationBytesPerSample) +
           " B per sample"});
  e.training.push_back({"input", "input (misc)",
                        formatWithSeparators(in.inputElements) + " x " +
                            batch + ab,
                        m.trainingInputBytes, "the input batch"});
  e.trainingTotal = m.trainingTotalBytes;
  e.fixedBytes = m.fixedBytes;
  e.perSampleBytes = m.perSampleBytes;
  addInferenceParamTerms(m, e.inference);
  e.inference.push_back({"activations", "activations",
                         formatWithSeparators(in.activations) + ab,
                         m.inferenceActivationBytes, "values of one sample"});
  e.inferenceTotal = m.inferenceTotalBytes;
  return e;
}

std::optional<MemoryEstimate>
netc::estimatePyTorchMemory(const Graph &graph, const ClassicMemory &m,
                            const SavedForBackward &saved,
                            const InferencePeak &peak) {
  const RecipeInputs &in = m.inputs;
  std::string batch = std::to_string(in.batch);
  MemoryEstimate e;
  e.model = MemoryModel::PyTorch;
  e.batch = in.batch;
  addModelStateTerms(m, e.training);
  auto savedBytes = checkedMul(saved.bytes, in.batch);
  auto inputBytes = checkedMul(saved.unsavedInputBytes, in.batch);
  if (!savedBytes || !inputBytes)
    return std::nullopt;
  std::string what = std::to_string(saved.tensorCount) + " tensors";
  if (saved.extraBytes)
    what += " + " + formatWithSeparators(saved.extraBytes) +
            " B of statistics, indices and masks";
  e.training.push_back({"saved", "saved for backward",
                        formatWithSeparators(saved.bytes) + " B x " + batch,
                        *savedBytes, what + " per sample"});
  // The input is usually among the saved tensors (the first layer keeps it);
  // if not, the batch is still held.
  if (saved.unsavedInputBytes)
    e.training.push_back({"input", "input",
                          formatWithSeparators(saved.unsavedInputBytes) +
                              " B x " + batch,
                          *inputBytes, "the input batch, kept by no layer"});
  e.fixedBytes = m.fixedBytes;
  auto perSample = checkedAdd(saved.bytes, saved.unsavedInputBytes);
  auto variable = checkedAdd(*savedBytes, *inputBytes);
  auto total = variable ? checkedAdd(m.fixedBytes, *variable) : std::nullopt;
  if (!perSample || !total)
    return std::nullopt;
  e.perSampleBytes = *perSample;
  e.trainingTotal = *total;

  addInferenceParamTerms(m, e.inference);
  int64_t width = m.activationBytesPerElement;
  std::string at = peak.layer < graph.layers.size()
                       ? " while '" + graph.layers[peak.layer].name + "' runs"
                       : "";
  e.inference.push_back({"peak", "activations (peak)",
                         formatWithSeparators(peak.bytes / width) +
                             bytesSuffix(width),
                         peak.bytes, "live at once" + at});
  auto inference = checkedAdd(m.inferenceParamBytes, m.inferenceBufferBytes);
  inference = inference ? checkedAdd(*inference, peak.bytes) : std::nullopt;
  if (!inference)
    return std::nullopt;
  e.inferenceTotal = *inference;
  return e;
}

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

std::optional<SizeUnit> netc::parseSizeUnit(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<SizeUnit>>(name)
      .Case("auto", SizeUnit::Auto)
      .Case("B", SizeUnit::B)
      .Case("KiB", SizeUnit::KiB)
      .Case("MiB", SizeUnit::MiB)
      .Case("GiB", SizeUnit::GiB)
      .Case("KB", SizeUnit::KB)
      .Case("MB", SizeUnit::MB)
      .Case("GB", SizeUnit::GB)
      .Default(std::nullopt);
}

static double getDivisor(SizeUnit unit) {
  switch (unit) {
  case SizeUnit::Auto:
  case SizeUnit::B:
    return 1;
  case SizeUnit::KiB:
    return 1024.0;
  case SizeUnit::MiB:
    return 1024.0 * 1024;
  case SizeUnit::GiB:
    return 1024.0 * 1024 * 1024;
  case SizeUnit::KB:
    return 1e3;
  case SizeUnit::MB:
    return 1e6;
  case SizeUnit::GB:
    return 1e9;
  }
  return 1;
}

SizeUnit netc::resolveSizeUnit(SizeUnit unit, int64_t bytes) {
  if (unit != SizeUnit::Auto)
    return unit;
  for (SizeUnit u : {SizeUnit::GiB, SizeUnit::MiB, SizeUnit::KiB})
    if (static_cast<double>(bytes) >= getDivisor(u))
      return u;
  return SizeUnit::B;
}

llvm::StringRef netc::getSizeUnitName(SizeUnit unit) {
  switch (unit) {
  case SizeUnit::Auto:
    return "auto";
  case SizeUnit::B:
    return "B";
  case SizeUnit::KiB:
    return "KiB";
  case SizeUnit::MiB:
    return "MiB";
  case SizeUnit::GiB:
    return "GiB";
  case SizeUnit::KB:
    return "KB";
  case SizeUnit::MB:
    return "MB";
  case SizeUnit::GB:
    return "GB";
  }
  return "B";
}

llvm::StringRef netc::getSizeUnitDivisor(SizeUnit unit) {
  switch (unit) {
  case SizeUnit::Auto:
  case SizeUnit::B:
    return "1";
  case SizeUnit::KiB:
    return "1024";
  case SizeUnit::MiB:
    return "1024^2";
  case SizeUnit::GiB:
    return "1024^3";
  case SizeUnit::KB:
    return "1000";
  case SizeUnit::MB:
    return "1000^2";
  case SizeUnit::GB:
    return "1000^3";
  }
  return "1";
}

std::string netc::formatSize(int64_t bytes, SizeUnit unit) {
  unit = resolveSizeUnit(unit, bytes);
  if (unit == SizeUnit::B)
    return formatWithSeparators(bytes) + " B";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f", static_cast<double>(bytes) / getDivisor(unit));
  os.flush();
  // Thousands separators on the integer part: 16,390.35.
  size_t dot = s.find('.');
  return formatWithSeparators(std::stoll(s.substr(0, dot))) + s.substr(dot) +
         " " + getSizeUnitName(unit).str();
}
