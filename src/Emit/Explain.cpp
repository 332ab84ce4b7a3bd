//===- Explain.cpp - --explain: each memory figure derived by hand --------===//
//
// Printed after the table: every term as `label: formula = bytes / unit =
// size`, the per-sample and fixed parts, the batch fit with its check, the
// inference peak's live tensors and, for the pytorch model, what each layer
// keeps. A reader can redo every number with a calculator.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

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

static void explainTerms(const NetworkAnalysis &a,
                         const std::vector<MemoryTerm> &terms, int64_t total,
                         SizeUnit units, llvm::raw_ostream &os) {
  for (const MemoryTerm &t : terms) {
    TermText text = describeTerm(a, t);
    os << "    " << text.label << ": " << text.formula << " = "
       << inUnits(t.bytes, units) << "\n";
  }
  os << "    total: " << inUnits(total, units) << "\n";
}

static void explainClassicPerSample(const NetworkAnalysis &a, SizeUnit units,
                                    llvm::raw_ostream &os) {
  const ClassicMemory &m = a.classic;
  int64_t w = m.activationBytesPerElement;
  os << "  per sample:\n";
  os << "    activations: " << formatWithSeparators(a.counts.activations)
     << " x 2 x " << w << " B = " << inUnits(m.activationBytesPerSample, units)
     << " per sample\n";
  os << "    input: " << formatWithSeparators(a.counts.inputElements) << " x "
     << w << " B = " << inUnits(m.inputBytesPerSample, units)
     << " per sample\n";
}

static void explainSaved(const NetworkAnalysis &a, SizeUnit units,
                         llvm::raw_ostream &os) {
  const Graph &g = *a.graph;
  const SavedForBackward &saved = a.saved;
  int64_t w = a.classic.activationBytesPerElement;
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
     << formatWithSeparators(saved.tensorBytes) << " B; statistics, indices, "
     << "masks and scores: " << formatWithSeparators(saved.extraBytes)
     << " B; total " << inUnits(saved.bytes, units) << " per sample\n";
  if (saved.unsavedInputBytes)
    os << "    input kept by no layer: "
       << formatWithSeparators(saved.unsavedInputBytes) << " B per sample\n";
}

static void explainPeak(const NetworkAnalysis &a, SizeUnit units,
                        llvm::raw_ostream &os) {
  const Graph &g = *a.graph;
  const InferencePeak &peak = a.peak;
  if (peak.layer >= g.layers.size())
    return;
  int64_t w = a.classic.activationBytesPerElement;
  os << "  inference peak by liveness: while '" << g.layers[peak.layer].name
     << "' runs, these tensors are live:\n";
  for (LayerId id : peak.live)
    os << "    " << describeTensor(g, id) << ": "
       << formatWithSeparators(*g.layers[id].type.getNumElements()) << " x "
       << w << " B\n";
  os << "    sum: " << inUnits(peak.bytes, units) << "\n";
}

/// The first stage's activations from the layers' (--tp, --pp, ...).
static void explainDistributed(const NetworkAnalysis &a,
                               llvm::raw_ostream &os) {
  const DistributedTraining &d = *a.distributed;
  os << "  saved for backward on one device of the first stage ("
     << describeParallelism(d.config) << "), per sample:\n";
  os << "    layers outside block calls: "
     << formatWithSeparators(d.outsideBytes) << " B\n";
  int64_t sum = 0;
  for (unsigned i = 0; i < d.stageLayers; ++i)
    sum += d.layers[i].getTotalBytes(); // parts of the checked stageBytes
  os << "    + " << d.stageLayers << " layer" << (d.stageLayers == 1 ? "" : "s")
     << " (block calls) of the stage: " << formatWithSeparators(sum)
     << " B = " << formatWithSeparators(d.stageBytes) << " B\n";
  if (d.microBatchesInFlight > 1)
    os << "    x " << d.microBatchesInFlight
       << " micro-batches in flight (1F1B) = "
       << formatWithSeparators(d.stageBytes * d.microBatchesInFlight)
       << " B\n";
  if (d.recomputedBytes)
    os << "    + the most one layer recomputes: "
       << formatWithSeparators(d.recomputedBytes) << " B = "
       << formatWithSeparators(d.perSampleBytes) << " B\n";
  os << "    (the listing below is what one device keeps without "
        "parallelism or recomputation)\n";
}

void emit::emitExplanation(const NetworkAnalysis &a,
                           const ReportOptions &options,
                           llvm::raw_ostream &os) {
  const MemoryEstimate &e = a.estimate;
  SizeUnit units = options.units;
  os << "\nhow the figures are derived (--explain)\n";
  os << "  training memory, batch " << a.getBatch() << " ("
     << describeMemoryModel(a) << "):\n";
  explainTerms(a, e.training, e.trainingTotal, units, os);
  if (a.getModel() == MemoryModel::Classic)
    explainClassicPerSample(a, units, os);
  os << "  as a batch:\n";
  os << "    fixed: " << formatWithSeparators(e.fixedBytes)
     << " B; per sample: " << formatWithSeparators(e.perSampleBytes)
     << " B; at batch " << a.getBatch() << ": "
     << formatWithSeparators(e.fixedBytes) << " + "
     << formatWithSeparators(e.perSampleBytes) << " x " << a.getBatch()
     << " = " << formatWithSeparators(e.trainingTotal) << " B\n";
  if (a.fit) {
    const BatchFit &fit = *a.fit;
    os << "  " << describeFit(a, options) << "\n";
    os << "    " << describeFitFormula(a) << "\n";
    if (fit.largestBatch > 0)
      os << "    check: " << formatWithSeparators(e.fixedBytes) << " + "
         << formatWithSeparators(e.perSampleBytes) << " x "
         << formatWithSeparators(fit.largestBatch) << " = "
         << formatWithSeparators(fit.largestBatchBytes) << " B fits; batch "
         << formatWithSeparators(fit.largestBatch + 1) << " needs "
         << (fit.nextBatchBytes ? formatWithSeparators(*fit.nextBatchBytes)
                                : std::string("over 2^63"))
         << " B\n";
  }
  os << "  inference memory, one sample:\n";
  explainTerms(a, e.inference, e.inferenceTotal, units, os);
  explainPeak(a, units, os);
  if (a.distributed)
    explainDistributed(a, os);
  if (a.getModel() == MemoryModel::PyTorch)
    explainSaved(a, units, os);
}
