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

/// One term of a memory formula, for every backend.
struct MemoryTerm {
  std::string id;      ///< machine name, e.g. "parameters"
  std::string label;   ///< "parameters"
  std::string formula; ///< "61,706 x 3 x 4 B"
  int64_t bytes;
  std::string note; ///< what the term stands for
};

/// The training terms (parameters, buffers if any, activations, input).
std::vector<MemoryTerm> getTrainingTerms(const ClassicMemory &memory);
/// The inference terms (parameters, buffers if any, activations).
std::vector<MemoryTerm> getInferenceTerms(const ClassicMemory &memory);

/// "0.71" (MiB with two decimals).
std::string formatMiB(int64_t bytes);

/// A one-line header: network, inputs, batch, dtype, memory model.
std::string describeNetworkHeader(const NetworkReport &report,
                                  const ReportOptions &options);

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
  /// The layer, or null for a collapsed block call.
  const Layer *layer = nullptr;
};

/// The rows of \p graph's table at \p depth (see ReportOptions::depth), in
/// the order of the layers.
std::vector<ReportRow> collectRows(const Graph &graph, int depth);

/// The activations cell: a count, "in place", "view" or, for an input, its
/// element count.
std::string describeActivations(const ReportRow &row);

/// True when any layer of the graph has non-trainable buffers.
bool hasBuffers(const Graph &graph);

} // namespace netc::emit
