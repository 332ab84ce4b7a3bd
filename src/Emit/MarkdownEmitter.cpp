//===- MarkdownEmitter.cpp - report for READMEs and docs ------------------===//
//
// The same rows and terms as the text table, as GitHub-flavoured Markdown
// tables (numbers right-aligned), ready to paste into a README.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

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
  const ClassicMemory &m = report.memory;
  bool buffers = hasBuffers(g);
  os << "### " << cell(g.name) << "\n\n"
     << cell(describeNetworkHeader(report, options)) << "\n\n";
  os << "| layer | op | output shape | params |"
     << (buffers ? " non-trainable |" : "") << " activations |\n";
  os << "|---|---|---|---:|" << (buffers ? "---:|" : "") << "---:|\n";
  for (const ReportRow &r : collectRows(report, options.depth)) {
    os << "| " << cell(r.name) << " | " << cell(r.op) << " | " << r.type.str()
       << " | " << formatWithSeparators(r.trainable) << " |";
    if (buffers)
      os << " " << formatWithSeparators(r.buffers) << " |";
    os << " " << describeActivations(r) << " |\n";
  }
  os << "| **total** | | | **" << formatWithSeparators(m.inputs.trainableParams)
     << "** |";
  if (buffers)
    os << " **" << formatWithSeparators(m.inputs.bufferParams) << "** |";
  os << " **" << formatWithSeparators(m.inputs.activations) << "** |\n";
  os << "| total with the input | | | |" << (buffers ? " |" : "") << " "
     << formatWithSeparators(m.activationsWithInput) << " |\n\n";

  const MemoryEstimate &e = report.estimate;
  auto terms = [&](llvm::StringRef title, const std::vector<MemoryTerm> &list,
                   int64_t total) {
    SizeUnit unit = resolveSizeUnit(options.units, total);
    os << "| " << title << " | formula | bytes | " << getSizeUnitName(unit)
       << " | what |\n"
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
  if (options.fitBudgetBytes > 0)
    os << " " << cell(describeFit(e, options)) << ".";
  os << "\n\n";
  terms("inference, one sample", e.inference, e.inferenceTotal);
  if (report.peak.layer < g.layers.size())
    os << "Inference peak by liveness: " << formatWithSeparators(report.peak.bytes)
       << " B (" << formatSize(report.peak.bytes, options.units)
       << ") live at once while `" << cell(g.layers[report.peak.layer].name)
       << "` runs.\n\n";
}

void netc::emitMarkdown(llvm::ArrayRef<NetworkReport> reports,
                        const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkReport &report : reports)
    emitOne(report, options, os);
}
