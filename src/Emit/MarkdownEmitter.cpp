//===- MarkdownEmitter.cpp - report for READMEs and docs ------------------===//
//
// The same rows and terms as the text table, as GitHub-flavoured Markdown
// tables (numbers right-aligned), ready to paste into a README.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include <cctype>

using namespace netc;
using namespace netc::emit;

/// Escapes the characters that would break a Markdown table cell (names
/// keep their underscores: GitHub does not emphasise inside words).
static std::string cell(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '\\' || c == '*' || c == '`')
      out += '\\';
    out += c;
  }
  return out;
}

static void emitOne(const NetworkReport &report, const ReportOptions &options,
                    llvm::raw_ostream &os) {
  const Graph &g = *report.graph;
  os << "### " << cell(g.name) << "\n\n"
     << cell(describeNetworkHeader(report, options)) << "\n\n";
  std::vector<Column> columns = getColumns(g, options);
  os << "| layer |";
  for (Column c : columns)
    os << " " << getColumnHeading(c) << " |";
  os << "\n|---|";
  for (Column c : columns)
    os << (isNumericColumn(c) ? "---:|" : "---|");
  os << "\n";
  for (const ReportRow &r : collectRows(report, options.depth)) {
    os << "| " << cell(r.name) << " |";
    for (Column c : columns)
      os << " " << cell(describeCell(r, c)) << " |";
    os << "\n";
  }
  os << "| **total** |";
  for (Column c : columns) {
    std::string total = describeTotalCell(report, c);
    os << (total.empty() ? " |" : " **" + total + "** |");
  }
  os << "\n";
  bool anyWithInput = false;
  for (Column c : columns)
    anyWithInput |= !describeTotalWithInputCell(report, c).empty();
  if (anyWithInput) {
    os << "| total with the input |";
    for (Column c : columns) {
      std::string cellText = describeTotalWithInputCell(report, c);
      os << (cellText.empty() ? " |" : " " + cellText + " |");
    }
    os << "\n";
  }
  os << "\n" << describeCompute(report) << ".\n\n";

  const MemoryEstimate &e = report.estimate;
  auto terms = [&](llvm::StringRef title, const std::vector<MemoryTerm> &list,
                   int64_t total) {
    SizeUnit unit = resolveSizeUnit(options.units, total);
    os << "| " << title << " | formula | bytes | size | what |\n"
       << "|---|---|---:|---:|---|\n";
    for (const MemoryTerm &t : list)
      os << "| " << cell(t.label) << " | " << t.formula << " | "
         << formatWithSeparators(t.bytes) << " | "
         << cell(formatSize(t.bytes, unit)) << " | " << cell(t.note) << " |\n";
    os << "| **total** | | **" << formatWithSeparators(total) << "** | **"
       << formatSize(total, unit) << "** | |\n\n";
  };
  terms("training, batch " + std::to_string(e.batch) + " (" +
            describeMemoryModel(report) + ")",
        e.training, e.trainingTotal);
  os << "Training memory as a batch: " << formatWithSeparators(e.fixedBytes)
     << " B + " << formatWithSeparators(e.perSampleBytes)
     << " B x batch (fixed + per sample).";
  if (options.fitBudgetBytes > 0) {
    std::string fit = describeFit(e, options);
    fit[0] = std::toupper(static_cast<unsigned char>(fit[0]));
    os << " " << cell(fit) << "; " << describeFitFormula(e, options) << ".";
  }
  os << "\n\n";
  terms("inference, one sample", e.inference, e.inferenceTotal);
  if (report.peak.layer < g.layers.size())
    os << "Inference peak by liveness: " << formatWithSeparators(report.peak.bytes)
       << " B (" << formatSize(report.peak.bytes,
                               resolveSizeUnit(options.units, e.inferenceTotal))
       << ") live at once while `" << cell(g.layers[report.peak.layer].name)
       << "` runs.\n\n";
}

void netc::emitMarkdown(llvm::ArrayRef<NetworkReport> reports,
                        const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkReport &report : reports)
    emitOne(report, options, os);
}
