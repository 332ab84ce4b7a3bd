//===- ReportRows.cpp - shared rows, terms and sentences of the reports ---===//
#include "ReportRows.h"

#include "netc/Basic/Suggest.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cstdio>

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

/// ", per device of 64 with ZeRO stage 3" when the states are sharded.
static bool isSharded(const ModelStateConfig &states) {
  return states.devices > 1 || states.zeroStage;
}

std::string emit::describeMemoryModel(const NetworkAnalysis &a) {
  const ModelStateConfig &states = a.setup.states;
  std::string s = a.getModel() == MemoryModel::PyTorch
                      ? "pytorch model: what autograd keeps"
                      : "classic recipe";
  if (a.distributed)
    s += std::string(a.distributed->config.pipelineParallel > 1
                         ? ", per device of the first stage: "
                         : ", per device: ") +
         describeParallelism(a.distributed->config);
  if (!states.isClassic())
    s += std::string(", with ") + getOptimizerName(states.optimizer).str() +
         (states.mixedPrecision ? ", mixed precision" : "") +
         (isSharded(states)
              ? ", per device of " + std::to_string(states.devices) +
                    " with ZeRO stage " + std::to_string(states.zeroStage)
              : "");
  return s;
}

std::string emit::describeNetworkHeader(const NetworkAnalysis &a) {
  const Graph &g = *a.graph;
  std::string s = "network " + g.name;
  for (LayerId id : g.inputs) {
    const Layer &input = g.layers[id];
    s += ", input " + input.name + ": " + input.type.str();
    if (input.type.dtype != DType::F32)
      s += " " + getDTypeName(input.type.dtype).str();
  }
  s += ", batch " + std::to_string(a.getBatch());
  s += ", " + getDTypeName(a.dtype).str() + " (" +
       std::to_string(getByteWidth(a.dtype)) + " bytes)";
  s += ", memory model: " + getMemoryModelName(a.getModel()).str();
  const ModelStateConfig &states = a.setup.states;
  if (!states.isClassic()) {
    s += ", optimizer " + getOptimizerName(states.optimizer).str();
    if (states.mixedPrecision)
      s += ", mixed precision";
    if (isSharded(states))
      s += ", " + std::to_string(states.devices) + " devices, ZeRO stage " +
           std::to_string(states.zeroStage);
  }
  return s;
}

/// The formula of a term: its factors as MemoryTerm documents them.
static std::string describeFormula(const NetworkAnalysis &a,
                                   const MemoryTerm &t) {
  std::string s = formatWithSeparators(t.count);
  std::string batch =
      t.perBatch ? " x " + std::to_string(a.getBatch()) : std::string();
  if (t.bitsPerElement) {
    s += " x " + std::to_string(t.bitsPerElement) + " bits / 8";
    if (t.shards > 1)
      s += " / " + std::to_string(t.shards);
    return s;
  }
  if (t.bytesPerElement == 0)
    return s + " B" + batch;
  if (t.copies > 1)
    s += " x " + std::to_string(t.copies);
  s += batch + " x " + std::to_string(t.bytesPerElement) + " B";
  if (t.shards > 1)
    s += " / " + std::to_string(t.shards);
  return s;
}

/// "2 adam states", with the f32 master weights of mixed precision.
static std::string describeOptimizerStates(const ModelStateConfig &s) {
  unsigned states = getOptimizerStateCount(s.optimizer);
  std::string what = std::to_string(states) + " " +
                     getOptimizerName(s.optimizer).str() + " state" +
                     (states == 1 ? "" : "s");
  return s.mixedPrecision ? "f32 master weights and " + what : what;
}

/// "' while 'x' runs'" for the layer running at the inference peak.
static std::string describePeakLayer(const NetworkAnalysis &a) {
  const Graph &g = *a.graph;
  return a.peak.layer < g.layers.size()
             ? " while '" + g.layers[a.peak.layer].name + "' runs"
             : "";
}

