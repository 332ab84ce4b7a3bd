//===- Emitters.h - the report backends -------------------------*- C++ -*-===//
//
// Each backend reads checked graphs and their memory figures and writes one
// format: the text table, JSON, CSV, Markdown or Graphviz DOT. All carry the
// same figures; docs/output-formats.md describes them. renderGraphviz turns
// the DOT into SVG, PNG or PDF (docs/rendering.md).
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
#include <vector>

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
  /// --columns: the columns of the text table and the Markdown layer table
  /// after the layer name, in order, by their names in getColumnNames()
  /// ("layer" excluded); empty for the default set (docs/macs.md).
  std::vector<std::string> columns;

  /// Every column name --columns accepts, "layer" first.
  static const std::vector<std::string> &getColumnNames();
};

/// One network to report: its graph and its memory figures.
struct NetworkReport {
  const Graph *graph;
  /// The classic recipe's figures (its counts are every model's counts).
  ClassicMemory memory;
  /// The element type the memory figures count in.
  DType dtype = DType::F32;
  /// What autograd keeps (the pytorch model), per sample.
  SavedForBackward saved = {};
  /// The inference peak by liveness, per sample.
  InferencePeak peak = {};
  /// The selected model's terms (--memory-model).
  MemoryEstimate estimate = {};
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

/// True for the image formats renderGraphviz writes: svg, png and pdf.
bool isGraphvizImageFormat(llvm::StringRef format);

/// Renders the first graph of \p dot (DOT text, such as emitDot writes) as
/// \p format (svg, png or pdf) in-process through Graphviz's C library:
/// parsed in memory, laid out by the dot engine, rendered by the core (svg)
/// or cairo (png, pdf) plugin. Returns true with the image in \p out, or
/// false with a one-line reason in \p error (what failed, Graphviz's own
/// messages, and for a missing plugin the package to reinstall). Graphviz's
/// warnings, and anything its libraries print to standard error while it
/// runs, are appended to \p warnings (when given) as "Graphviz: ..." lines
/// instead of reaching the terminal. Renderings are serialised. A PDF's
/// creation date is SOURCE_DATE_EPOCH when that is set (see
/// setPdfCreationDate); a value that is not a whole number of seconds is an
/// error. docs/rendering.md describes it.
bool renderGraphviz(llvm::StringRef dot, llvm::StringRef format,
                    std::string &out, std::string &error,
                    std::vector<std::string> *warnings = nullptr);

/// Rewrites the `/CreationDate (D:...)` that cairo stamps with the current
/// time to \p secondsSinceEpoch in UTC, in place and at the same length (so
/// the PDF's cross-reference offsets stay right): `D:YYYYMMDDHHMMSSZ`, or
/// `+00'00` where cairo wrote a local offset. False, with \p pdf unchanged,
/// when there is no such date or the time is before 1970 or after 9999.
bool setPdfCreationDate(std::string &pdf, int64_t secondsSinceEpoch);

} // namespace netc
