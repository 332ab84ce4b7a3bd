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

/// Quotes a field when it holds a comma, quote or line end.
static std::string csvField(llvm::StringRef field) {
  if (field.find_first_of(",\"\r\n") == llvm::StringRef::npos)
    return field.str();
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

static void row(llvm::raw_ostream &os, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const std::string &f : fields) {
    if (!first)
      os << ",";
    first = false;
    os << csvField(f);
  }
  os << "\r\n";
}

void netc::emitCsv(llvm::ArrayRef<NetworkReport> reports,
                   const ReportOptions &options, llvm::raw_ostream &os) {
  row(os, {"network", "kind", "name", "op", "output_shape", "dtype",
           "trainable_params", "non_trainable_params", "activations",
           "storage", "saved_bytes", "formula", "bytes", "macs", "flops"});
  for (const NetworkReport &report : reports) {
    const Graph &g = *report.graph;
    const ClassicMemory &m = report.memory;
    OpCost cost = getTotalCost(report);
    for (const ReportRow &r : collectRows(report, options.depth))
      row(os, {g.name, r.layer ? "layer" : "block", r.name, r.op,
               r.type.str(), getDTypeName(r.type.dtype).str(),
               std::to_string(r.trainable), std::to_string(r.buffers),
               std::to_string(r.activations),
               r.layer ? getStorageName(r.layer->storage).str() : "",
               std::to_string(r.savedBytes), "", "", std::to_string(r.macs),
               std::to_string(r.flops)});
    row(os, {g.name, "total", "", "", "", getDTypeName(report.dtype).str(),
             std::to_string(m.inputs.trainableParams),
             std::to_string(m.inputs.bufferParams),
             std::to_string(m.inputs.activations), "",
             std::to_string(report.saved.bytes), "", "",
             std::to_string(cost.macs), std::to_string(cost.flops)});
    row(os, {g.name, "total_with_input", "", "", "",
             getDTypeName(report.dtype).str(), "", "",
             std::to_string(m.activationsWithInput), "", "", "", "", "", ""});
    auto terms = [&](const char *kind, const std::vector<MemoryTerm> &list,
                     int64_t total) {
      for (const MemoryTerm &t : list)
        row(os, {g.name, kind, t.id, "", "", getDTypeName(report.dtype).str(),
                 "", "", "", "", "", t.formula, std::to_string(t.bytes), "",
                 ""});
      row(os, {g.name, kind, "total", "", "",
               getDTypeName(report.dtype).str(), "", "", "", "", "", "",
               std::to_string(total), "", ""});
    };
    const MemoryEstimate &e = report.estimate;
    terms("training", e.training, e.trainingTotal);
    auto figure = [&](const char *name, const std::string &formula,
                      int64_t bytes) {
      row(os, {g.name, "training_batch", name, "", "",
               getDTypeName(report.dtype).str(), "", "", "", "", "", formula,
               std::to_string(bytes), "", ""});
    };
    figure("fixed", "", e.fixedBytes);
    figure("per_sample", "", e.perSampleBytes);
    if (options.fitBudgetBytes > 0) {
      BatchFit fit =
          fitBatch(e.fixedBytes, e.perSampleBytes, options.fitBudgetBytes);
      figure("fit_budget", options.fitBudgetText, options.fitBudgetBytes);
      // The largest batch is a count, not bytes; it goes in the last column
      // all the same, so that one column holds every figure.
      figure("fit_largest_batch", "", fit.largestBatch);
      figure("fit_shortfall", "", fit.shortfallBytes);
    }
    terms("inference", e.inference, e.inferenceTotal);
    std::string peakAt = report.peak.layer < g.layers.size()
                             ? g.layers[report.peak.layer].name
                             : "";
    row(os, {g.name, "inference_peak", peakAt, "", "",
             getDTypeName(report.dtype).str(), "", "", "", "", "", "",
             std::to_string(report.peak.bytes), "", ""});
  }
}
