//===- TableEmitter.cpp - the default text report -------------------------===//
//
// One table per network, columns sized to their content in two passes (as
// llvm-size does; the layers' rows are made twice rather than kept): layer, op, output shape, parameters (and non-trainable
// buffers when there are any), activations and MACs by default, or the
// columns --columns chooses. Then the MACs and FLOPs per sample, and the
// classic memory recipe, each term with its formula, its bytes and MiB.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <functional>
#include <map>

using namespace netc;
using namespace netc::emit;

namespace {
enum class Align { Left, Right };

/// A table of strings printed with aligned columns.
class TextTable {
public:
  using Row = std::vector<std::string>;
  /// Rows made on demand, to print them, so that a network's layers are
  /// never all held as text; and their widths, measured beforehand without
  /// making the text (WidthSource maxes each column's width in place).
  using RowSource = std::function<void(llvm::function_ref<void(const Row &)>)>;
  using WidthSource = std::function<void(std::vector<size_t> &)>;

  explicit TextTable(std::vector<Align> aligns) : aligns(std::move(aligns)) {}
  void addRow(Row row) { rows.push_back(std::move(row)); }
  void addRule() { rows.push_back({}); }
  /// A line of text printed as is, outside the columns.
  void addHeading(std::string text) { headings[rows.size()] = std::move(text); rows.push_back({}); }
  void addRows(RowSource source, WidthSource widths) {
    sources[rows.size()] = {std::move(source), std::move(widths)};
    rows.push_back({});
  }

  void print(llvm::raw_ostream &os, unsigned indent) const {
    std::vector<size_t> widths(aligns.size(), 0);
    auto measure = [&](const Row &row) {
      for (size_t i = 0; i < row.size(); ++i)
        widths[i] = std::max(widths[i], row[i].size());
    };
    for (size_t r = 0; r < rows.size(); ++r) {
      auto source = sources.find(r);
      if (source != sources.end())
        source->second.second(widths);
      else
        measure(rows[r]);
    }
    std::string line;
    auto printRow = [&](const Row &row) {
      line.assign(indent, ' ');
      if (row.empty()) {
        for (size_t i = 0; i < widths.size(); ++i)
          line += std::string(widths[i], '-') + (i + 1 < widths.size() ? "  " : "");
      } else {
        for (size_t i = 0; i < row.size(); ++i) {
          size_t pad = widths[i] - row[i].size();
          if (aligns[i] == Align::Right)
            line.append(pad, ' ').append(row[i]);
          else if (i + 1 < row.size())
            line.append(row[i]).append(pad, ' ');
          else
            line.append(row[i]);
          if (i + 1 < row.size())
            line += "  ";
        }
      }
      while (!line.empty() && line.back() == ' ')
        line.pop_back();
      os << line << "\n";
    };
    for (size_t r = 0; r < rows.size(); ++r) {
      auto heading = headings.find(r);
      auto source = sources.find(r);
      if (heading != headings.end())
        os << heading->second << "\n";
      else if (source != sources.end())
        source->second.first(printRow);
      else
        printRow(rows[r]);
    }
  }

private:
  std::vector<Align> aligns;
  std::vector<Row> rows;
  std::map<size_t, std::string> headings;
  std::map<size_t, std::pair<RowSource, WidthSource>> sources;
};
} // namespace

static void addMemoryTerms(TextTable &t, const NetworkAnalysis &a,
                           const std::vector<MemoryTerm> &terms, int64_t total,
                           SizeUnit units) {
  // One unit per section, chosen by its total, so the column reads down.
  SizeUnit unit = resolveSizeUnit(units, total);
  for (const MemoryTerm &term : terms) {
    TermText text = describeTerm(a, term);
    t.addRow({text.label, text.formula,
              formatWithSeparators(term.bytes) + " B",
              formatSize(term.bytes, unit), text.note});
  }
  t.addRow({"total", "", formatWithSeparators(total) + " B",
            formatSize(total, unit), ""});
}

