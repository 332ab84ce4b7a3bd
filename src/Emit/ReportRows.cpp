//===- ReportRows.cpp - shared rows and memory terms of the reports -------===//
#include "ReportRows.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;
using namespace netc::emit;

std::optional<NetworkReport>
netc::buildNetworkReport(const Graph &graph, DType dtype, int64_t batch,
                         const ModelStateConfig &states, MemoryModel model,
                         DiagnosticEngine &diags) {
  auto memory =
      computeClassicMemory(graph, batch, getByteWidth(dtype), diags, states);
  if (!memory)
    return std::nullopt;
  NetworkReport report{&graph, *memory, dtype};
  SavedWidths widths{memory->activationBytesPerElement,
                     memory->inputs.states.getBufferBytes()};
  auto saved = computeSavedForBackward(graph, widths);
  auto peak = computeInferencePeak(graph, memory->activationBytesPerElement);
  std::optional<MemoryEstimate> estimate = estimateClassicMemory(*memory);
  if (saved && peak && model == MemoryModel::PyTorch)
    estimate = estimatePyTorchMemory(graph, *memory, *saved, *peak);
  if (!saved || !peak || !estimate) {
    diags.report(graph.range.Start, diag::err_overflow,
                 "the memory of network '" + graph.name + "' at batch " +
                     std::to_string(batch))
        .range(graph.range);
    return std::nullopt;
  }
  report.saved = std::move(*saved);
  report.peak = std::move(*peak);
  report.estimate = std::move(*estimate);
  return report;
}

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

std::string emit::describeMemoryModel(const NetworkReport &report) {
  const ModelStateConfig &states = report.memory.inputs.states;
  std::string s = report.estimate.model == MemoryModel::PyTorch
                      ? "pytorch model: what autograd keeps"
                      : "classic recipe";
  if (!states.isClassic())
    s += std::string(" with ") + getOptimizerName(states.optimizer).str() +
         (states.mixedPrecision ? ", mixed precision" : "") +
         (states.devices > 1 || states.zeroStage
              ? ", per device of " + std::to_string(states.devices) +
                    " with ZeRO stage " + std::to_string(states.zeroStage)
              : "");
  return s;
}

std::string emit::describeFit(const MemoryEstimate &e,
                              const ReportOptions &options) {
  BatchFit fit = fitBatch(e.fixedBytes, e.perSampleBytes,
                          options.fitBudgetBytes);
  if (fit.largestBatch > 0)
    return "largest batch within " + options.fitBudgetText + " (" +
           formatWithSeparators(options.fitBudgetBytes) +
           " B): " + formatWithSeparators(fit.largestBatch);
  return "not even batch 1 fits within " + options.fitBudgetText +
         ": it needs " + formatWithSeparators(fit.shortfallBytes) + " B (" +
         formatSize(fit.shortfallBytes, options.units) + ") more";
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
  s += ", memory model: " + getMemoryModelName(report.estimate.model).str();
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

std::vector<int64_t> emit::getSavedBytesPerLayer(const NetworkReport &report) {
  std::vector<int64_t> bytes(report.graph->layers.size(), 0);
  for (const LayerSaves &l : report.saved.layers)
    bytes[l.layer] = l.newTensorBytes + l.extraBytes; // parts of a checked sum
  return bytes;
}

std::vector<ReportRow> emit::collectRows(const NetworkReport &report,
                                         int depth) {
  const Graph &graph = *report.graph;
  std::vector<int64_t> saved = getSavedBytesPerLayer(report);
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
      row.savedBytes = saved[&layer - graph.layers.data()];
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
    row.savedBytes += saved[&layer - graph.layers.data()];
  }
  return rows;
}

std::string emit::describeActivations(const ReportRow &row) {
  if (row.layer) {
    switch (row.layer->storage) {
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
