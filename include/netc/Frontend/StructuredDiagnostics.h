//===- StructuredDiagnostics.h - diagnostics as JSON or SARIF ---*- C++ -*-===//
//
// --diagnostics-format=json|sarif: DiagnosticConsumers that collect every
// diagnostic of a run and write them, when the run ends, as one
// machine-readable document, with the same locations, ranges, notes and
// fix-its the text shows.
//
//   JsonDiagnosticPrinter   netc's own format, described by
//                           docs/diagnostics.schema.json
//   SarifDiagnosticPrinter  SARIF 2.1.0 (OASIS), the format code-scanning
//                           services read; docs/sarif-subset.schema.json
//                           covers every field netc writes
//
// Columns: JSON counts bytes from 1, exactly as the text does; SARIF counts
// Unicode code points from 1 and says so with the run's columnKind
// "unicodeCodePoints" (SARIF has no byte columns). On ASCII lines the two
// agree. Range ends are exclusive in both (the column after the range).
//
// A diagnostic costs time and memory independent of the length of its line
// and of how many came before: JSON is written as the diagnostics arrive
// (into a buffer that goes out in writes of FlushBytes, the last when the
// run ends); SARIF lists its rules before its results, so each result is
// written out when it arrives and kept as text, past SpoolBytes in an
// anonymous temporary file, until the run ends.
//
// Diagnostics about no place in a file (a bad option value, an unreadable
// file) have no location in JSON, and are SARIF notifications of the
// invocation (toolExecutionNotifications, with the id as their
// descriptor), which then did not execute successfully if one is an error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/Spelling.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/JSON.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netc {

/// The form diagnostics are written in (--diagnostics-format).
enum class DiagnosticFormat { Text, Json, Sarif };

/// "text", "json" and "sarif".
SpellingTable<DiagnosticFormat> getDiagnosticFormatSpellings();

/// The producer a document names.
struct DiagnosticToolInfo {
  std::string name = "netc";
  std::string version;
  /// An absolute URI with information about the tool; left out when empty.
  std::string informationUri;
};

/// Writes one document with every diagnostic; it is complete on finish()
/// or, at the latest, when the printer is destroyed.
class StructuredDiagnosticPrinter : public DiagnosticConsumer {
public:
  StructuredDiagnosticPrinter(llvm::SourceMgr &sourceMgr,
                              llvm::raw_ostream &os, DiagnosticToolInfo tool)
      : sourceMgr(sourceMgr), lines(sourceMgr), os(os),
        tool(std::move(tool)) {}
  ~StructuredDiagnosticPrinter() override;

  /// Writes the document; later calls do nothing.
  void finish();

  /// The most text written to the stream at once (a document smaller than
  /// this is written in one write).
  static constexpr size_t FlushBytes = size_t(1) << 20;

protected:
  /// Writes the rest of the document to \p j.
  virtual void finishDocument(llvm::json::OStream &j) = 0;
  /// The writer of the document (into a buffer).
  llvm::json::OStream &getWriter();
  /// Sends the buffer to the stream once it holds FlushBytes.
  void flushIfFull();

  llvm::SourceMgr &sourceMgr;
  /// Lines and columns, at a cost independent of the line's length.
  SourceLines lines;
  llvm::raw_ostream &os;
  DiagnosticToolInfo tool;

private:
  void flush();
  std::string buffer;
  llvm::raw_string_ostream bufferStream{buffer};
  std::unique_ptr<llvm::json::OStream> writer;
  bool finished = false;
};

/// netc's JSON diagnostics (docs/diagnostics.schema.json):
///
///   {"format": "netc-diagnostics", "version": 1,
///    "tool": {"name": "netc", "version": "0.1.0"},
///    "diagnostics": [{"id", "severity", "group", "option", "message",
///                     "location", "ranges", "fixits", "notes"}, ...],
///    "errors": N, "warnings": N}
class JsonDiagnosticPrinter : public StructuredDiagnosticPrinter {
public:
  /// The version of the document's layout ("version").
  static constexpr int FormatVersion = 1;

  using StructuredDiagnosticPrinter::StructuredDiagnosticPrinter;
  ~JsonDiagnosticPrinter() override;
  void handle(const Diagnostic &diagnostic) override;

protected:
  void finishDocument(llvm::json::OStream &j) override;

private:
  void beginDocument();
  void write(llvm::json::OStream &j, const Diagnostic &diagnostic,
             bool isNote);
  void writeLocation(llvm::json::OStream &j, llvm::SMLoc loc);
  void writeRange(llvm::json::OStream &j, llvm::SMRange range);
  void count(Severity severity);

  bool begun = false;
  unsigned numErrors = 0;
  unsigned numWarnings = 0;
};

/// SARIF 2.1.0: one run, one result per error or warning (its notes are
/// relatedLocations, its fix-its one fix), a rule per diagnostic id used
/// by a result, and diagnostics without a location as
/// toolExecutionNotifications of the invocation.
class SarifDiagnosticPrinter : public StructuredDiagnosticPrinter {
public:
  /// The schema URI written as "$schema".
  static constexpr const char *SchemaUri =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/cos02/schemas/"
      "sarif-schema-2.1.0.json";

  using StructuredDiagnosticPrinter::StructuredDiagnosticPrinter;
  ~SarifDiagnosticPrinter() override;
  void handle(const Diagnostic &diagnostic) override;

  /// The most result text kept in memory; the rest waits in a file.
  static constexpr size_t SpoolBytes = size_t(16) << 20;

protected:
  void finishDocument(llvm::json::OStream &j) override;

private:
  /// The results as text, in the order they came; see the file comment.
  class ResultSpool {
  public:
    ResultSpool() = default;
    ResultSpool(const ResultSpool &) = delete;
    ResultSpool &operator=(const ResultSpool &) = delete;
    ~ResultSpool();
    void add(llvm::StringRef text);
    /// Calls \p each with the text of every result, in order.
    void forEach(llvm::function_ref<void(llvm::StringRef)> each);

  private:
    std::string memory;
    std::FILE *file = nullptr;
  };
  /// A line and a column in code points, both from 1.
  struct Position {
    unsigned line;
    unsigned column;
  };
  std::optional<Position> getPosition(llvm::SMLoc loc);
  llvm::json::Value region(llvm::SMRange range);
  llvm::json::Value pointRegion(llvm::SMLoc loc);
  llvm::json::Object artifactLocation(llvm::SMLoc loc);
  llvm::json::Object physicalLocation(llvm::SMLoc loc,
                                      llvm::json::Value region);
  llvm::json::Value fix(const std::vector<FixIt> &fixIts,
                        llvm::StringRef description);
  unsigned ruleIndex(diag::Kind kind);

  std::vector<diag::Kind> rules;
  ResultSpool results;
  llvm::json::Array notifications;
  bool anyToolError = false;
  bool anyRelativePath = false;
};

/// The printer for \p format (Json or Sarif), writing to \p os.
std::unique_ptr<StructuredDiagnosticPrinter>
createStructuredDiagnosticPrinter(DiagnosticFormat format,
                                  llvm::SourceMgr &sourceMgr,
                                  llvm::raw_ostream &os,
                                  DiagnosticToolInfo tool);

} // namespace netc
