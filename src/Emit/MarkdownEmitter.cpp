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
  for (const ReportRow &r : collectRows(g, options.depth)) {
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

  auto terms = [&](llvm::StringRef title, const std::vector<MemoryTerm> &list,
                   int64_t total) {
    os << "| " << title << " | formula | bytes | MiB | what |\n"
       << "|---|---|---:|---:|---|\n";
    for (const MemoryTerm &t : list)
      os << "| " << cell(t.label) << " | " << t.formula << " | "
         << formatWithSeparators(t.bytes) << " | " << formatMiB(t.bytes)
         << " | " << cell(t.note) << " |\n";
    os << "| **total** | | **" << formatWithSeparators(total) << "** | **"
       << formatMiB(total) << "** | |\n\n";
  };
  terms("training, batch " + std::to_string(m.inputs.batch),
        getTrainingTerms(m), m.trainingTotalBytes);
  terms("inference, one sample", getInferenceTerms(m), m.inferenceTotalBytes);
}

void netc::emitMarkdown(llvm::ArrayRef<NetworkReport> reports,
                        const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkReport &report : reports)
    emitOne(report, options, os);
}
