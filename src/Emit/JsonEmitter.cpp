//===- JsonEmitter.cpp - machine-readable report --------------------------===//
//
// Writes through llvm::json::OStream so that key order is fixed and golden
// files stay put; the layer objects, most of a report, through LayerWriter,
// which writes the same text faster. The schema is documented in docs/output-formats.md; its
// version is JsonSchemaVersion.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/JSON.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace netc;
using namespace netc::emit;

/// A double with the fewest digits that read back the same number (0.77,
/// not 0.77000000000000002).
static std::string formatShortest(double value) {
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {
    snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value)
      break;
  }
  return buffer;
}

static void writeNumber(llvm::json::OStream &j, double value) {
  std::string text = formatShortest(value);
  j.rawValue([&](llvm::raw_ostream &os) { os << text; });
}

namespace {
/// Writes the layer objects, the bulk of a report, in exactly the form
/// llvm::json::OStream pretty-prints (2-space indents), without its
/// per-key quoting and UTF-8 checks: the keys are fixed ASCII, and a
/// string is escaped only when it holds a character that needs it. Each
/// object is made in one reused string, then written at once; it sits at a
/// known depth of the document.
class LayerWriter {
public:
  /// Starts an object's text, its brace at depth \p indent.
  void reset(unsigned indent) {
    out.clear();
    first.clear();
    lineStart.assign(1, '\n');
    lineStart.append(indent, ' ');
  }
  llvm::StringRef getText() const { return out; }

  void objectBegin() { open('{'); }
  void objectEnd() { close('}'); }
  void arrayBegin() { open('['); }
  void arrayEnd() { close(']'); }
  /// A key of an object (fixed ASCII, never escaped).
  void key(llvm::StringLiteral name) {
    element();
    out += '"';
    out += name;
    out += "\": ";
  }
  /// The next element of an array.
  void element() {
    if (!first.back())
      out += ',';
    first.back() = false;
    out += lineStart;
  }
  /// A name of the graph (a layer's, an op's, a family's, an element
  /// type's): letters, digits, '_' and '.', never escaped.
  void name(llvm::StringRef text) {
    out += '"';
    out += text;
    out += '"';
  }
  void string(llvm::StringRef text) {
    if (!llvm::json::isUTF8(text)) {
      quote(llvm::json::fixUTF8(text));
      return;
    }
    quote(text);
  }
  void integer(int64_t value) {
    char buffer[24];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)error;
    out += llvm::StringRef(buffer, end - buffer);
  }
  void boolean(bool value) { out += value ? "true" : "false"; }
  void raw(llvm::StringRef text) { out += text; }

private:
  void open(char bracket) {
    out += bracket;
    first.push_back(true);
    lineStart.append(2, ' ');
  }
  void close(char bracket) {
    lineStart.pop_back_n(2);
    if (!first.back())
      out += lineStart;
    first.pop_back();
    out += bracket;
  }
  /// As llvm::json quotes: '"' and '\\' escaped, control characters as
  /// \t, \n, \r or \u00XX.
  void quote(llvm::StringRef text) {
    out += '"';
    bool plain = llvm::none_of(text, [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
    });
    if (plain) {
      out += text;
      out += '"';
      return;
    }
    for (unsigned char c : text) {
      if (c == '"' || c == '\\')
        out += '\\';
      if (c >= 0x20) {
        out += static_cast<char>(c);
        continue;
      }
      out += '\\';
      switch (c) {
      case '\t':
        out += 't';
        break;
      case '\n':
        out += 'n';
        break;
      case '\r':
        out += 'r';
        break;
      default: {
        char hex[8];
        snprintf(hex, sizeof hex, "u%04x", c);
        out += hex;
      }
      }
    }
    out += '"';
  }

  // SmallString's appends are inline (std::string's call into the
  // library): a fifth of the layers' time.
  llvm::SmallString<2048> out;
  llvm::SmallVector<bool, 8> first;
  /// A newline and the current depth's indent, which starts each element.
  llvm::SmallString<64> lineStart;
};
} // namespace

