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

using namespace netc;
using namespace netc::emit;

static void writeValue(llvm::json::OStream &j, const Value &v) {
  switch (v.getKind()) {
  case Value::Kind::Int:
    j.value(v.getInt());
    return;
  case Value::Kind::Float:
    j.value(v.getFloat());
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

static void writeTerms(llvm::json::OStream &j,
                       const std::vector<MemoryTerm> &terms, int64_t total) {
  for (const MemoryTerm &t : terms)
    j.attribute(t.id + "_bytes", t.bytes);
  j.attribute("total_bytes", total);
  j.attribute("total_mib", std::round(toMiB(total) * 100) / 100);
}

static void writeNetwork(llvm::json::OStream &j, const NetworkReport &report,
                         const ReportOptions &options) {
  const Graph &g = *report.graph;
  const ClassicMemory &m = report.memory;
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
    j.attributeArray("layers", [&] {
      for (const Layer &layer : g.layers)
        j.object([&] {
          j.attribute("name", layer.name);
          j.attribute("op", layer.op->name);
          j.attribute("family", getFamilyName(layer.op->family));
          j.attributeArray("inputs", [&] {
            for (LayerId in : layer.inputs)
              j.value(g.layers[in].name);
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
          j.attribute("storage", getStorageName(layer.op->storage));
        });
    });
    j.attributeObject("totals", [&] {
      j.attribute("trainable_params", m.inputs.trainableParams);
      j.attribute("non_trainable_params", m.inputs.bufferParams);
      j.attribute("activations", m.inputs.activations);
      j.attribute("input_elements", m.inputs.inputElements);
      j.attribute("activations_with_input", m.activationsWithInput);
    });
    j.attributeObject("memory", [&] {
      j.attribute("model", "classic");
      j.attribute("batch", m.inputs.batch);
      j.attribute("dtype", getDTypeName(report.dtype));
      j.attribute("bytes_per_element", m.inputs.bytesPerElement);
      j.attribute("activation_bytes_per_sample", m.activationBytesPerSample);
      j.attributeObject("training", [&] {
        writeTerms(j, getTrainingTerms(m), m.trainingTotalBytes);
      });
      j.attributeObject("inference", [&] {
        writeTerms(j, getInferenceTerms(m), m.inferenceTotalBytes);
      });
    });
  });
}

void netc::emitJson(llvm::ArrayRef<NetworkReport> reports,
                    const ReportOptions &options, llvm::raw_ostream &os) {
  llvm::json::OStream j(os, /*IndentSize=*/2);
  j.object([&] {
    j.attribute("version", JsonSchemaVersion);
    j.attribute("tool", "netc");
    j.attributeArray("networks", [&] {
      for (const NetworkReport &report : reports)
        writeNetwork(j, report, options);
    });
  });
  os << "\n";
}