/// "per micro-batch sample: the 12 layers of stage 1 of 8 and the layers
/// before them, x 8 micro-batches in flight".
static std::string describeFirstStage(const DistributedTraining &d) {
  const ParallelismConfig &p = d.config;
  std::string s = "per sample: ";
  unsigned layers = static_cast<unsigned>(d.layers.size());
  if (p.pipelineParallel > 1)
    s += "the " + std::to_string(d.stageLayers) +
         (d.stageLayers == 1 ? " layer" : " layers") + " of stage 1 of " +
         std::to_string(p.pipelineParallel) + " and the layers before them";
  else if (layers == 0)
    s += "every layer (the network calls no block from its body)";
  else
    s += std::to_string(layers) + " layer" + (layers == 1 ? "" : "s") +
         " (block calls) and the layers outside them";
  if (d.microBatchesInFlight > 1)
    s += ", x " + std::to_string(d.microBatchesInFlight) +
         " micro-batches in flight";
  return s;
}

std::string emit::describeParallelism(const ParallelismConfig &p) {
  std::vector<std::string> parts;
  if (p.tensorParallel > 1)
    parts.push_back("tensor parallel " + std::to_string(p.tensorParallel));
  if (p.sequenceParallel)
    parts.push_back("sequence parallel");
  if (p.pipelineParallel > 1)
    parts.push_back(std::to_string(p.pipelineParallel) + " pipeline stages");
  if (p.microBatches > 0)
    parts.push_back(std::to_string(p.microBatches) + " micro-batches");
  if (p.recompute != Recompute::None)
    parts.push_back(getSpelling(getRecomputeSpellings(), p.recompute).str() +
                    " recomputation");
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i)
    s += (i ? ", " : "") + parts[i];
  return s;
}

std::string emit::describeLayerGroup(const LayerGroup &group) {
  const LayerActivations &l = group.figures;
  std::string s = "tensors, masks and scores " +
                  formatWithSeparators(l.keptBytes) + " B";
  if (l.statisticBytes)
    s += " + statistics " + formatWithSeparators(l.statisticBytes) + " B";
  if (l.recomputedBytes)
    s += "; recomputes " + formatWithSeparators(l.recomputedBytes) + " B";
  return s;
}

std::vector<LayerGroup> emit::groupLayers(const NetworkAnalysis &a) {
  std::vector<LayerGroup> groups;
  const Graph &g = *a.graph;
  for (const LayerActivations &l : a.distributed->layers) {
    const BlockScope &scope = g.scopes[l.scope];
    if (!groups.empty()) {
      LayerGroup &last = groups.back();
      if (last.figures.keptBytes == l.keptBytes &&
          last.figures.statisticBytes == l.statisticBytes &&
          last.figures.recomputedBytes == l.recomputedBytes &&
          last.block == scope.block) {
        last.last = scope.name;
        ++last.count;
        continue;
      }
    }
    groups.push_back({scope.name, scope.name, scope.block, 1, l});
  }
  return groups;
}

