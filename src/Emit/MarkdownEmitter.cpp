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

static void emitOne(const NetworkAnalysis &a, const ReportOptions &options,
                    llvm::raw_ostream &os) {
  const Graph &g = *a.graph;
  os << "### " << cell(g.name) << "\n\n"
     << cell(describeNetworkHeader(a)) << "\n\n";
  std::vector<Column> columns = getColumns(a, options);
  os << "| layer |";
  for (Column c : columns)
    os << " " << getColumnHeading(c) << " |";
  os << "\n|---|";
  for (Column c : columns)
    os << (isNumericColumn(c) ? "---:|" : "---|");
  os << "\n";
  forEachRow(a, options.depth, [&](const ReportRow &r) {
    os << "| " << cell(r.name) << " |";
    for (Column c : columns)
      os << " " << cell(describeCell(r, c)) << " |";
    os << "\n";
  });
  os << "| **total** |";
  for (Column c : columns) {
    std::string total = describeTotalCell(a, c);
    os << (total.empty() ? " |" : " **" + total + "** |");
  }
  os << "\n";
  bool anyWithInput = false;
  for (Column c : columns)
    anyWithInput |= !describeTotalWithInputCell(a, c).empty();
  if (anyWithInput) {
    os << "| total with the input |";
    for (Column c : columns) {
      std::string cellText = describeTotalWithInputCell(a, c);
      os << (cellText.empty() ? " |" : " " + cellText + " |");
    }
    os << "\n";
  }
  os << "\n";
  if (a.counts.hasFrozen())
    os << describeTrainableParameters(a) << ".\n\n";
  if (a.counts.idleParams)
    os << describeActiveParameters(a) << ".\n\n";
  os << describeCompute(a) << ".\n\n";

  const MemoryEstimate &e = a.estimate;
  auto terms = [&](llvm::StringRef title, const std::vector<MemoryTerm> &list,
                   int64_t total) {
    SizeUnit unit = resolveSizeUnit(options.units, total);
    os << "| " << title << " | formula | bytes | size | what |\n"
       << "|---|---|---:|---:|---|\n";
    for (const MemoryTerm &t : list) {
      TermText text = describeTerm(a, t);
      os << "| " << cell(text.label) << " | " << text.formula << " | "
         << formatWithSeparators(t.bytes) << " | "
         << cell(formatSize(t.bytes, unit)) << " | " << cell(text.note)
         << " |\n";
    }
    os << "| **total** | | **" << formatWithSeparators(total) << "** | **"
       << formatSize(total, unit) << "** | |\n\n";
  };
  terms("training, batch " + std::to_string(a.getBatch()) + " (" +
            describeMemoryModel(a) + ")",
        e.training, e.trainingTotal);
  os << "Training memory as a batch: " << formatWithSeparators(e.fixedBytes)
     << " B + " << formatWithSeparators(e.perSampleBytes)
     << " B x batch (fixed + per sample).";
  if (a.fit) {
    std::string fit = describeFit(a, options);
    fit[0] = std::toupper(static_cast<unsigned char>(fit[0]));
    os << " " << cell(fit) << "; " << describeFitFormula(a) << ".";
  }
  os << "\n\n";
  if (a.distributed && !a.distributed->layers.empty()) {
    SizeUnit unit = resolveSizeUnit(options.units, e.trainingTotal);
    os << "| activations per layer, per sample on one device | calls | bytes "
          "| size | what |\n|---|---|---:|---:|---|\n";
    for (const LayerGroup &group : groupLayers(a)) {
      int64_t bytes = group.figures.getTotalBytes();
      os << "| " << cell(group.count == 1 ? group.first
                                          : group.first + " ... " + group.last)
         << " | " << group.count << " x " << cell(group.block) << " | "
         << formatWithSeparators(bytes) << " | "
         << cell(formatSize(bytes, unit)) << " | "
         << cell(describeLayerGroup(group)) << " |\n";
    }
    os << "\n";
  }
  terms("inference, one sample", e.inference, e.inferenceTotal);
  if (a.kvCache) {
    terms(describeKVCacheHeading(a), a.kvCacheTerms, a.kvCache->totalBytes);
    if (a.fit)
      os << cell(describeKVCacheFit(a, options)) << ".\n\n";
  }
  if (a.peak.layer < g.layers.size())
    os << "Inference peak by liveness: " << formatWithSeparators(a.peak.bytes)
       << " B (" << formatSize(a.peak.bytes,
                               resolveSizeUnit(options.units, e.inferenceTotal))
       << ") live at once while `" << cell(g.layers[a.peak.layer].name)
       << "` runs.\n\n";
}

void netc::emitMarkdown(llvm::ArrayRef<NetworkAnalysis> analyses,
                        const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkAnalysis &a : analyses)
    emitOne(a, options, os);
}
