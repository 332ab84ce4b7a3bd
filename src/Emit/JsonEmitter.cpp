//===- JsonEmitter.cpp - machine-readable report --------------------------===//
//
// Writes through llvm::json::OStream so that key order is fixed and golden
// files stay put. The schema is documented in docs/output-formats.md; its
// version is JsonSchemaVersion.
//
//===----------------------------------------------------------------------===//
#include "ReportRows.h"

#include "llvm/Support/JSON.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace netc;
using namespace netc::emit;

/// Writes a double with the fewest digits that read back the same number
/// (0.77, not 0.77000000000000002).
static void writeNumber(llvm::json::OStream &j, double value) {
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {
    snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value)
      break;
  }
  j.rawValue([&](llvm::raw_ostream &os) { os << buffer; });
}

static void writeValue(llvm::json::OStream &j, const Value &v) {
  switch (v.getKind()) {
  case Value::Kind::Int:
    j.value(v.getInt());
    return;
  case Value::Kind::Float:
    writeNumber(j, v.getFloat());
    return;
  case Value::Kind::Bool:
    j.value(v.getBool());
    return;
  case Value::Kind::String:
    j.value(v.getString());
    return;
  case Value::Kind::Tuple:
    j.array([&] {
      for (const Value &e : v.getElements())
        writeValue(j, e);
    });
    return;
  default:
    j.value(nullptr);
    return;
  }
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
    // Strings as StringRefs: a json::Value made of a std::string copies it.
    j.attributeArray("layers", [&] {
      for (LayerId id = 0; id < g.layers.size(); ++id)
        j.object([&] {
          const Layer &layer = g.layers[id];
          j.attribute("name", llvm::StringRef(layer.name));
          j.attribute("op", llvm::StringRef(layer.op->name));
          j.attribute("family", getFamilyName(layer.op->family));
          j.attributeArray("inputs", [&] {
            for (LayerId in : layer.inputs)
              j.value(llvm::StringRef(g.layers[in].name));
          });
          writeShape(j, layer.type);
          j.attributeObject("attributes", [&] {
            for (const Attribute &a : layer.attributes) {
              j.attributeBegin(a.name);
              writeValue(j, a.value);
              j.attributeEnd();
            }
          });
          j.attribute("trainable_params", layer.params.trainable);
          j.attribute("non_trainable_params", layer.params.buffers);
          j.attribute("output_elements", *layer.type.getNumElements());
          j.attribute("activations", getActivationElements(layer));
          j.attribute("storage", getStorageName(layer.storage));
          j.attribute("saved_bytes", a.getSavedBytes(id));
          j.attribute("macs", a.layerCosts[id].macs);
          j.attribute("flops", a.layerCosts[id].flops);
        });
    });
    j.attributeObject("totals", [&] {
      j.attribute("trainable_params", a.counts.trainableParams);
      j.attribute("non_trainable_params", a.counts.bufferParams);
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
      // Both models' own figures, whichever is selected; every field is
      // always present (0 when a network has no buffers).
      j.attributeObject("classic", [&] {
        j.attribute("parameters_bytes", m.trainingParamBytes);
        j.attribute("weights_bytes", m.modelStates.weights);
        j.attribute("gradients_bytes", m.modelStates.gradients);
        j.attribute("optimizer_bytes", m.modelStates.optimizer);
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