static void writeValue(LayerWriter &w, const Graph &g, const Value &v) {
  switch (v.getKind()) {
  case Value::Kind::Int:
    w.integer(v.getInt());
    return;
  case Value::Kind::Float:
    w.raw(formatShortest(v.getFloat()));
    return;
  case Value::Kind::Bool:
    w.boolean(v.getBool());
    return;
  case Value::Kind::String:
    w.string(v.getString());
    return;
  case Value::Kind::Tuple:
    w.arrayBegin();
    for (const Value &e : v.getElements()) {
      w.element();
      writeValue(w, g, e);
    }
    w.arrayEnd();
    return;
  case Value::Kind::Weight:
    // A tied weight: "tok.weight", the layer that owns it.
    w.string(g.layers[v.getWeightOwner()].name + ".weight");
    return;
  default:
    w.raw("null");
    return;
  }
}

/// One layer's object.
static void writeLayer(LayerWriter &w, const NetworkAnalysis &a, LayerId id,
                       SavedBytesCursor &saved) {
  const Graph &g = *a.graph;
  const Layer &layer = g.layers[id];
  w.objectBegin();
  w.key("name");
  w.name(layer.name);
  w.key("op");
  w.name(layer.op->name);
  w.key("family");
  w.name(getFamilyName(layer.op->family));
  w.key("inputs");
  w.arrayBegin();
  for (LayerId in : layer.inputs) {
    w.element();
    w.name(g.layers[in].name);
  }
  w.arrayEnd();
  w.key("shape");
  w.arrayBegin();
  for (int64_t d : layer.type.dims) {
    w.element();
    w.integer(d);
  }
  w.arrayEnd();
  w.key("dtype");
  w.name(getDTypeName(layer.type.dtype));
  w.key("attributes");
  w.objectBegin();
  for (const Attribute &attribute : layer.attributes) {
    w.element();
    w.name(attribute.name); // a registry name: never escaped
    w.raw(": ");
    writeValue(w, g, attribute.value);
  }
  w.objectEnd();
  w.key("trainable_params");
  w.integer(layer.params.trainable);
  if (layer.params.frozen) {
    w.key("frozen_params");
    w.integer(layer.params.frozen);
  }
  if (layer.params.idle) {
    w.key("active_params");
    w.integer(layer.params.getParams() - layer.params.idle);
  }
  w.key("non_trainable_params");
  w.integer(layer.params.buffers);
  w.key("output_elements");
  w.integer(*layer.type.getNumElements());
  w.key("activations");
  w.integer(getActivationElements(layer));
  w.key("storage");
  w.name(getStorageName(layer.storage));
  w.key("saved_bytes");
  w.integer(saved.get(id));
  w.key("macs");
  w.integer(a.layerCosts[id].macs);
  w.key("flops");
  w.integer(a.layerCosts[id].flops);
  w.objectEnd();
}

static void writeShape(llvm::json::OStream &j, const TensorType &type) {
  j.attributeArray("shape", [&] {
    for (int64_t d : type.dims)
      j.value(d);
  });
  j.attribute("dtype", getDTypeName(type.dtype));
}

static void writeTotal(llvm::json::OStream &j, int64_t total) {
  j.attribute("total_bytes", total);
  j.attributeBegin("total_mib");
  writeNumber(j, std::round(toMiB(total) * 100) / 100);
  j.attributeEnd();
}

static void writeTerms(llvm::json::OStream &j, const NetworkAnalysis &a,
                       const std::vector<MemoryTerm> &terms) {
  j.attributeArray("terms", [&] {
    for (const MemoryTerm &t : terms)
      j.object([&] {
        TermText text = describeTerm(a, t);
        j.attribute("id", text.id);
        j.attribute("formula", text.formula);
        j.attribute("bytes", t.bytes);
      });
  });
}

