//===- DotEmitter.cpp - Graphviz diagrams ---------------------------------===//
//
// Diagrams meant for papers and READMEs. After MLIR's ViewOpGraph: counter
// ids (never pointers) so the same input gives byte-identical output, one
// escaping helper, named style constants, nodes before edges.
//
// Each layer is a box filled with its family's colour, labelled with its
// name, its op in short (`conv2d 3x3/2, 64`), its output shape, its
// parameters and its MACs per sample; each edge carries the shape of the tensor it moves. Inputs
// have a bold border, outputs a double one. Each block call is a cluster (nested
// calls nest); with --depth N every call at depth N or deeper is one node
// with the block's summed figures. A legend lists the families drawn.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <charconv>
#include <functional>
#include <map>
#include <set>

using namespace netc;
using namespace netc::emit;

namespace {
constexpr const char *FontName = "Helvetica";
constexpr const char *EdgeColor = "#666666";
constexpr const char *ClusterColor = "#888888";
constexpr const char *ClusterFill = "#fafafa";
#define DIM_TEXT_COLOR "#555555"
constexpr const char *DimTextColor = DIM_TEXT_COLOR;
constexpr const char *BlockColor = "#e8e8f4";

/// The fill colour of a family, from a pastel palette that prints well in
/// greyscale too (each a different lightness).
const char *getFamilyColor(OpFamily family) {
  switch (family) {
  case OpFamily::Input:
    return "#ffffff";
  case OpFamily::Parameter:
    return "#ead1dc";
  case OpFamily::Convolution:
    return "#c9daf8";
  case OpFamily::Pooling:
    return "#d9d2e9";
  case OpFamily::Reduction:
    return "#d0e0e3";
  case OpFamily::Dense:
    return "#f9cb9c";
  case OpFamily::Normalization:
    return "#fff2cc";
  case OpFamily::Activation:
    return "#d9ead3";
  case OpFamily::Merge:
    return "#f4cccc";
  case OpFamily::Attention:
    return "#fce5cd";
  case OpFamily::Regularization:
  case OpFamily::Reshape:
  case OpFamily::Resize:
    return "#eeeeee";
  }
  return "#eeeeee";
}

/// The legend's name for a family; reshaping, resizing and dropout share
/// one colour and one entry.
llvm::StringRef getLegendName(OpFamily family) {
  switch (family) {
  case OpFamily::Regularization:
  case OpFamily::Reshape:
  case OpFamily::Resize:
    return "reshape, resize, dropout";
  case OpFamily::Normalization:
    return "normalisation";
  default:
    return getFamilyName(family);
  }
}
} // namespace

/// True when \p text holds a character HTML escapes.
static bool needsHtmlEscape(llvm::StringRef text) {
  return llvm::any_of(text, [](char c) {
    return c == '&' || c == '<' || c == '>' || c == '"';
  });
}