static void emitOne(const NetworkAnalysis &a, const ReportOptions &options,
                    llvm::raw_ostream &os) {
  const Graph &g = *a.graph;
  os << describeNetworkHeader(a) << "\n\n";

  std::vector<Column> columns = getColumns(a, options);
  std::vector<Align> aligns{Align::Left};
  std::vector<std::string> header{"layer"};
  for (Column c : columns) {
    aligns.push_back(isNumericColumn(c) ? Align::Right : Align::Left);
    header.push_back(getColumnHeading(c).str());
  }
  TextTable table(aligns);
  table.addRow(header);
  table.addRule();
  table.addRows(
      [&](llvm::function_ref<void(const TextTable::Row &)> take) {
        TextTable::Row row;
        forEachRow(a, options.depth, [&](const ReportRow &r) {
          row.assign(1, r.name.str());
          for (Column c : columns)
            row.push_back(describeCell(r, c));
          take(row);
        });
      },
      [&](std::vector<size_t> &widths) {
        forEachRow(a, options.depth, [&](const ReportRow &r) {
          widths[0] = std::max(widths[0], r.name.size());
          for (size_t i = 0; i < columns.size(); ++i)
            widths[i + 1] = std::max(widths[i + 1], getCellWidth(r, columns[i]));
        });
      });
  table.addRule();
  std::vector<std::string> total{"total"};
  std::vector<std::string> withInput{"total with the input"};
  bool anyWithInput = false;
  for (Column c : columns) {
    total.push_back(describeTotalCell(a, c));
    withInput.push_back(describeTotalWithInputCell(a, c));
    anyWithInput |= !withInput.back().empty();
  }
  table.addRow(total);
  if (anyWithInput)
    table.addRow(withInput);
  table.print(os, 0);

  if (a.counts.hasFrozen()) {
    // PEFT's print_trainable_parameters, then the buffers if any.
    os << "\n" << describeTrainableParameters(a) << "\n";
    if (a.counts.bufferParams)
      os << "non-trainable buffers: "
         << formatWithSeparators(a.counts.bufferParams) << "\n";
  } else {
    os << "\nparameters: " << formatWithSeparators(a.counts.trainableParams)
       << " trainable, " << formatWithSeparators(a.counts.bufferParams)
       << " non-trainable\n";
  }
  if (a.counts.idleParams)
    os << describeActiveParameters(a) << "\n";
  os << describeCompute(a) << "\n";
  TextTable memory({Align::Left, Align::Left, Align::Right, Align::Right,
                    Align::Left});
  memory.addHeading("");
  const MemoryEstimate &e = a.estimate;
  memory.addHeading("training memory, batch " + std::to_string(a.getBatch()) +
                    " (" + describeMemoryModel(a) + ")");
  addMemoryTerms(memory, a, e.training, e.trainingTotal, options.units);
  memory.addRow({"as a batch", formatWithSeparators(e.fixedBytes) + " B + " +
                                   formatWithSeparators(e.perSampleBytes) +
                                   " B x batch",
                 "", "", "fixed + per sample"});
  if (a.fit) {
    memory.addHeading("  " + describeFit(a, options));
    memory.addHeading("    " + describeFitFormula(a));
  }
  if (a.distributed && !a.distributed->layers.empty()) {
    memory.addHeading("");
    memory.addHeading("activations per layer, per sample on one device");
    SizeUnit unit = resolveSizeUnit(options.units, e.trainingTotal);
    for (const LayerGroup &group : groupLayers(a)) {
      int64_t bytes = group.figures.getTotalBytes();
      memory.addRow({group.count == 1 ? group.first
                                      : group.first + " ... " + group.last,
                     std::to_string(group.count) + " x " + group.block,
                     formatWithSeparators(bytes) + " B",
                     formatSize(bytes, unit), describeLayerGroup(group)});
    }
  }
  memory.addHeading("");
  memory.addHeading("inference memory, one sample");
  addMemoryTerms(memory, a, e.inference, e.inferenceTotal, options.units);
  if (a.getModel() == MemoryModel::Classic) {
    MemoryTerm peak = getPeakTerm(a);
    memory.addRow({"peak by liveness", describeTerm(a, peak).formula,
                   formatWithSeparators(peak.bytes) + " B",
                   formatSize(peak.bytes, resolveSizeUnit(options.units,
                                                          e.inferenceTotal)),
                   a.peak.layer < g.layers.size()
                       ? describeTerm(a, peak).note
                       : ""});
  }
  if (a.kvCache) {
    memory.addHeading("");
    memory.addHeading(describeKVCacheHeading(a));
    addMemoryTerms(memory, a, a.kvCacheTerms, a.kvCache->totalBytes,
                   options.units);
    if (a.fit)
      memory.addHeading("  " + describeKVCacheFit(a, options));
  }
  memory.print(os, 2);
  if (options.explain)
    emitExplanation(a, options, os);
}

void netc::emitTable(llvm::ArrayRef<NetworkAnalysis> analyses,
                     const ReportOptions &options, llvm::raw_ostream &os) {
  for (size_t i = 0; i < analyses.size(); ++i) {
    if (i)
      os << "\n";
    emitOne(analyses[i], options, os);
  }
}
