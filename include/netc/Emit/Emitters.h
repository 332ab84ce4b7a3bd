//===- Emitters.h - the report backends -------------------------*- C++ -*-===//
//
// Each backend formats the analyses of checked networks (NetworkAnalysis,
// computed once by the analysis stage) in one format: the text table, JSON,
// CSV, Markdown or Graphviz DOT. All carry the same figures and compute
// none; docs/output-formats.md describes them. renderGraphviz turns
// the DOT into SVG, PNG or PDF (docs/rendering.md).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Analysis/NetworkAnalysis.h"
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/Spelling.h"
#include "netc/Emit/Format.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace netc {

/// A column of the text table and the Markdown layer table after the layer
/// name (--columns, docs/macs.md).
enum class Column { Op, Shape, Params, Buffers, Activations, Macs, Flops, Saved };

/// The names --columns takes: "op", "shape", "params", "buffers",
/// "activations", "macs", "flops", "saved" ("layer", always the first
/// column, is not one of them).
SpellingTable<Column> getColumnSpellings();

/// Parses a --columns list ("op,shape,macs"; "layer" may come first) into
/// \p columns; false after reporting an empty item, an unknown or repeated
/// column, a misplaced "layer" or a list with no column.
bool parseColumns(llvm::StringRef list, std::vector<Column> &columns,
                  DiagnosticEngine &diags);

/// The direction of a diagram (Graphviz's rankdir).
enum class RankDir { TopToBottom, LeftToRight };

/// "TB" and "LR".
SpellingTable<RankDir> getRankDirSpellings();

/// Settings that every backend reports or obeys.
struct ReportOptions {
  RankDir rankdir = RankDir::TopToBottom;
  /// Block calls at this nesting depth or deeper are summed into one row per
  /// call (as torchinfo's depth: 1 shows the network's own layers and one
  /// row per block it calls); -1 shows every layer.
  int depth = -1;
  /// The --fit budget as the user wrote it ("24GiB").
  std::string fitBudgetText;
  /// The unit of the size columns (--units).
  SizeUnit units = SizeUnit::Auto;
  /// --explain: the table is followed by every figure's derivation.
  bool explain = false;
  /// --columns: the columns of the text table and the Markdown layer table
  /// after the layer name, in order; empty for the default set.
  std::vector<Column> columns;
};

/// The version of the JSON output's schema (docs/output-formats.md).
constexpr int JsonSchemaVersion = 2;

/// The per-network table with the memory recipe, term by term.
void emitTable(llvm::ArrayRef<NetworkAnalysis> analyses,
               const ReportOptions &options, llvm::raw_ostream &os);
/// JSON, through llvm::json::OStream (stable key order).
void emitJson(llvm::ArrayRef<NetworkAnalysis> analyses,
              const ReportOptions &options, llvm::raw_ostream &os);
/// CSV (RFC 4180): layer rows, a total row and memory rows.
void emitCsv(llvm::ArrayRef<NetworkAnalysis> analyses,
             const ReportOptions &options, llvm::raw_ostream &os);
/// Markdown: a layer table and a memory table per network.
void emitMarkdown(llvm::ArrayRef<NetworkAnalysis> analyses,
                  const ReportOptions &options, llvm::raw_ostream &os);
/// A Python file with a torch.nn.Module per network and per block call
/// (docs/pytorch.md).
void emitPyTorch(llvm::ArrayRef<NetworkAnalysis> analyses,
                 const ReportOptions &options, llvm::raw_ostream &os);
/// True when --emit=pytorch can write a layer of op \p op (every callable
/// op of the registry must have a rule; a test checks it).
bool hasPyTorchGenerationRule(llvm::StringRef op);

/// Graphviz DOT: one digraph per network.
void emitDot(llvm::ArrayRef<NetworkAnalysis> analyses,
             const ReportOptions &options, llvm::raw_ostream &os);

