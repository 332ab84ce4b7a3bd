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

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

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
};

/// One network to report: its graph and its memory figures.
struct NetworkReport {
  const Graph *graph;
  ClassicMemory memory;
  /// The element type the memory figures count in.
  DType dtype = DType::F32;
};

/// The version of the JSON output's schema (docs/output-formats.md).
constexpr int JsonSchemaVersion = 1;

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