static void writeNetwork(llvm::json::OStream &j, const NetworkAnalysis &a) {
  const Graph &g = *a.graph;
  const ClassicMemory &m = a.classic;
  const MemoryEstimate &e = a.estimate;
  j.object([&] {
    j.attribute("name", g.name);
    j.attributeArray("inputs", [&] {
      for (LayerId id : g.inputs)
        j.object([&] {
          j.attribute("name", g.layers[id].name);
          writeShape(j, g.layers[id].type);
        });
    });
    j.attributeArray("outputs", [&] {
      for (const NetworkOutput &o : g.outputs)
        j.object([&] {
          j.attribute("name", o.name);
          j.attribute("layer", g.layers[o.layer].name);
          writeShape(j, g.layers[o.layer].type);
        });
    });
    // The layers, the bulk of the report, by LayerWriter: each at the
    // depth of an element of networks[].layers (8 spaces).
    j.attributeArray("layers", [&] {
      SavedBytesCursor saved(a);
      LayerWriter writer;
      for (LayerId id = 0; id < g.layers.size(); ++id) {
        writer.reset(8);
        writeLayer(writer, a, id, saved);
        j.rawValue(writer.getText());
      }
    });
    j.attributeObject("totals", [&] {
      j.attribute("trainable_params", a.counts.trainableParams);
      j.attribute("frozen_params", a.counts.frozenParams);
      j.attribute("non_trainable_params", a.counts.bufferParams);
      j.attribute("active_params", a.counts.getActiveParams());
      j.attribute("activations", a.counts.activations);
      j.attribute("input_elements", a.counts.inputElements);
      j.attribute("activations_with_input", a.counts.activationsWithInput);
      j.attribute("macs", a.totalCost.macs);
      j.attribute("flops", a.totalCost.flops);
    });
    j.attributeObject("memory", [&] {
      j.attribute("model", getMemoryModelName(e.model));
      j.attribute("batch", a.getBatch());
      j.attribute("dtype", getDTypeName(a.dtype));
      const ModelStateConfig &states = a.setup.states;
      j.attribute("bytes_per_element", states.bytesPerElement);
      j.attribute("activation_bytes_per_sample", m.activationBytesPerSample);
      j.attribute("optimizer", getOptimizerName(states.optimizer));
      j.attribute("precision", states.mixedPrecision ? "mixed" : "single");
      j.attribute("devices", states.devices);
      j.attribute("zero_stage", static_cast<int64_t>(states.zeroStage));
      if (states.weightFormat != WeightFormat::Element)
        j.attribute("weights", getWeightFormatName(states.weightFormat));
      j.attribute("fixed_bytes", e.fixedBytes);
      j.attribute("per_sample_bytes", e.perSampleBytes);
      if (a.fit)
        j.attributeObject("fit", [&] {
          j.attribute("budget_bytes", a.fit->budgetBytes);
          j.attribute("largest_batch", a.fit->largestBatch);
          j.attribute("shortfall_bytes", a.fit->shortfallBytes);
        });
      // The selected model's terms, in the order the table prints them.
      j.attributeObject("training", [&] {
        writeTerms(j, a, e.training);
        writeTotal(j, e.trainingTotal);
      });
      j.attributeObject("inference", [&] {
        writeTerms(j, a, e.inference);
        writeTotal(j, e.inferenceTotal);
      });
      if (a.distributed)
        j.attributeObject("parallelism", [&] {
          const DistributedTraining &d = *a.distributed;
          const ParallelismConfig &p = d.config;
          j.attribute("recompute",
                      getSpelling(getRecomputeSpellings(), p.recompute));
          j.attribute("tensor_parallel", p.tensorParallel);
          j.attribute("sequence_parallel", p.sequenceParallel);
          j.attribute("pipeline_parallel", p.pipelineParallel);
          j.attribute("micro_batches_in_flight", d.microBatchesInFlight);
          j.attribute("first_stage_layers", int64_t(d.stageLayers));
          j.attribute("first_stage_bytes_per_sample", d.stageBytes);
          j.attribute("outside_layers_bytes_per_sample", d.outsideBytes);
          j.attribute("recomputed_bytes_per_sample", d.recomputedBytes);
          j.attribute("device_trainable_params", d.trainableParams);
          j.attribute("device_non_trainable_params", d.bufferParams);
          j.attributeArray("layers", [&] {
            for (const LayerActivations &l : d.layers)
              j.object([&] {
                const BlockScope &scope = g.scopes[l.scope];
                j.attribute("name", scope.name);
                j.attribute("block", scope.block);
                j.attribute("kept_bytes", l.keptBytes);
                j.attribute("statistic_bytes", l.statisticBytes);
                j.attribute("recomputed_bytes", l.recomputedBytes);
              });
          });
        });
      if (a.kvCache)
        j.attributeObject("kv_cache", [&] {
          const KVCacheInference &kv = *a.kvCache;
          j.attribute("context", kv.context);
          j.attribute("attention_layers",
                      static_cast<int64_t>(kv.shape.attentionLayers));
          j.attribute("elements_per_token", kv.shape.elementsPerToken);
          j.attribute("cache_bytes", kv.cacheBytes);
          if (kv.largestBatch)
            j.attribute("fit_largest_batch", *kv.largestBatch);
          if (kv.longestContext)
            j.attribute("fit_longest_context", *kv.longestContext);
          writeTerms(j, a, a.kvCacheTerms);
          writeTotal(j, kv.totalBytes);
        });
      // Both models' own figures, whichever is selected; every field is
      // always present (0 when a network has no buffers).
      j.attributeObject("classic", [&] {
        j.attribute("parameters_bytes", m.trainingParamBytes);
        j.attribute("weights_bytes", m.modelStates.weights);
        j.attribute("gradients_bytes", m.modelStates.gradients);
        j.attribute("optimizer_bytes", m.modelStates.optimizer);
        j.attribute("frozen_weights_bytes",
                    m.modelStates.frozenWeights +
                        m.modelStates.quantized.weights +
                        m.modelStates.quantized.scales);
        j.attribute("buffers_bytes", m.trainingBufferBytes);
        j.attribute("activations_bytes", m.trainingActivationBytes);
        j.attribute("input_bytes", m.trainingInputBytes);
        j.attribute("training_bytes", m.trainingTotalBytes);
        j.attribute("inference_bytes", m.inferenceTotalBytes);
      });
      j.attributeObject("pytorch", [&] {
        const SavedForBackward &s = a.saved;
        j.attribute("saved_tensors", s.tensorCount);
        j.attribute("saved_tensor_bytes_per_sample", s.tensorBytes);
        j.attribute("saved_extra_bytes_per_sample", s.extraBytes);
        j.attribute("saved_bytes_per_sample", s.bytes);
        j.attribute("unsaved_input_bytes_per_sample", s.unsavedInputBytes);
      });
      j.attributeObject("inference_peak", [&] {
        const InferencePeak &p = a.peak;
        j.attribute("bytes", p.bytes);
        if (p.layer < g.layers.size())
          j.attribute("layer", g.layers[p.layer].name);
        else
          j.attribute("layer", nullptr);
        j.attributeArray("live", [&] {
          for (LayerId id : p.live)
            j.value(g.layers[id].name);
        });
      });
    });
  });
}

void netc::emitJson(llvm::ArrayRef<NetworkAnalysis> analyses,
                    const ReportOptions &options, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, /*IndentSize=*/2);
  j.object([&] {
    j.attribute("version", JsonSchemaVersion);
    j.attribute("tool", "netc");
    j.attributeArray("networks", [&] {
      for (const NetworkAnalysis &a : analyses)
        writeNetwork(j, a);
    });
  });
  os << "\n";
}