/// How big the diagram emitDot draws of a network is for Graphviz's dot
/// layout (docs/rendering.md#big-diagrams): dot puts the nodes on rows and
/// draws an edge that skips rows through a hidden node on each row it
/// crosses, and the time it takes grows much faster than the count of
/// nodes, hidden ones included.
struct DiagramSize {
  /// Layers and collapsed block calls (the legend aside).
  size_t nodes = 0;
  size_t edges = 0;
  /// The rows the edges span, added up: one for an edge to the next row.
  size_t edgeRows = 0;

  /// The figure the limit bounds: the nodes plus the rows the edges span.
  size_t getSize() const { return nodes + edgeRows; }
};

/// The largest DiagramSize::getSize() that --emit=svg, png and pdf draw.
/// The examples are 25 (LeNet-5) to 485 (ResNet-50), ResNet-152 at full
/// depth 1,471 (0.3 s of layout); the slowest shape measured, every layer
/// also reading the first, takes 5 s at 1,950 and had not finished after
/// 8 minutes at 5,250
/// (docs/rendering.md#big-diagrams).
constexpr size_t MaxDiagramSize = 2000;

/// The size of the diagram emitDot draws of \p analysis with \p options
/// (after --depth's collapsing), measured without drawing it.
DiagramSize measureDiagram(const NetworkAnalysis &analysis,
                           const ReportOptions &options);

/// True when the diagram of \p analysis is at most MaxDiagramSize; else
/// reports, at the network's name, its size and the largest --depth that
/// would draw it within the limit (when one would), and returns false.
bool checkDiagramSize(const NetworkAnalysis &analysis,
                      const ReportOptions &options, DiagnosticEngine &diags);

/// True for the image formats renderGraphviz writes: svg, png and pdf.
bool isGraphvizImageFormat(llvm::StringRef format);

/// How long a rendering may take by default, in seconds (--render-timeout).
constexpr double DefaultRenderTimeoutSeconds = 30;

/// Renders the first graph of \p dot (DOT text, such as emitDot writes) as
/// \p format (svg, png or pdf) through Graphviz's C library: parsed in
/// memory, laid out by the dot engine, rendered by the core (svg) or cairo
/// (png, pdf) plugin, in a child process that is killed after
/// \p timeoutSeconds (0: no limit). Returns true with the image in \p out,
/// or false with a one-line reason in \p error (what failed, Graphviz's own
/// messages, and for a missing plugin the package to reinstall; for the
/// time limit, with \p timedOut set when given). Graphviz's
/// warnings, and anything its libraries print to standard error while it
/// runs, are appended to \p warnings (when given) as "Graphviz: ..." lines
/// instead of reaching the terminal. Renderings are serialised. A PDF's
/// creation date is SOURCE_DATE_EPOCH when that is set (see
/// setPdfCreationDate); a value that is not a whole number of seconds is an
/// error. docs/rendering.md describes it.
bool renderGraphviz(llvm::StringRef dot, llvm::StringRef format,
                    std::string &out, std::string &error,
                    std::vector<std::string> *warnings = nullptr,
                    double timeoutSeconds = DefaultRenderTimeoutSeconds,
                    bool *timedOut = nullptr);

/// Replaces the DOT in \p text with the \p format image renderGraphviz
/// draws of it within \p timeoutSeconds, reporting Graphviz's failure
/// (err_render), the time limit (err_render_timeout) and Graphviz's
/// warnings (warn_render, group "graphviz") through \p diags. False, with
/// \p text unchanged, when nothing was drawn.
bool renderImage(std::string &text, llvm::StringRef format,
                 DiagnosticEngine &diags,
                 double timeoutSeconds = DefaultRenderTimeoutSeconds);

/// Rewrites the `/CreationDate (D:...)` that cairo stamps with the current
/// time to \p secondsSinceEpoch in UTC, in place and at the same length (so
/// the PDF's cross-reference offsets stay right): `D:YYYYMMDDHHMMSSZ`, or
/// `+00'00` where cairo wrote a local offset. False, with \p pdf unchanged,
/// when there is no such date or the time is before 1970 or after 9999.
bool setPdfCreationDate(std::string &pdf, int64_t secondsSinceEpoch);

} // namespace netc
