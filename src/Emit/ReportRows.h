//===- ReportRows.h - the rows every tabular backend prints -----*- C++ -*-===//
//
// Private to the Emit library. The table, CSV, Markdown and JSON backends
// print the same rows and terms; they are computed here, once.
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

/// The key attributes of a layer as written: "6, kernel=5".
std::string describeAttributes(const Layer &layer);


/// A one-line header: network, inputs, batch, dtype, memory model.
std::string describeNetworkHeader(const NetworkReport &report,
                                  const ReportOptions &options);

/// "classic recipe", "pytorch model: what autograd keeps", with the
/// optimizer, precision and sharding when they are not the recipe's.
std::string describeMemoryModel(const NetworkReport &report);

/// "largest batch within 80GiB (85,899,345,920 B): 371" or why none fits.
std::string describeFit(const MemoryEstimate &estimate,
                        const ReportOptions &options);

/// How describeFit's answer follows from the batch line: "floor((budget -
/// fixed) / per sample) = N", or "batch 1 needs fixed + per sample = T B".
std::string describeFitFormula(const MemoryEstimate &estimate,
                               const ReportOptions &options);

/// --explain: every figure of the report derived step by step.
void emitExplanation(const NetworkReport &report, const ReportOptions &options,
                     llvm::raw_ostream &os);

/// One row of a layer table: a layer, or a block call collapsed by --depth.
struct ReportRow {
  std::string name;
  /// The op, or the block's name for a collapsed call.
  std::string op;
  TensorType type;
  int64_t trainable = 0;
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
};

/// The block call that absorbs \p layer at \p depth (see
/// ReportOptions::depth): the outermost call at that depth or deeper, or -1.
int findCollapsedScope(const Graph &graph, const Layer &layer, int depth);

/// The rows of the report's table at \p depth (see ReportOptions::depth),
/// in the order of the layers.
std::vector<ReportRow> collectRows(const NetworkReport &report, int depth);

/// Per layer, its MACs and other FLOPs per sample (buildNetworkReport has
/// checked that they and their totals do not overflow).
std::vector<OpCost> getCostPerLayer(const NetworkReport &report);

/// The network's MACs and other FLOPs per sample, summed over its layers.
OpCost getTotalCost(const NetworkReport &report);

/// " (1.81 G)": \p count in units of 10^9 with two decimals, as torchvision
/// publishes GFLOPS; " (0.42 M)" (10^6) below 0.01 G, and nothing below
/// 0.01 M, where the count itself is short.
std::string formatCountUnit(int64_t count);

/// \p count to three significant digits with a decimal unit, for labels
/// that must stay short: "840", "117.6 K", "118 M", "4.09 G".
std::string formatCountShort(int64_t count);

/// Per layer, the bytes per sample it is first to keep for backward.
std::vector<int64_t> getSavedBytesPerLayer(const NetworkReport &report);

/// The activations cell: a count, "in place", "view" or, for an input, its
/// element count.
std::string describeActivations(const ReportRow &row);

/// True when any layer of the graph has non-trainable buffers.
bool hasBuffers(const Graph &graph);

/// A column of the text table and the Markdown layer table after the layer
/// name (--columns).
enum class Column { Op, Shape, Params, Buffers, Activations, Macs, Flops, Saved };

/// The columns to print: ReportOptions::columns, or by default op, output
/// shape, params, non-trainable (when the graph has buffers), activations
/// and MACs.
std::vector<Column> getColumns(const Graph &graph,
                               const ReportOptions &options);

/// The column's heading ("output shape", "MACs").
llvm::StringRef getColumnHeading(Column column);

/// True for the columns of counts, printed right-aligned.
bool isNumericColumn(Column column);

/// The cell of \p row in \p column, numbers with thousands separators.
std::string describeCell(const ReportRow &row, Column column);

/// The cell of the `total` row in \p column ("" for op and shape).
std::string describeTotalCell(const NetworkReport &report, Column column);

/// The cell of the `total with the input` row (activations only).
std::string describeTotalWithInputCell(const NetworkReport &report,
                                       Column column);

/// "MACs per sample: 1,814,073,344 (1.81 G); other FLOPs: 9,659,880
/// (0.01 G)".
std::string describeCompute(const NetworkReport &report);

} // namespace netc::emit