TermText emit::describeTerm(const NetworkAnalysis &a, const MemoryTerm &t) {
  const char *halfWidth = a.setup.states.mixedPrecision ? "16-bit" : "";
  const char *buffers =
      a.counts.fixedWidthBuffers
          ? "non-trainable; integer and bool ones at their own width"
          : "non-trainable (running statistics)";
  TermText text;
  text.formula = describeFormula(a, t);
  auto set = [&](const char *id, const char *label, std::string note) {
    text.id = id;
    text.label = label;
    text.note = std::move(note);
    return text;
  };
  switch (t.kind) {
  case MemoryTermKind::ModelStates:
    return set("parameters", "parameters", "weights, gradients, momentum");
  case MemoryTermKind::Weights:
    return set("weights", "weights", halfWidth);
  case MemoryTermKind::Gradients:
    return set("gradients", "gradients", halfWidth);
  case MemoryTermKind::OptimizerStates:
    return set("optimizer", "optimizer",
               describeOptimizerStates(a.setup.states));
  case MemoryTermKind::FrozenWeights:
    return set("frozen_weights", "frozen weights",
               "no gradients, no optimizer states");
  case MemoryTermKind::QuantizedWeights:
    return set("quantized_weights", "quantized",
               "dense weights in " +
                   getWeightFormatName(a.setup.states.weightFormat).str());
  case MemoryTermKind::QuantizationScales:
    return set("quantization_scales", "nf4 absmax",
               "an f32 absmax per block of 64 weights");
  case MemoryTermKind::Buffers:
    return set("buffers", "buffers", buffers);
  case MemoryTermKind::Activations:
    return set("activations", "activations",
               "values and errors; " +
                   formatWithSeparators(a.classic.activationBytesPerSample) +
                   " B per sample");
  case MemoryTermKind::Input:
    return set("input", "input (misc)", "the input batch");
  case MemoryTermKind::SavedForBackward: {
    if (a.distributed)
      return set("saved", "saved for backward",
                 describeFirstStage(*a.distributed));
    std::string what = std::to_string(a.saved.tensorCount) + " tensors";
    if (a.saved.extraBytes)
      what += " + " + formatWithSeparators(a.saved.extraBytes) +
              " B of statistics, indices, masks and scores";
    return set("saved", "saved for backward", what + " per sample");
  }
  case MemoryTermKind::Recomputed:
    return set("recomputed", "recomputed",
               "what one layer's backward pass recomputes, while it runs");
  case MemoryTermKind::UnsavedInput:
    return set("input", "input", "the input batch, kept by no layer");
  case MemoryTermKind::InferenceWeights:
    return set("parameters", "parameters", "weights");
  case MemoryTermKind::InferenceBuffers:
    return set("buffers", "buffers", buffers);
  case MemoryTermKind::InferenceActivations:
    return set("activations", "activations", "values of one sample");
  case MemoryTermKind::InferencePeak:
    return set("peak", "activations (peak)",
               "live at once" + describePeakLayer(a));
  case MemoryTermKind::KVCache: {
    unsigned layers = a.kvCache ? a.kvCache->shape.attentionLayers : 0;
    return set("kv_cache", "KV cache",
               layers == 0 ? std::string("no attention layers")
                           : "keys and values of " + std::to_string(layers) +
                                 " attention layer" + (layers == 1 ? "" : "s") +
                                 ", " +
                                 formatWithSeparators(a.kvCache->context) +
                                 " tokens");
  }
  }
  return text;
}

MemoryTerm emit::getPeakTerm(const NetworkAnalysis &a) {
  int64_t width = a.classic.activationBytesPerElement;
  return {MemoryTermKind::InferencePeak, a.peak.bytes / width, 1, false, width,
          1, a.peak.bytes};
}

std::string emit::describeFit(const NetworkAnalysis &a,
                              const ReportOptions &options) {
  const BatchFit &fit = *a.fit;
  if (fit.largestBatch > 0)
    return "largest batch within " + options.fitBudgetText + " (" +
           formatWithSeparators(fit.budgetBytes) +
           " B): " + formatWithSeparators(fit.largestBatch);
  return "not even batch 1 fits within " + options.fitBudgetText +
         ": it needs " + formatWithSeparators(fit.shortfallBytes) + " B (" +
         formatSize(fit.shortfallBytes, options.units) + ") more";
}

std::string emit::describeKVCacheHeading(const NetworkAnalysis &a) {
  return "inference with a KV cache, batch " + std::to_string(a.getBatch()) +
         ", context " + formatWithSeparators(a.kvCache->context);
}

std::string emit::describeKVCacheFit(const NetworkAnalysis &a,
                                     const ReportOptions &options) {
  const KVCacheInference &kv = *a.kvCache;
  std::string within = " within " + options.fitBudgetText + " (" +
                       formatWithSeparators(a.fit->budgetBytes) + " B)";
  if (kv.longestContext)
    return *kv.longestContext > 0
               ? "longest context" + within + " at batch " +
                     std::to_string(a.getBatch()) + ": " +
                     formatWithSeparators(*kv.longestContext) + " tokens"
               : "not even the weights and activations of batch " +
                     std::to_string(a.getBatch()) + " fit" + within;
  return *kv.largestBatch > 0
             ? "largest batch" + within + " at context " +
                   formatWithSeparators(kv.context) + ": " +
                   formatWithSeparators(*kv.largestBatch)
             : "not even batch 1 fits" + within;
}

