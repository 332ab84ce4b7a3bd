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
// Diagnostics about no place in a file (a bad option value, an unreadable
// file) have no location in JSON, and are SARIF notifications of the
// invocation (toolExecutionNotifications, with the id as their
// descriptor), which then did not execute successfully if one is an error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/Spelling.h"

#include "llvm/Support/JSON.h"

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

/// Collects diagnostics and writes one document with all of them, on
/// finish() or, at the latest, when destroyed.
class StructuredDiagnosticPrinter : public DiagnosticConsumer {
public:
  StructuredDiagnosticPrinter(llvm::SourceMgr &sourceMgr,
                              llvm::raw_ostream &os, DiagnosticToolInfo tool)
      : sourceMgr(sourceMgr), os(os), tool(std::move(tool)) {}

  /// Writes the document; later calls do nothing.
  void finish();

protected:
  /// The whole document, from what was collected.
  virtual llvm::json::Value buildDocument() = 0;

  llvm::SourceMgr &sourceMgr;
  llvm::raw_ostream &os;
  DiagnosticToolInfo tool;

private:
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
  llvm::json::Value buildDocument() override;

private:
  llvm::json::Object convert(const Diagnostic &diagnostic, bool isNote);
  llvm::json::Value convertLocation(llvm::SMLoc loc);
  llvm::json::Value convertRange(llvm::SMRange range);
  void count(Severity severity);

  llvm::json::Array diagnostics;
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

protected:
  llvm::json::Value buildDocument() override;

private:
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
  llvm::json::Array results;
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
