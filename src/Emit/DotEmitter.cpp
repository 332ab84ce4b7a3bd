//===- DotEmitter.cpp - Graphviz diagrams ---------------------------------===//
//
// After MLIR's ViewOpGraph: counter ids (never pointers) so output is
// deterministic, one escaping helper, named style constants, nodes before
// edges. Each layer is a node with an HTML-like label (name, op and its
// written attributes, output shape, parameters); each edge carries the shape
// of the tensor it moves. Inputs are ellipses, outputs have a double border,
// and each block call is a dashed cluster (nested calls nest).
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include <functional>

using namespace netc;
using namespace netc::emit;

namespace {
constexpr const char *FontName = "Helvetica";
constexpr const char *InputColor = "#d9ead3";
constexpr const char *LayerColor = "#f3f3f3";
constexpr const char *OutputColor = "#fce5cd";
constexpr const char *EdgeColor = "#555555";
constexpr const char *ClusterColor = "#999999";
} // namespace

/// Escapes text for an HTML-like Graphviz label.
static std::string escapeHtml(llvm::StringRef text) {
  std::string out;
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
  return out;
}

/// Escapes text for a double-quoted DOT string.
static std::string escapeQuoted(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

static std::string nodeLabel(const Graph &g, LayerId id) {
  const Layer &layer = g.layers[id];
  std::string opLine = layer.op->name;
  std::string attrs = describeAttributes(layer);
  if (!attrs.empty())
    opLine += "(" + attrs + ")";
  std::string label = "<<b>" + escapeHtml(layer.name) + "</b><br/>" +
                      escapeHtml(opLine) + "<br/>" +
                      escapeHtml(layer.type.str());
  if (layer.type.dtype != DType::F32)
    label += " " + escapeHtml(getDTypeName(layer.type.dtype));
  if (layer.params.trainable || layer.params.buffers) {
    label += "<br/>" + formatWithSeparators(layer.params.trainable) + " params";
    if (layer.params.buffers)
      label += " + " + formatWithSeparators(layer.params.buffers) + " buffers";
  }
  return label + ">";
}

static void emitOne(const NetworkReport &report, const ReportOptions &options,
                    llvm::raw_ostream &os) {
  const Graph &g = *report.graph;
  os << "digraph \"" << escapeQuoted(g.name) << "\" {\n";
  os << "  rankdir=" << options.rankdir << ";\n";
  os << "  node [shape=box, style=\"rounded,filled\", fontname=\"" << FontName
     << "\", fontsize=10, fillcolor=\"" << LayerColor << "\"];\n";
  os << "  edge [fontname=\"" << FontName << "\", fontsize=9, color=\""
     << EdgeColor << "\"];\n";
  // Nodes, each inside the cluster of its block call (clusters nest).
  std::vector<std::vector<LayerId>> layersOfScope(g.scopes.size());
  std::vector<std::vector<unsigned>> childrenOfScope(g.scopes.size());
  std::vector<LayerId> topLevel;
  std::vector<unsigned> topScopes;
  for (LayerId id = 0; id < g.layers.size(); ++id) {
    int scope = g.layers[id].scope;
    (scope < 0 ? topLevel : layersOfScope[scope]).push_back(id);
  }
  for (unsigned s = 0; s < g.scopes.size(); ++s)
    (g.scopes[s].parent < 0 ? topScopes : childrenOfScope[g.scopes[s].parent])
        .push_back(s);
  auto emitNode = [&](LayerId id, unsigned indent) {
    const Layer &layer = g.layers[id];
    os.indent(indent) << "n" << id << " [label=" << nodeLabel(g, id);
    if (layer.op->family == OpFamily::Input)
      os << ", shape=ellipse, fillcolor=\"" << InputColor << "\"";
    else if (g.isOutput(id))
      os << ", peripheries=2, fillcolor=\"" << OutputColor << "\"";
    os << "];\n";
  };
  std::function<void(unsigned, unsigned)> emitCluster = [&](unsigned s,
                                                           unsigned indent) {
    const BlockScope &scope = g.scopes[s];
    os.indent(indent) << "subgraph cluster_" << s << " {\n";
    os.indent(indent + 2) << "label=<" << escapeHtml(scope.name) << " <i>("
                          << escapeHtml(scope.block) << ")</i>>;\n";
    os.indent(indent + 2) << "style=\"rounded,dashed\"; color=\""
                          << ClusterColor << "\"; fontname=\"" << FontName
                          << "\"; fontsize=10;\n";
    for (LayerId id : layersOfScope[s])
      emitNode(id, indent + 2);
    for (unsigned child : childrenOfScope[s])
      emitCluster(child, indent + 2);
    os.indent(indent) << "}\n";
  };
  for (LayerId id : topLevel)
    emitNode(id, 2);
  for (unsigned s : topScopes)
    emitCluster(s, 2);
  for (LayerId id = 0; id < g.layers.size(); ++id)
    for (LayerId in : g.layers[id].inputs)
      os << "  n" << in << " -> n" << id << " [label=\""
         << escapeQuoted(g.layers[in].type.strCompact()) << "\"];\n";
  os << "}\n";
}

void netc::emitDot(llvm::ArrayRef<NetworkReport> reports,
                   const ReportOptions &options, llvm::raw_ostream &os) {
  for (const NetworkReport &report : reports)
    emitOne(report, options, os);
}