std::string emit::describeFitFormula(const NetworkAnalysis &a) {
  const BatchFit &fit = *a.fit;
  const MemoryEstimate &e = a.estimate;
  if (fit.largestBatch > 0)
    return "floor((" + formatWithSeparators(fit.budgetBytes) + " - " +
           formatWithSeparators(e.fixedBytes) + ") / " +
           formatWithSeparators(e.perSampleBytes) +
           ") = " + formatWithSeparators(fit.largestBatch);
  return "batch 1 needs " + formatWithSeparators(e.fixedBytes) + " + " +
         formatWithSeparators(e.perSampleBytes) + " = " +
         (fit.batchOneBytes ? formatWithSeparators(*fit.batchOneBytes)
                            : std::string("over 2^63")) +
         " B";
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

void emit::forEachRow(const NetworkAnalysis &a, int depth,
                      llvm::function_ref<void(const ReportRow &)> take) {
  const Graph &graph = *a.graph;
  // The collapsed call being summed: its layers are consecutive (a call's
  // body is elaborated whole before the next statement), so its row is
  // complete at the first layer outside it.
  ReportRow pending;
  SavedBytesCursor saved(a);
  for (LayerId id = 0; id < graph.layers.size(); ++id) {
    const Layer &layer = graph.layers[id];
    int collapse = findCollapsedScope(graph, layer, depth);
    if (pending.scope >= 0 && pending.scope != collapse) {
      take(pending);
      pending = ReportRow();
    }
    ReportRow single;
    ReportRow *row = &single;
    if (collapse < 0) {
      single.name = layer.name;
      single.op = layer.op->name;
      single.layer = &layer;
    } else {
      if (pending.scope < 0) {
        pending.name = graph.scopes[collapse].name;
        pending.op = graph.scopes[collapse].block;
        pending.scope = collapse;
      }
      row = &pending;
    }
    // A collapsed call's output is its last layer's (in source order).
    row->type = layer.type;
    row->output = id;
    row->trainable += layer.params.trainable;
    row->frozen += layer.params.frozen;
    row->buffers += layer.params.buffers;
    row->activations += getActivationElements(layer);
    row->savedBytes += saved.get(id);
    row->macs += a.layerCosts[id].macs;
    row->flops += a.layerCosts[id].flops;
    if (collapse < 0)
      take(single);
  }
  if (pending.scope >= 0)
    take(pending);
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

SpellingTable<Column> netc::getColumnSpellings() {
  static const Spelling<Column> spellings[] = {
      {Column::Op, "op"},           {Column::Shape, "shape"},
      {Column::Params, "params"},   {Column::Buffers, "buffers"},
      {Column::Activations, "activations"}, {Column::Macs, "macs"},
      {Column::Flops, "flops"},     {Column::Saved, "saved"}};
  return spellings;
}

bool netc::parseColumns(llvm::StringRef list, std::vector<Column> &columns,
                       DiagnosticEngine &diags) {
  std::vector<std::string> names = getSpellings(getColumnSpellings());
  names.insert(names.begin(), "layer");
  std::string choices = llvm::join(names, ", ");
  llvm::SmallVector<llvm::StringRef, 8> items;
  list.split(items, ',');
  for (size_t i = 0; i < items.size(); ++i) {
    llvm::StringRef item = items[i].trim();
    if (item.empty()) {
      diags.report(llvm::SMLoc(), diag::err_drv_columns_syntax, choices, list);
      return false;
    }
    if (item == "layer") {
      // The layer name is always the first column; naming it is allowed.
      if (i != 0) {
        diags.report(llvm::SMLoc(), diag::err_drv_columns_layer);
        return false;
      }
      continue;
    }
    std::optional<Column> column = parseSpelling(getColumnSpellings(), item);
    if (!column) {
      if (std::optional<std::string> closest = findClosest(item, names))
        diags.report(llvm::SMLoc(), diag::err_drv_columns_unknown_suggest,
                     item, *closest, choices);
      else
        diags.report(llvm::SMLoc(), diag::err_drv_columns_unknown, item,
                     choices);
      return false;
    }
    if (llvm::is_contained(columns, *column)) {
      diags.report(llvm::SMLoc(), diag::err_drv_columns_twice, item);
      return false;
    }
    columns.push_back(*column);
  }
  if (columns.empty()) {
    diags.report(llvm::SMLoc(), diag::err_drv_columns_empty, choices);
    return false;
  }
  return true;
}

SpellingTable<RankDir> netc::getRankDirSpellings() {
  static const Spelling<RankDir> spellings[] = {
      {RankDir::TopToBottom, "TB"}, {RankDir::LeftToRight, "LR"}};
  return spellings;
}

std::vector<Column> emit::getColumns(const NetworkAnalysis &a,
                                     const ReportOptions &options) {
  if (!options.columns.empty())
    return options.columns;
  std::vector<Column> columns{Column::Op, Column::Shape, Column::Params};
  if (a.counts.bufferParams)
    columns.push_back(Column::Buffers);
  columns.push_back(Column::Activations);
  columns.push_back(Column::Macs);
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
    return row.op.str();
  case Column::Shape:
    return row.type.str();
  case Column::Params:
    return formatWithSeparators(row.trainable + row.frozen);
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

size_t emit::getCellWidth(const ReportRow &row, Column column) {
  switch (column) {
  case Column::Op:
    return row.op.size();
  case Column::Shape: {
    // "[d0, d1, ...]"
    size_t width = 2;
    for (size_t i = 0; i < row.type.dims.size(); ++i)
      width += (i ? 2 : 0) + std::to_string(row.type.dims[i]).size();
    return width;
  }
  case Column::Params:
    return getWidthWithSeparators(row.trainable + row.frozen);
  case Column::Buffers:
    return getWidthWithSeparators(row.buffers);
  case Column::Macs:
    return getWidthWithSeparators(row.macs);
  case Column::Flops:
    return getWidthWithSeparators(row.flops);
  case Column::Saved:
    return getWidthWithSeparators(row.savedBytes);
  case Column::Activations:
    break;
  }
  return describeCell(row, column).size();
}

std::string emit::describeTotalCell(const NetworkAnalysis &a, Column column) {
  switch (column) {
  case Column::Op:
  case Column::Shape:
    return "";
  case Column::Params:
    return formatWithSeparators(a.counts.getParams());
  case Column::Buffers:
    return formatWithSeparators(a.counts.bufferParams);
  case Column::Activations:
    return formatWithSeparators(a.counts.activations);
  case Column::Macs:
    return formatWithSeparators(a.totalCost.macs);
  case Column::Flops:
    return formatWithSeparators(a.totalCost.flops);
  case Column::Saved:
    return formatWithSeparators(a.saved.bytes);
  }
  return "";
}

std::string emit::describeTotalWithInputCell(const NetworkAnalysis &a,
                                             Column column) {
  return column == Column::Activations
             ? formatWithSeparators(a.counts.activationsWithInput)
             : "";
}

std::string emit::describeCompute(const NetworkAnalysis &a) {
  return "MACs per sample: " + formatWithSeparators(a.totalCost.macs) +
         formatCountUnit(a.totalCost.macs) +
         "; other FLOPs: " + formatWithSeparators(a.totalCost.flops) +
         formatCountUnit(a.totalCost.flops);
}

std::string emit::describeActiveParameters(const NetworkAnalysis &a) {
  int64_t all = a.counts.getParams(), active = a.counts.getActiveParams();
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.2f",
                all ? 100.0 * double(active) / double(all) : 0.0);
  return "active params per token: " + formatWithSeparators(active) + " of " +
         formatWithSeparators(all) + " (" + percent +
         "%; the others are experts a moe layer does not route the token to)";
}

std::string emit::describeTrainableParameters(const NetworkAnalysis &a) {
  int64_t all = a.counts.getParams();
  // PEFT prints 100 * trainable / all with four decimals.
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.4f",
                all ? 100.0 * double(a.counts.trainableParams) / double(all)
                    : 0.0);
  return "trainable params: " + formatWithSeparators(a.counts.trainableParams) +
         " || all params: " + formatWithSeparators(all) +
         " || trainable%: " + percent;
}
