//===- ReportRows.h - the rows and words every backend prints ---*- C++ -*-===//
//
// Private to the Emit library. The table, CSV, Markdown, JSON and DOT
// backends print the same rows, terms and sentences; they are put into
// words here, once, from the NetworkAnalysis (which holds every figure:
// nothing here computes one).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Emit/Emitters.h"
#include "netc/Ops/OpRegistry.h"

#include <string>
#include <vector>

namespace netc::emit {

/// "new", "in_place" or "view".
llvm::StringRef getStorageName(OutputStorage storage);

/// A one-line header: network, inputs, batch, dtype, memory model.
std::string describeNetworkHeader(const NetworkAnalysis &analysis);

/// "classic recipe", "pytorch model: what autograd keeps", with the
/// optimizer, precision and sharding when they are not the recipe's.
std::string describeMemoryModel(const NetworkAnalysis &analysis);

/// A memory term in words.
struct TermText {
  /// The machine name JSON and CSV use ("parameters", "saved").
  std::string id;
  /// The row label ("input (misc)").
  std::string label;
  /// How its bytes follow: "61,706 x 3 x 4 B", "22,256,640 B x 1".
  std::string formula;
  /// What it stands for ("weights, gradients, momentum").
  std::string note;
};

/// The words of \p term of \p analysis.
TermText describeTerm(const NetworkAnalysis &analysis, const MemoryTerm &term);

/// The inference peak as a term, for the classic model's extra row (the
/// pytorch model has it among its terms).
MemoryTerm getPeakTerm(const NetworkAnalysis &analysis);

/// "largest batch within 80GiB (85,899,345,920 B): 371" or why none fits
/// (the analysis has a fit).
std::string describeFit(const NetworkAnalysis &analysis,
                        const ReportOptions &options);

/// How describeFit's answer follows from the batch line: "floor((budget -
/// fixed) / per sample) = N", or "batch 1 needs fixed + per sample = T B".
std::string describeFitFormula(const NetworkAnalysis &analysis);

/// "inference with a KV cache, batch 1, context 8,192".
std::string describeKVCacheHeading(const NetworkAnalysis &analysis);
/// With --context and --fit: "largest batch within 24GiB (...) at context
/// 4,096: 7", or with --fit-context the longest context.
std::string describeKVCacheFit(const NetworkAnalysis &analysis,
                               const ReportOptions &options);

/// "tensor parallel 8, sequence parallel, selective recomputation".
std::string describeParallelism(const ParallelismConfig &config);
/// A run of consecutive layers (block calls from the network body) of one
/// block with the same activations.
struct LayerGroup {
  std::string first, last;
  std::string block;
  unsigned count = 0;
  LayerActivations figures;
};
/// The analysis's layers (it has `distributed`), grouped.
std::vector<LayerGroup> groupLayers(const NetworkAnalysis &analysis);
/// "tensors, masks and scores 106,954,752 B + statistics 4,096 B;
/// recomputes 1,207,959,552 B".
std::string describeLayerGroup(const LayerGroup &group);

/// --explain: every figure of the report derived step by step.
void emitExplanation(const NetworkAnalysis &analysis,
                     const ReportOptions &options, llvm::raw_ostream &os);

/// One row of a layer table: a layer, or a block call collapsed by --depth.
struct ReportRow {
  /// The layer's or the call's name, and the op or the block's name for a
  /// collapsed call (both the graph's own strings).
  llvm::StringRef name;
  llvm::StringRef op;
  TensorType type;
  int64_t trainable = 0;
  /// Frozen parameters (--freeze, --lora); the params column shows
  /// trainable + frozen.
  int64_t frozen = 0;
  int64_t buffers = 0;
  /// Activation elements the row adds (the classic recipe's count).
  int64_t activations = 0;
  /// Bytes per sample the row's layers are first to keep for backward,
  /// statistics and masks included (the pytorch model).
  int64_t savedBytes = 0;
  /// Multiply-accumulates and other FLOPs per sample (docs/macs.md).
  int64_t macs = 0;
  int64_t flops = 0;
  /// The layer, or null for a collapsed block call.
  const Layer *layer = nullptr;
  /// For a collapsed call: its scope, and the layer whose output is the
  /// call's (the last in source order).
  int scope = -1;
  LayerId output = LayerId(-1);
};

/// The block call that absorbs \p layer at \p depth (see
/// ReportOptions::depth): the outermost call at that depth or deeper, or -1.
int findCollapsedScope(const Graph &graph, const Layer &layer, int depth);

/// Hands \p take the rows of the analysis's table at \p depth (see
/// ReportOptions::depth) one by one, in the order of the layers, keeping
/// none: a collapsed call's figures are its layers' summed (parts of the
/// analysis's checked totals), and a call's layers are consecutive.
void forEachRow(const NetworkAnalysis &analysis, int depth,
                llvm::function_ref<void(const ReportRow &)> take);

/// The activations cell: a count, "in place", "view" or, for an input, its
/// element count.
std::string describeActivations(const ReportRow &row);

/// The columns to print: ReportOptions::columns, or by default op, output
/// shape, params, non-trainable (when the network has buffers), activations
/// and MACs.
std::vector<Column> getColumns(const NetworkAnalysis &analysis,
                               const ReportOptions &options);

/// The column's heading ("output shape", "MACs").
llvm::StringRef getColumnHeading(Column column);

/// True for the columns of counts, printed right-aligned.
bool isNumericColumn(Column column);

/// The cell of \p row in \p column, numbers with thousands separators.
std::string describeCell(const ReportRow &row, Column column);
/// describeCell(row, column).size(), mostly without making the text (the
/// table sizes its columns with it before printing).
size_t getCellWidth(const ReportRow &row, Column column);

/// The cell of the `total` row in \p column ("" for op and shape).
std::string describeTotalCell(const NetworkAnalysis &analysis, Column column);

/// The cell of the `total with the input` row (activations only).
std::string describeTotalWithInputCell(const NetworkAnalysis &analysis,
                                       Column column);

/// "MACs per sample: 1,814,073,344 (1.81 G); other FLOPs: 9,659,880
/// (0.01 G)".
std::string describeCompute(const NetworkAnalysis &analysis);

/// When a moe layer leaves experts idle for a token: "active params per
/// token: 12,879,925,248 of 46,702,792,704 (27.58%; ...)".
std::string describeActiveParameters(const NetworkAnalysis &analysis);

/// When some parameter is frozen, the line of PEFT's
/// print_trainable_parameters: "trainable params: 4,194,304 || all params:
/// 6,742,609,920 || trainable%: 0.0622".
std::string describeTrainableParameters(const NetworkAnalysis &analysis);

} // namespace netc::emit
