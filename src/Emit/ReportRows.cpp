//===- ReportRows.cpp - shared rows and memory terms of the reports -------===//
#include "ReportRows.h"

#include "netc/Basic/CheckedMath.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <iterator>

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
  // MACs and FLOPs: every layer's, and their sums, must fit in 64 bits.
  OpCost total;
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    auto cost = computeLayerCost(graph, id);
    std::optional<int64_t> macs, flops;
    if (cost) {
      macs = checkedAdd(total.macs, cost->macs);
      flops = checkedAdd(total.flops, cost->flops);
    }
    if (!macs || !flops) {
      diags.report(graph.range.Start, diag::err_overflow,
                   "the MAC and FLOP count of network '" + graph.name + "'")
          .range(graph.range);
      return std::nullopt;
    }
    total = {*macs, *flops};
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
    s += std::string(", with ") + getOptimizerName(states.optimizer).str() +
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

std::string emit::describeFitFormula(const MemoryEstimate &e,
                                     const ReportOptions &options) {
  BatchFit fit = fitBatch(e.fixedBytes, e.perSampleBytes,
                          options.fitBudgetBytes);
  if (fit.largestBatch > 0)
    return "floor((" + formatWithSeparators(options.fitBudgetBytes) + " - " +
           formatWithSeparators(e.fixedBytes) + ") / " +
           formatWithSeparators(e.perSampleBytes) +
           ") = " + formatWithSeparators(fit.largestBatch);
  auto batch1 = checkedAdd(e.fixedBytes, e.perSampleBytes);
  return "batch 1 needs " + formatWithSeparators(e.fixedBytes) + " + " +
         formatWithSeparators(e.perSampleBytes) + " = " +
         (batch1 ? formatWithSeparators(*batch1) : std::string("over 2^63")) +
         " B";
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

std::vector<OpCost> emit::getCostPerLayer(const NetworkReport &report) {
  const Graph &graph = *report.graph;
  std::vector<OpCost> costs;
  for (LayerId id = 0; id < graph.layers.size(); ++id)
    costs.push_back(computeLayerCost(graph, id).value_or(OpCost{}));
  return costs;
}

OpCost emit::getTotalCost(const NetworkReport &report) {
  OpCost total;
  for (const OpCost &c : getCostPerLayer(report)) {
    total.macs += c.macs; // checked by buildNetworkReport
    total.flops += c.flops;
  }
  return total;
}

std::string emit::formatCountUnit(int64_t count) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (count >= 5'000'000)
    os << llvm::format(" (%.2f G)", static_cast<double>(count) / 1e9);
  else if (count >= 5'000)
    os << llvm::format(" (%.2f M)", static_cast<double>(count) / 1e6);
  return os.str();
}

std::string emit::formatCountShort(int64_t count) {
  static const char *const Units[] = {"K", "M", "G", "T", "P", "E"};
  if (count < 1000)
    return std::to_string(count);
  double value = static_cast<double>(count);
  unsigned unit = 0;
  for (value /= 1000; value >= 999.5 && unit + 1 < std::size(Units); ++unit)
    value /= 1000;
  std::string s;
  llvm::raw_string_ostream os(s);
  const char *format = value < 9.995 ? "%.2f %s" : value < 99.95 ? "%.1f %s"
                                                                 : "%.0f %s";
  os << llvm::format(format, value, Units[unit]);
  return os.str();
}

std::vector<int64_t> emit::getSavedBytesPerLayer(const NetworkReport &report) {
  std::vector<int64_t> bytes(report.graph->layers.size(), 0);
  for (const LayerSaves &l : report.saved.layers)
    bytes[l.layer] = l.newTensorBytes + l.extraBytes; // parts of a checked sum
  return bytes;
}

int emit::findCollapsedScope(const Graph &graph, const Layer &layer,
                             int depth) {
  int collapse = -1;
  if (depth >= 0)
    for (int s = layer.scope; s >= 0; s = graph.scopes[s].parent)
      if (static_cast<int>(graph.scopes[s].depth) >= depth)
        collapse = s;
  return collapse;
}

std::vector<ReportRow> emit::collectRows(const NetworkReport &report,
                                         int depth) {
  const Graph &graph = *report.graph;
  std::vector<int64_t> saved = getSavedBytesPerLayer(report);
  std::vector<OpCost> costs = getCostPerLayer(report);
  std::vector<ReportRow> rows;
  // Index of the collapsed row of each scope, once made.
  std::vector<int> rowOfScope(graph.scopes.size(), -1);
  for (const Layer &layer : graph.layers) {
    int collapse = findCollapsedScope(graph, layer, depth);
    if (collapse < 0) {
      ReportRow row;
      row.name = layer.name;
      row.op = layer.op->name;
      row.type = layer.type;
      row.trainable = layer.params.trainable;
      row.buffers = layer.params.buffers;
      row.activations = getActivationElements(layer);
      row.savedBytes = saved[&layer - graph.layers.data()];
      row.macs = costs[&layer - graph.layers.data()].macs;
      row.flops = costs[&layer - graph.layers.data()].flops;
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
    row.macs += costs[&layer - graph.layers.data()].macs;
    row.flops += costs[&layer - graph.layers.data()].flops;
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

const std::vector<std::string> &ReportOptions::getColumnNames() {
  static const std::vector<std::string> names = {
      "layer",       "op",   "shape", "params", "buffers",
      "activations", "macs", "flops", "saved"};
  return names;
}

std::vector<Column> emit::getColumns(const Graph &graph,
                                     const ReportOptions &options) {
  if (options.columns.empty()) {
    std::vector<Column> columns{Column::Op, Column::Shape, Column::Params};
    if (hasBuffers(graph))
      columns.push_back(Column::Buffers);
    columns.push_back(Column::Activations);
    columns.push_back(Column::Macs);
    return columns;
  }
  std::vector<Column> columns;
  for (const std::string &name : options.columns) {
    // Names in getColumnNames() order, after "layer".
    static const Column byIndex[] = {Column::Op,     Column::Shape,
                                     Column::Params, Column::Buffers,
                                     Column::Activations, Column::Macs,
                                     Column::Flops,  Column::Saved};
    const std::vector<std::string> &names = ReportOptions::getColumnNames();
    for (size_t i = 1; i < names.size(); ++i)
      if (names[i] == name)
        columns.push_back(byIndex[i - 1]);
  }
  return columns;
}

llvm::StringRef emit::getColumnHeading(Column column) {
  switch (column) {
  case Column::Op:
    return "op";
  case Column::Shape:
    return "output shape";
  case Column::Params:
    return "params";
  case Column::Buffers:
    return "non-trainable";
  case Column::Activations:
    return "activations";
  case Column::Macs:
    return "MACs";
  case Column::Flops:
    return "FLOPs";
  case Column::Saved:
    return "saved bytes";
  }
  return "";
}

bool emit::isNumericColumn(Column column) {
  return column != Column::Op && column != Column::Shape;
}

std::string emit::describeCell(const ReportRow &row, Column column) {
  switch (column) {
  case Column::Op:
    return row.op;
  case Column::Shape:
    return row.type.str();
  case Column::Params:
    return formatWithSeparators(row.trainable);
  case Column::Buffers:
    return formatWithSeparators(row.buffers);
  case Column::Activations:
    return describeActivations(row);
  case Column::Macs:
    return formatWithSeparators(row.macs);
  case Column::Flops:
    return formatWithSeparators(row.flops);
  case Column::Saved:
    return formatWithSeparators(row.savedBytes);
  }
  return "";
}

std::string emit::describeTotalCell(const NetworkReport &report,
                                    Column column) {
  const ClassicMemory &m = report.memory;
  switch (column) {
  case Column::Op:
  case Column::Shape:
    return "";
  case Column::Params:
    return formatWithSeparators(m.inputs.trainableParams);
  case Column::Buffers:
    return formatWithSeparators(m.inputs.bufferParams);
  case Column::Activations:
    return formatWithSeparators(m.inputs.activations);
  case Column::Macs:
    return formatWithSeparators(getTotalCost(report).macs);
  case Column::Flops:
    return formatWithSeparators(getTotalCost(report).flops);
  case Column::Saved:
    return formatWithSeparators(report.saved.bytes);
  }
  return "";
}

std::string emit::describeTotalWithInputCell(const NetworkReport &report,
                                             Column column) {
  return column == Column::Activations
             ? formatWithSeparators(report.memory.activationsWithInput)
             : "";
}

std::string emit::describeCompute(const NetworkReport &report) {
  OpCost total = getTotalCost(report);
  return "MACs per sample: " + formatWithSeparators(total.macs) +
         formatCountUnit(total.macs) +
         "; other FLOPs: " + formatWithSeparators(total.flops) +
         formatCountUnit(total.flops);
}

bool emit::hasBuffers(const Graph &graph) {
  for (const Layer &layer : graph.layers)
    if (layer.params.buffers)
      return true;
  return false;
}
