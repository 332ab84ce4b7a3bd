//===- Explain.cpp - --explain: each memory figure derived by hand --------===//
//
// Printed after the table: every term as `label: formula = bytes / unit =
// size`, the per-sample and fixed parts, the batch fit with its check, the
// inference peak's live tensors and, for the pytorch model, what each layer
// keeps. A reader can redo every number with a calculator.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include "netc/Basic/CheckedMath.h"

using namespace netc;
using namespace netc::emit;

/// "740,472 B / 1024 = 723.12 KiB" (just "740,472 B" below 1 KiB).
static std::string inUnits(int64_t bytes, SizeUnit units) {
  SizeUnit unit = resolveSizeUnit(units, bytes);
  std::string s = formatWithSeparators(bytes) + " B";
  if (unit != SizeUnit::B)
    s += " / " + getSizeUnitDivisor(unit).str() + " = " +
         formatSize(bytes, unit);
  return s;
}

/// "conv1 [6, 28, 28]".
static std::string describeTensor(const Graph &g, LayerId id) {
  return "'" + g.layers[id].name + "' " + g.layers[id].type.str();
}

static void explainTerms(const std::vector<MemoryTerm> &terms, int64_t total,
                         SizeUnit units, llvm::raw_ostream &os) {
  for (const MemoryTerm &t : terms)
    os << "    " << t.label << ": " << t.formula << " = "
       << inUnits(t.bytes, units) << "\n";
  os << "    total: " << inUnits(total, units) << "\n";
}

static void explainClassicPerSample(const ClassicMemory &m, SizeUnit units,
                                    llvm::raw_ostream &os) {
  int64_t w = m.activationBytesPerElement;
  os << "  per sample:\n";
  os << "    activations: " << formatWithSeparators(m.inputs.activations)
     << " x 2 x " << w << " B = " << inUnits(m.activationBytesPerSample, units)
     << " per sample\n";
  os << "    input: " << formatWithSeparators(m.inputs.inputElements) << " x "
     << w << " B = "
     << inUnits(m.inputs.inputElements * w, units) << " per sample\n";
}

static void explainSaved(const NetworkReport &report, SizeUnit units,
                         llvm::raw_ostream &os) {
  const Graph &g = *report.graph;
  const SavedForBackward &saved = report.saved;
  int64_t w = report.memory.activationBytesPerElement;
  os << "  what autograd keeps, per sample (each tensor counted once):\n";
  for (const LayerSaves &l : saved.layers) {
    const Layer &layer = g.layers[l.layer];
    os << "    " << layer.name << " (" << layer.op->name << "):";
    const char *sep = " ";
    for (LayerId t : l.tensors) {
      os << sep << (l.copy ? "a copy of " : "") << describeTensor(g, t);
      sep = ", ";
    }
    if (l.newTensorBytes)
      os << " " << formatWithSeparators(l.newTensorBytes / w) << " x " << w
         << " B = " << formatWithSeparators(l.newTensorBytes) << " B";
    if (l.sharedTensorBytes)
      os << (l.newTensorBytes ? "; " : " ") << "already kept: "
         << formatWithSeparators(l.sharedTensorBytes) << " B not counted again";
    if (l.extraBytes)
      os << sep << "+ " << formatWithSeparators(l.extraBytes) << " B ("
         << layer.op->saves.doc << ")";
    os << "\n";
  }
  os << "    tensors: " << saved.tensorCount << ", "
     << formatWithSeparators(saved.tensorBytes) << " B; statistics, indices "
     << "and masks: " << formatWithSeparators(saved.extraBytes)
     << " B; total " << inUnits(saved.bytes, units) << " per sample\n";
  if (saved.unsavedInputBytes)
    os << "    input kept by no layer: "
       << formatWithSeparators(saved.unsavedInputBytes) << " B per sample\n";
}

static void explainPeak(const NetworkReport &report, SizeUnit units,
                        llvm::raw_ostream &os) {
  const Graph &g = *report.graph;
  const InferencePeak &peak = report.peak;
  if (peak.layer >= g.layers.size())
    return;
  int64_t w = report.memory.activationBytesPerElement;
  os << "  inference peak by liveness: while '" << g.layers[peak.layer].name
     << "' runs, these tensors are live:\n";
  for (LayerId id : peak.live)
    os << "    " << describeTensor(g, id) << ": "
       << formatWithSeparators(*g.layers[id].type.getNumElements()) << " x "
       << w << " B\n";
  os << "    sum: " << inUnits(peak.bytes, units) << "\n";
}

void emit::emitExplanation(const NetworkReport &report,
                           const ReportOptions &options,
                           llvm::raw_ostream &os) {
  const MemoryEstimate &e = report.estimate;
  SizeUnit units = options.units;
  os << "\nhow the figures are derived (--explain)\n";
  os << "  training memory, batch " << e.batch << " ("
     << describeMemoryModel(report) << "):\n";
  explainTerms(e.training, e.trainingTotal, units, os);
  if (e.model == MemoryModel::Classic)
    explainClassicPerSample(report.memory, units, os);
  os << "  as a batch:\n";
  os << "    fixed: " << formatWithSeparators(e.fixedBytes)
     << " B; per sample: " << formatWithSeparators(e.perSampleBytes)
     << " B; at batch " << e.batch << ": "
     << formatWithSeparators(e.fixedBytes) << " + "
     << formatWithSeparators(e.perSampleBytes) << " x " << e.batch << " = "
     << formatWithSeparators(e.trainingTotal) << " B\n";
  if (options.fitBudgetBytes > 0) {
    BatchFit fit =
        fitBatch(e.fixedBytes, e.perSampleBytes, options.fitBudgetBytes);
    os << "  " << describeFit(e, options) << "\n";
    os << "    " << describeFitFormula(e, options) << "\n";
    if (fit.largestBatch > 0) {
      int64_t n = fit.largestBatch;
      // fixed + perSample x n is at most the budget; one more sample may
      // pass 2^63.
      int64_t fits = e.fixedBytes + e.perSampleBytes * n;
      auto next = checkedAdd(fits, e.perSampleBytes);
      os << "    check: " << formatWithSeparators(e.fixedBytes) << " + "
         << formatWithSeparators(e.perSampleBytes) << " x "
         << formatWithSeparators(n) << " = " << formatWithSeparators(fits)
         << " B fits; batch " << formatWithSeparators(n + 1) << " needs "
         << (next ? formatWithSeparators(*next) : std::string("over 2^63"))
         << " B\n";
    }
  }
  os << "  inference memory, one sample:\n";
  explainTerms(e.inference, e.inferenceTotal, units, os);
  explainPeak(report, units, os);
  if (e.model == MemoryModel::PyTorch)
    explainSaved(report, units, os);
}