/// Appends \p text to \p out with HTML's special characters escaped.
static void appendHtml(std::string &out, llvm::StringRef text) {
  // Most names have none: one append.
  if (!needsHtmlEscape(text)) {
    out.append(text.data(), text.size());
    return;
  }
  for (char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
}

/// Writes \p value in decimal (raw_ostream's integer output is slower).
static void writeDecimal(llvm::raw_ostream &os, uint64_t value) {
  char digits[24];
  os.write(digits, std::to_chars(digits, digits + sizeof digits, value).ptr -
                       digits);
}

static std::string escapeHtml(llvm::StringRef text) {
  std::string out;
  appendHtml(out, text);
  return out;
}

/// Appends \p text to \p out escaped for a double-quoted DOT string.
static void appendQuoted(std::string &out, llvm::StringRef text) {
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
}

static std::string escapeQuoted(llvm::StringRef text) {
  std::string out;
  appendQuoted(out, text);
  return out;
}

/// A per-axis value as one number per axis (an integer repeats over \p rank
/// axes).
static llvm::SmallVector<int64_t, 4> getPerAxis(const Value &value,
                                                unsigned rank) {
  llvm::SmallVector<int64_t, 4> values;
  if (value.getKind() == Value::Kind::Int)
    values.assign(std::max(1u, rank), value.getInt());
  else if (value.getKind() == Value::Kind::Tuple)
    for (const Value &v : value.getElements())
      values.push_back(v.getKind() == Value::Kind::Int ? v.getInt() : 0);
  return values;
}

/// Appends a per-axis value as "3x3".
static void appendWindow(std::string &out, const Value &value, unsigned rank) {
  appendJoinedDims(out, getPerAxis(value, rank));
}

/// True when a per-axis value is 1 on every axis.
static bool isAllOnes(const Value &value) {
  for (int64_t v : getPerAxis(value, 1))
    if (v != 1)
      return false;
  return true;
}

/// Appends one key argument of \p layer as its op's summary shows it;
/// nothing when it is absent or, for IfNotDefault, the default.
static void appendSummaryArg(std::string &out, const Layer &layer,
                             const SummaryArg &arg) {
  const OpDef &op = *layer.op;
  const Attribute *a = layer.getAttribute(arg.name);
  if (!a)
    return;
  const ArgSpec *spec = op.findArg(arg.name);
  bool perAxis = spec && spec->type == ArgType::IntOrTuple;
  switch (arg.style) {
  case SummaryStyle::Value:
    out += a->value.str();
    return;
  case SummaryStyle::Window: {
    appendWindow(out, a->value, op.spatialRank);
    // A stride is one number when it is the same on every axis: 3x3/2.
    const Attribute *stride =
        arg.stride.empty() ? nullptr : layer.getAttribute(arg.stride);
    if (stride && !isAllOnes(stride->value)) {
      out += '/';
      appendWindow(out, stride->value,
                   stride->value.isInt() ? 1 : op.spatialRank);
    }
    return;
  }
  case SummaryStyle::Target:
    out += "to ";
    appendWindow(out, a->value, op.spatialRank);
    return;
  case SummaryStyle::IfNotDefault: {
    unsigned rank = op.spatialRank;
    bool isDefault =
        spec && (perAxis ? getPerAxis(a->value, rank) ==
                               getPerAxis(spec->defaultValue, rank)
                         : a->value.str() == spec->defaultValue.str());
    if (isDefault)
      return;
    out.append(arg.name.data(), arg.name.size());
    out += ' ';
    if (perAxis)
      appendWindow(out, a->value, rank);
    else
      out += a->value.str();
    return;
  }
  }
}

/// Appends the op in short, the way papers write it: "conv2d 3x3/2, 64",
/// "maxpool2d 3x3/2", "dense 1000", "dropout p=0.5": the op's summary
/// arguments (OpDef::summary), else the arguments written in the call
/// (inplace=false as "not in place"); a tied weight as "weight of tok".
static void appendOpShort(std::string &out, const Graph &graph,
                          const Layer &layer) {
  const OpDef &op = *layer.op;
  out += op.name;
  // Each part after a separator, " " before the first and ", " after; a
  // part that appends nothing takes its separator back.
  bool first = true;
  auto part = [&](auto appendPart) {
    size_t mark = out.size();
    out += first ? " " : ", ";
    size_t start = out.size();
    appendPart();
    if (out.size() == start)
      out.resize(mark);
    else
      first = false;
  };
  auto appendTie = [&] {
    if (const Attribute *tied = layer.getAttribute("weight");
        tied && tied->value.isWeight())
      part([&] {
        out += "weight of ";
        out += graph.layers[tied->value.getWeightOwner()].name;
      });
  };
  if (op.summary) {
    for (const SummaryArg &arg : *op.summary)
      part([&] { appendSummaryArg(out, layer, arg); });
    appendTie();
    return;
  }
  for (const Attribute &a : layer.attributes) {
    if (a.isDefault || a.name == "output" || a.value.isWeight())
      continue;
    part([&] {
      if (a.name != "inplace") {
        out += a.name.ref();
        out += '=';
        out += a.value.str();
      } else if (a.value.isBool() && !a.value.getBool()) {
        out += "not in place";
      }
    });
  }
  appendTie();
}

/// Appends "9,408 params" (+ buffers), or nothing for none.
static void appendParams(std::string &out, int64_t trainable,
                         int64_t buffers) {
  if (!trainable && !buffers)
    return;
  appendWithSeparators(out, trainable);
  out += " params";
  if (buffers) {
    out += " + ";
    appendWithSeparators(out, buffers);
    out += " buffers";
  }
}

/// Appends "118 M MACs" per sample, or nothing for none.
static void appendMacs(std::string &out, int64_t macs) {
  if (!macs)
    return;
  appendCountShort(out, macs);
  out += " MACs";
}

/// Appends "[64, 56, 56] · 36,928 params": a shape (with its element type
/// unless f32) and its parameters.
static void appendShapeAndParams(std::string &out, const TensorType &type,
                                 int64_t trainable, int64_t buffers) {
  type.appendTo(out);
  if (type.dtype != DType::F32) {
    out += ' ';
    out += getDTypeName(type.dtype);
  }
  if (trainable || buffers) {
    out += " \u00b7 ";
    appendParams(out, trainable, buffers);
  }
}

namespace {
/// Makes an HTML-like label in a reused string: a bold first line, then
/// dimmer lines. Each line is a row of a borderless table: with <br/> lines
/// Graphviz sets them so close that an underscore touches the line below.
class LabelBuilder {
public:
  /// Starts a label titled \p title.
  llvm::StringRef make(llvm::StringRef title,
                       llvm::ArrayRef<llvm::function_ref<void(std::string &)>>
                           lines) {
    static constexpr llvm::StringLiteral Open =
        "<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" "
        "cellpadding=\"1\"><tr><td><b>";
    static constexpr llvm::StringLiteral LineOpen =
        "<tr><td><font color=\"" DIM_TEXT_COLOR "\" point-size=\"9\">";
    label.clear();
    label.append(Open.data(), Open.size());
    appendHtml(label, title);
    label += "</b></td></tr>";
    // Each line is made in place, then escaped if it needs it (rarely),
    // or taken back with its opening if it is empty.
    for (llvm::function_ref<void(std::string &)> line : lines) {
      size_t mark = label.size();
      label.append(LineOpen.data(), LineOpen.size());
      size_t start = label.size();
      line(label);
      if (label.size() == start) {
        label.resize(mark);
        continue;
      }
      if (needsHtmlEscape(llvm::StringRef(label).drop_front(start))) {
        text.assign(label, start);
        label.resize(start);
        appendHtml(label, text);
      }
      label += "</font></td></tr>";
    }
    label += "</table>>";
    return label;
  }

private:
  std::string label;
  std::string text;
};
} // namespace

namespace {
/// Writes one network's digraph.
class DotWriter {
public:
  DotWriter(const NetworkAnalysis &analysis, const ReportOptions &options,
            llvm::raw_ostream &os)
      : g(*analysis.graph), analysis(analysis), options(options), os(os),
        layersOfScope(g.scopes.size()), childrenOfScope(g.scopes.size()),
        collapsedInto(g.layers.size(), -1) {}

  void write() {
    os << "digraph \"" << escapeQuoted(g.name) << "\" {\n";
    os << "  rankdir=" << getSpelling(getRankDirSpellings(), options.rankdir)
       << "; newrank=true; nodesep=0.25; ranksep=0.35;\n";
    os << "  fontname=\"" << FontName << "\"; labelloc=t; label="
       << labels.make(g.name, {[&](std::string &out) { appendTitle(out); }})
       << ";\n";
    os << "  node [shape=box, style=\"rounded,filled\", fontname=\""
       << FontName << "\", fontsize=10, margin=\"0.12,0.04\"];\n";
    os << "  edge [fontname=\"" << FontName << "\", fontsize=8, color=\""
       << EdgeColor << "\", fontcolor=\"" << DimTextColor
       << "\", arrowsize=0.6];\n";
    placeLayers();
    for (LayerId id : topLevel)
      writeLayer(id, 2);
    for (unsigned s : topScopes)
      writeScope(s, 2);
    writeEdges();
    writeLegend();
    os << "}\n";
  }

  /// The size of the diagram write() draws, without drawing it: the nodes
  /// and edges, and the rows each edge spans when every node is drawn on
  /// the row below the lowest node it reads (and a node that reads nothing,
  /// an input, on the row above the first node that reads it), as
  /// Graphviz's dot ranks them when nothing pulls them apart.
  DiagramSize measure() {
    findCollapsed();
    DiagramSize size;
    std::vector<bool> isNode(g.layers.size() + g.scopes.size(), false);
    for (LayerId id = 0; id < g.layers.size(); ++id)
      isNode[nodeOf(id)] = true;
    size.nodes = size_t(llvm::count(isNode, true));
    std::vector<std::pair<size_t, size_t>> edges;
    forEachEdge([&](size_t from, size_t to, LayerId) {
      edges.push_back({from, to});
    });
    size.edges = edges.size();
    std::vector<size_t> row(isNode.size(), 0);
    std::vector<bool> readsSomething(isNode.size(), false);
    for (const auto &[from, to] : edges) {
      row[to] = std::max(row[to], row[from] + 1);
      readsSomething[to] = true;
    }
    std::vector<size_t> firstReader(isNode.size(), SIZE_MAX);
    for (const auto &[from, to] : edges)
      if (!readsSomething[from])
        firstReader[from] = std::min(firstReader[from], row[to]);
    for (size_t node = 0; node < isNode.size(); ++node)
      if (firstReader[node] != SIZE_MAX)
        row[node] = firstReader[node] - 1;
    for (const auto &[from, to] : edges)
      size.edgeRows += row[to] - row[from];
    return size;
  }

private:
  /// "61,706 parameters · 0.42 M MACs per sample".
  void appendTitle(std::string &out) const {
    appendWithSeparators(out, analysis.counts.getParams());
    out += " parameters";
    if (int64_t macs = analysis.totalCost.macs) {
      out += " \u00b7 ";
      appendMacs(out, macs);
      out += " per sample";
    }
  }

  /// The label of layer \p id's node.
  llvm::StringRef makeLayerLabel(LayerId id) {
    const Layer &layer = g.layers[id];
    if (layer.op->family == OpFamily::Input)
      return labels.make(layer.name, {[&](std::string &out) {
                           out += "input ";
                           appendShapeAndParams(out, layer.type, 0, 0);
                         }});
    return labels.make(
        layer.name,
        {[&](std::string &out) { appendOpShort(out, g, layer); },
         [&](std::string &out) {
           appendShapeAndParams(out, layer.type, layer.params.getParams(),
                                layer.params.buffers);
         },
         [&](std::string &out) {
           appendMacs(out, analysis.layerCosts[id].macs);
         }});
  }

  /// Finds, per layer, the call collapsed by depth that absorbs it.
  void findCollapsed() {
    for (LayerId id = 0; id < g.layers.size(); ++id)
      collapsedInto[id] = findCollapsedScope(g, g.layers[id], options.depth);
  }

  /// Sorts layers into their scopes and finds the calls collapsed by depth.
  void placeLayers() {
    forEachRow(analysis, options.depth, [&](const ReportRow &row) {
      if (row.scope >= 0)
        collapsed.emplace(row.scope, row);
    });
    findCollapsed();
    for (LayerId id = 0; id < g.layers.size(); ++id) {
      if (collapsedInto[id] >= 0)
        continue;
      int scope = g.layers[id].scope;
      (scope < 0 ? topLevel : layersOfScope[scope]).push_back(id);
    }
    // Scopes with a layer somewhere below them (identity shortcuts have
    // none), not inside a collapsed call.
    std::vector<bool> hasLayers(g.scopes.size(), false);
    for (const Layer &layer : g.layers)
      for (int s = layer.scope; s >= 0 && !hasLayers[s]; s = g.scopes[s].parent)
        hasLayers[s] = true;
    for (unsigned s = 0; s < g.scopes.size(); ++s) {
      int parent = g.scopes[s].parent;
      if (!hasLayers[s] || isCollapsedBelow(parent))
        continue;
      (parent < 0 ? topScopes : childrenOfScope[parent]).push_back(s);
    }
  }

  /// True when scope \p s (or an enclosing one) is a collapsed call.
  bool isCollapsedBelow(int s) const {
    for (; s >= 0; s = g.scopes[s].parent)
      if (collapsed.count(s))
        return true;
    return false;
  }

  void writeLayer(LayerId id, unsigned indent) {
    const Layer &layer = g.layers[id];
    families.insert(layer.op->family);
    os.indent(indent) << 'n';
    writeDecimal(os, id);
    os << " [label="
                      << makeLayerLabel(id)
                      << ", fillcolor=\"" << getFamilyColor(layer.op->family)
                      << "\"";
    if (layer.op->family == OpFamily::Input)
      os << ", style=\"rounded,filled,bold\"";
    else if (g.isOutput(id))
      os << ", peripheries=2";
    os << "];\n";
  }

  void writeScope(unsigned s, unsigned indent) {
    const BlockScope &scope = g.scopes[s];
    if (auto call = collapsed.find(s); call != collapsed.end()) {
      const ReportRow &sum = call->second;
      LayerId out = sum.output;
      os.indent(indent) << "b" << s << " [label="
                        << labels.make(
                               scope.name,
                               {[&](std::string &out) {
                                  out += "block ";
                                  out += scope.block;
                                },
                                [&](std::string &out) {
                                  appendShapeAndParams(
                                      out, sum.type, sum.trainable + sum.frozen,
                                      sum.buffers);
                                },
                                [&](std::string &out) {
                                  appendMacs(out, sum.macs);
                                }})
                        << ", shape=box3d, style=filled, margin=\"0.12,0.1\", fillcolor=\""
                        << BlockColor << "\"";
      if (g.isOutput(out))
        os << ", peripheries=2";
      os << "];\n";
      drewBlocks = true;
      return;
    }
    os.indent(indent) << "subgraph cluster_" << s << " {\n";
    os.indent(indent + 2) << "label=<" << escapeHtml(scope.name)
                          << " <font color=\"" << DimTextColor << "\"><i>"
                          << escapeHtml(scope.block) << "</i></font>>;\n";
    os.indent(indent + 2) << "style=\"rounded,filled\"; color=\""
                          << ClusterColor << "\"; fillcolor=\"" << ClusterFill
                          << "\"; fontname=\"" << FontName
                          << "\"; fontsize=10; labeljust=l;\n";
    for (LayerId id : layersOfScope[s])
      writeLayer(id, indent + 2);
    for (unsigned child : childrenOfScope[s])
      writeScope(child, indent + 2);
    os.indent(indent) << "}\n";
  }

  /// The node that stands for layer \p id, as a number: the layer's id, or
  /// for a collapsed call the number of layers plus its scope.
  size_t nodeOf(LayerId id) const {
    int s = collapsedInto[id];
    return s < 0 ? size_t(id) : g.layers.size() + size_t(s);
  }

  /// Writes the DOT name of node \p node: n<layer> or b<scope>.
  void writeNodeName(size_t node) {
    if (node < g.layers.size())
      writeDecimal(os << 'n', node);
    else
      writeDecimal(os << 'b', node - g.layers.size());
  }

  /// Calls \p edge(from, to, tensor) for each edge drawn, once each (a
  /// layer or a collapsed call may read a tensor twice), in the order of
  /// the layers that read them: so every edge into a node comes before any
  /// edge out of it. A call's layers are consecutive, so all the edges into
  /// a node come in one run of layers, and an edge is new unless its source
  /// was last drawn into the same node.
  void forEachEdge(
      llvm::function_ref<void(size_t from, size_t to, LayerId tensor)> edge) {
    std::vector<size_t> lastDrawnTo(g.layers.size() + g.scopes.size(),
                                    SIZE_MAX);
    for (LayerId id = 0; id < g.layers.size(); ++id)
      for (LayerId in : g.layers[id].inputs) {
        size_t from = nodeOf(in), to = nodeOf(id);
        if (from == to || lastDrawnTo[from] == to)
          continue;
        lastDrawnTo[from] = to;
        edge(from, to, in);
      }
  }

  void writeEdges() {
    forEachEdge([&](size_t from, size_t to, LayerId tensor) {
      os << "  ";
      writeNodeName(from);
      os << " -> ";
      writeNodeName(to);
      edgeLabel.clear();
      appendJoinedDims(edgeLabel, g.layers[tensor].type.dims);
      os << " [label=\" " << edgeLabel << "\"];\n";
    });
  }

  /// One node listing the families drawn, in family order.
  void writeLegend() {
    std::vector<std::pair<std::string, const char *>> entries;
    std::set<std::string> seen;
    for (OpFamily f : families) {
      if (f == OpFamily::Input)
        continue;
      std::string name = getLegendName(f).str();
      if (seen.insert(name).second)
        entries.push_back({name, getFamilyColor(f)});
    }
    if (drewBlocks)
      entries.push_back({"block call (collapsed)", BlockColor});
    if (entries.empty())
      return;
    os << "  legend [shape=plaintext, style=\"\", label=<<table border=\"0\" "
          "cellborder=\"1\" cellspacing=\"2\" cellpadding=\"3\" color=\""
       << ClusterColor << "\">";
    for (const auto &[name, color] : entries)
      os << "<tr><td bgcolor=\"" << color << "\" width=\"14\"></td><td "
         << "border=\"0\" align=\"left\"><font point-size=\"9\">"
         << escapeHtml(name) << "</font></td></tr>";
    os << "</table>>];\n";
  }

  const Graph &g;
  const NetworkAnalysis &analysis;
  const ReportOptions &options;
  llvm::raw_ostream &os;
  std::vector<std::vector<LayerId>> layersOfScope;
  std::vector<std::vector<unsigned>> childrenOfScope;
  std::vector<LayerId> topLevel;
  std::vector<unsigned> topScopes;
  /// Per layer, the collapsed call it belongs to, or -1.
  std::vector<int> collapsedInto;
  /// Per collapsed call (by scope), its row: summed figures and output.
  std::map<int, ReportRow> collapsed;
  std::set<OpFamily> families;
  bool drewBlocks = false;
  LabelBuilder labels;
  /// An edge's label (digits and 'x': nothing to escape), reused.
  std::string edgeLabel;
};
} // namespace

DiagramSize netc::measureDiagram(const NetworkAnalysis &analysis,
                                 const ReportOptions &options) {
  return DotWriter(analysis, options, llvm::nulls()).measure();
}

void netc::emitDot(llvm::ArrayRef<NetworkAnalysis> analyses,
                   const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkAnalysis &a : analyses)
    DotWriter(a, options, os).write();
}
