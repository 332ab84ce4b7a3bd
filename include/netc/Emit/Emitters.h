//===- Emitters.h - the report backends -------------------------*- C++ -*-===//
//
// Each backend reads checked graphs and their memory figures and writes one
// format: the text table, JSON, CSV, Markdown or Graphviz DOT. All carry the
// same figures; docs/output-formats.md describes them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"
#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/MemoryEstimate.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace netc {

/// Settings that every backend reports or obeys.
struct ReportOptions {
  /// Graphviz rank direction: "TB" or "LR".
  std::string rankdir = "TB";
  /// Block calls at this nesting depth or deeper are summed into one row per
  /// call (as torchinfo's depth: 1 shows the network's own layers and one
  /// row per block it calls); -1 shows every layer.
  int depth = -1;
  /// --fit: report the largest batch within this many bytes (0: do not).
  int64_t fitBudgetBytes = 0;
  /// The budget as the user wrote it ("24GiB").
  std::string fitBudgetText;
  /// The unit of the size columns (--units).
  SizeUnit units = SizeUnit::Auto;
  /// --explain: the table is followed by every figure's derivation.
  bool explain = false;
};

/// One network to report: its graph and its memory figures.
struct NetworkReport {
  const Graph *graph;
  /// The classic recipe's figures (its counts are every model's counts).
  ClassicMemory memory;
  /// The element type the memory figures count in.
  DType dtype = DType::F32;
  /// What autograd keeps (the pytorch model), per sample.
  SavedForBackward saved;
  /// The inference peak by liveness, per sample.
  InferencePeak peak;
  /// The selected model's terms (--memory-model).
  MemoryEstimate estimate;
};

/// Computes every memory figure of \p graph, counted in \p dtype at \p batch
/// with the model states \p states, the estimate by \p model; nullopt after
/// reporting an overflow.
std::optional<NetworkReport>
buildNetworkReport(const Graph &graph, DType dtype, int64_t batch,
                   const ModelStateConfig &states, MemoryModel model,
                   DiagnosticEngine &diags);

/// The version of the JSON output's schema (docs/output-formats.md).
constexpr int JsonSchemaVersion = 2;

/// The per-network table with the memory recipe, term by term.
void emitTable(llvm::ArrayRef<NetworkReport> reports,
               const ReportOptions &options, llvm::raw_ostream &os);
/// JSON, through llvm::json::OStream (stable key order).
void emitJson(llvm::ArrayRef<NetworkReport> reports,
              const ReportOptions &options, llvm::raw_ostream &os);
/// CSV (RFC 4180): layer rows, a total row and memory rows.
void emitCsv(llvm::ArrayRef<NetworkReport> reports,
             const ReportOptions &options, llvm::raw_ostream &os);
/// Markdown: a layer table and a memory table per network.
void emitMarkdown(llvm::ArrayRef<NetworkReport> reports,
                  const ReportOptions &options, llvm::raw_ostream &os);
/// Graphviz DOT: one digraph per network.
void emitDot(llvm::ArrayRef<NetworkReport> reports,
             const ReportOptions &options, llvm::raw_ostream &os);

} // namespace netc
