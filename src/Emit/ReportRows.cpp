//===- ReportRows.cpp - shared rows and memory terms of the reports -------===//
#include "ReportRows.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;
using namespace netc::emit;

llvm::StringRef emit::getStorageName(OutputStorage storage) {
  switch (storage) {
  case OutputStorage::New:
    return "new";
  case OutputStorage::InPlace:
    return "in_place";
  case OutputStorage::View:
    return "view";
  }
  return "new";
}

std::string emit::describeAttributes(const Layer &layer) {
  std::string s;
  bool first = true;
  for (const Attribute &a : layer.attributes) {
    if (a.isDefault)
      continue;
    if (!first)
      s += ", ";
    first = false;
    s += a.name + "=" + a.value.str();
  }
  return s;
}

std::string emit::formatMiB(int64_t bytes) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f", toMiB(bytes));
  os.flush();
  // Thousands separators on the integer part: 16,390.35.
  size_t dot = s.find('.');
  return formatWithSeparators(std::stoll(s.substr(0, dot))) + s.substr(dot);
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

std::vector<MemoryTerm> emit::getTrainingTerms(const ClassicMemory &m) {
  const RecipeInputs &in = m.inputs;
  std::string b = bytesSuffix(in.bytesPerElement);
  std::string ab = bytesSuffix(m.activationBytesPerElement);
  std::string batch = std::to_string(in.batch);
  std::string params = formatWithSeparators(in.trainableParams);
  std::vector<MemoryTerm> terms;
  const ModelStateConfig &s = in.states;
  if (s.isClassic()) {
    terms.push_back({"parameters", "parameters", params + " x 3" + b,
                     m.trainingParamBytes, "weights, gradients, momentum"});
  } else {
    int64_t wb = s.getWeightBytes();
    unsigned states = getOptimizerStateCount(s.optimizer);
    int64_t ob = s.getOptimizerBytes();
    terms.push_back({"weights", "weights",
                     params + " x " + std::to_string(wb) + " B" +
                         shardSuffix(s, 3),
                     m.modelStates.weights,
                     s.mixedPrecision ? "16-bit" : ""});
    terms.push_back({"gradients", "gradients",
                     params + " x " + std::to_string(wb) + " B" +
                         shardSuffix(s, 2),
                     m.modelStates.gradients,
                     s.mixedPrecision ? "16-bit" : ""});
    std::string what = std::to_string(states) + " " +
                       getOptimizerName(s.optimizer).str() + " state" +
                       (states == 1 ? "" : "s");
    if (s.mixedPrecision)
      what = "f32 master weights and " + what;
    terms.push_back({"optimizer", "optimizer",
                     params + " x " + std::to_string(ob) + " B" +
                         shardSuffix(s, 1),
                     m.modelStates.optimizer, what});
  }
  if (in.bufferParams)
    terms.push_back({"buffers", "buffers",
                     formatWithSeparators(in.bufferParams) +
                         bytesSuffix(s.getBufferBytes()),
                     m.trainingBufferBytes, "non-trainable (running statistics)"});
  terms.push_back({"activations", "activations",
                   formatWithSeparators(in.activations) + " x 2 x " + batch +
                       ab,
                   m.trainingActivationBytes,
                   "values and errors; " + formatMiB(m.activationBytesPerSample) +
                       " MiB per sample"});
  terms.push_back({"input", "input (misc)",
                   formatWithSeparators(in.inputElements) + " x " + batch + ab,
                   m.trainingInputBytes, "the input batch"});
  return terms;
}

std::vector<MemoryTerm> emit::getInferenceTerms(const ClassicMemory &m) {
  const RecipeInputs &in = m.inputs;
  std::string b = bytesSuffix(m.activationBytesPerElement);
  std::vector<MemoryTerm> terms;
  terms.push_back({"parameters", "parameters",
                   formatWithSeparators(in.trainableParams) + b,
                   m.inferenceParamBytes, "weights"});
  if (in.bufferParams)
    terms.push_back({"buffers", "buffers",
                     formatWithSeparators(in.bufferParams) +
                         bytesSuffix(in.states.getBufferBytes()),
                     m.inferenceBufferBytes, "non-trainable (running statistics)"});
  terms.push_back({"activations", "activations",
                   formatWithSeparators(in.activations) + b,
                   m.inferenceActivationBytes, "values of one sample"});
  return terms;
}

std::string emit::describeNetworkHeader(const NetworkReport &report,
                                        const ReportOptions &options) {
  const Graph &g = *report.graph;
  std::string s = "network " + g.name;
  for (LayerId id : g.inputs) {
    const Layer &input = g.layers[id];
    s += ", input " + input.name + ": " + input.type.str();
    if (input.type.dtype != DType::F32)
      s += " " + getDTypeName(input.type.dtype).str();
  }
  s += ", batch " + std::to_string(report.memory.inputs.batch);
  s += ", " + getDTypeName(report.dtype).str() + " (" +
       std::to_string(getByteWidth(report.dtype)) + " bytes)";
  s += ", memory model: classic";
  const ModelStateConfig &states = report.memory.inputs.states;
  if (!states.isClassic()) {
    s += ", optimizer " + getOptimizerName(states.optimizer).str();
    if (states.mixedPrecision)
      s += ", mixed precision";
    if (states.devices > 1 || states.zeroStage > 0)
      s += ", " + std::to_string(states.devices) + " devices, ZeRO stage " +
           std::to_string(states.zeroStage);
  }
  return s;
}

std::vector<ReportRow> emit::collectRows(const Graph &graph, int depth) {
  std::vector<ReportRow> rows;
  // Index of the collapsed row of each scope, once made.
  std::vector<int> rowOfScope(graph.scopes.size(), -1);
  for (const Layer &layer : graph.layers) {
    // The outermost scope deeper than the depth, if any, absorbs the layer.
    int collapse = -1;
    if (depth >= 0)
      for (int s = layer.scope; s >= 0; s = graph.scopes[s].parent)
        if (static_cast<int>(graph.scopes[s].depth) >= depth)
          collapse = s;
    if (collapse < 0) {
      ReportRow row;
      row.name = layer.name;
      row.op = layer.op->name;
      row.type = layer.type;
      row.trainable = layer.params.trainable;
      row.buffers = layer.params.buffers;
      row.activations = getActivationElements(layer);
      row.layer = &layer;
      rows.push_back(std::move(row));
      continue;
    }
    if (rowOfScope[collapse] < 0) {
      rowOfScope[collapse] = rows.size();
      ReportRow row;
      row.name = graph.scopes[collapse].name;
      row.op = graph.scopes[collapse].block;
      rows.push_back(std::move(row));
    }
    ReportRow &row = rows[rowOfScope[collapse]];
    // The block's output is its last layer's (in source order).
    row.type = layer.type;
    row.trainable += layer.params.trainable;
    row.buffers += layer.params.buffers;
    row.activations += getActivationElements(layer);
  }
  return rows;
}

std::string emit::describeActivations(const ReportRow &row) {
  if (row.layer) {
    switch (row.layer->op->storage) {
    case OutputStorage::InPlace:
      return "in place";
    case OutputStorage::View:
      return "view";
    case OutputStorage::New:
      if (row.layer->op->family == OpFamily::Input)
        return formatWithSeparators(*row.layer->type.getNumElements());
      break;
    }
  }
  return formatWithSeparators(row.activations);
}

bool emit::hasBuffers(const Graph &graph) {
  for (const Layer &layer : graph.layers)
    if (layer.params.buffers)
      return true;
  return false;
}
