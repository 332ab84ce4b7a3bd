//===- CsvEmitter.cpp - spreadsheet-friendly report -----------------------===//
//
// RFC 4180 CSV with one header. Every row names its network and its kind:
// `layer` rows (one per layer), a `total` row, and `training` and
// `inference` rows (one per memory term, then `total`) with the bytes. The
// last two columns, `macs` and `flops`, hold the layer, block and total
// rows' MACs and other FLOPs per sample (docs/macs.md).
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

using namespace netc;
using namespace netc::emit;

/// Writes a field, quoted when it holds a comma, quote or line end.
static void writeField(llvm::raw_ostream &os, llvm::StringRef field) {
  if (field.find_first_of(",\"\r\n") == llvm::StringRef::npos) {
    os << field;
    return;
  }
  os << '"';
  for (char c : field) {
    if (c == '"')
      os << '"';
    os << c;
  }
  os << '"';
}

/// One record. The fields may be temporaries of the caller's expression.
static void row(llvm::raw_ostream &os,
                std::initializer_list<llvm::StringRef> fields) {
  bool first = true;
  for (llvm::StringRef f : fields) {
    if (!first)
      os << ",";
    first = false;
    writeField(os, f);
  }
  os << "\r\n";
}

void netc::emitCsv(llvm::ArrayRef<NetworkAnalysis> analyses,
                   const ReportOptions &options, llvm::raw_ostream &os) {
  row(os, {"network", "kind", "name", "op", "output_shape", "dtype",
           "trainable_params", "frozen_params", "non_trainable_params",
           "activations",
           "storage", "saved_bytes", "formula", "bytes", "macs", "flops"});
  for (const NetworkAnalysis &a : analyses) {
    const Graph &g = *a.graph;
    std::string dtype = getDTypeName(a.dtype).str();
    forEachRow(a, options.depth, [&](const ReportRow &r) {
      row(os, {g.name, r.layer ? "layer" : "block", r.name.str(), r.op.str(),
               r.type.str(), getDTypeName(r.type.dtype).str(),
               std::to_string(r.trainable), std::to_string(r.frozen),
               std::to_string(r.buffers),
               std::to_string(r.activations),
               r.layer ? getStorageName(r.layer->storage).str() : "",
               std::to_string(r.savedBytes), "", "", std::to_string(r.macs),
               std::to_string(r.flops)});
    });
    row(os, {g.name, "total", "", "", "", dtype,
             std::to_string(a.counts.trainableParams),
             std::to_string(a.counts.frozenParams),
             std::to_string(a.counts.bufferParams),
             std::to_string(a.counts.activations), "",
             std::to_string(a.saved.bytes), "", "",
             std::to_string(a.totalCost.macs),
             std::to_string(a.totalCost.flops)});
    row(os, {g.name, "total_with_input", "", "", "", dtype, "", "", "",
             std::to_string(a.counts.activationsWithInput), "", "", "", "",
             "", ""});
    // A memory row: its kind, name, formula and bytes.
    auto figure = [&](const char *kind, const std::string &name,
                      const std::string &formula, int64_t bytes) {
      row(os, {g.name, kind, name, "", "", dtype, "", "", "", "", "", "",
               formula,
               std::to_string(bytes), "", ""});
    };
    auto terms = [&](const char *kind, const std::vector<MemoryTerm> &list,
                     int64_t total) {
      for (const MemoryTerm &t : list) {
        TermText text = describeTerm(a, t);
        figure(kind, text.id, text.formula, t.bytes);
      }
      figure(kind, "total", "", total);
    };
    const MemoryEstimate &e = a.estimate;
    terms("training", e.training, e.trainingTotal);
    figure("training_batch", "fixed", "", e.fixedBytes);
    figure("training_batch", "per_sample", "", e.perSampleBytes);
    if (a.fit) {
      figure("training_batch", "fit_budget", options.fitBudgetText,
             a.fit->budgetBytes);
      // The largest batch is a count, not bytes; it goes in the last column
      // all the same, so that one column holds every figure.
      figure("training_batch", "fit_largest_batch", "", a.fit->largestBatch);
      figure("training_batch", "fit_shortfall", "", a.fit->shortfallBytes);
    }
    if (a.distributed)
      for (const LayerActivations &l : a.distributed->layers)
        figure("layer_activations", g.scopes[l.scope].name,
               describeLayerGroup({"", "", "", 1, l}), l.getTotalBytes());
    terms("inference", e.inference, e.inferenceTotal);
    if (a.kvCache) {
      terms("kv_cache_inference", a.kvCacheTerms, a.kvCache->totalBytes);
      figure("kv_cache_inference", "context", "", a.kvCache->context);
      if (a.kvCache->largestBatch)
        figure("kv_cache_inference", "fit_largest_batch", "",
               *a.kvCache->largestBatch);
      if (a.kvCache->longestContext)
        figure("kv_cache_inference", "fit_longest_context", "",
               *a.kvCache->longestContext);
    }
    std::string peakAt =
        a.peak.layer < g.layers.size() ? g.layers[a.peak.layer].name : "";
    figure("inference_peak", peakAt, "", a.peak.bytes);
  }
}
