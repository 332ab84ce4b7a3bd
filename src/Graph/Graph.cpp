//===- Graph.cpp - layer and graph helpers --------------------------------===//
#include "netc/Graph/Graph.h"

using namespace netc;

const Attribute *Layer::getAttribute(llvm::StringRef attrName) const {
  for (const Attribute &a : attributes)
    if (a.name == attrName)
      return &a;
  return nullptr;
}

bool Graph::isOutput(LayerId id) const {
  for (const NetworkOutput &o : outputs)
    if (o.layer == id)
      return true;
  return false;
}

DType netc::getDefaultMemoryDType(const Graph &graph) {
  if (graph.inputs.empty())
    return DType::F32;
  DType inputType = graph.layers[graph.inputs.front()].type.dtype;
  switch (inputType) {
  case DType::F16:
  case DType::BF16:
  case DType::F64:
    return inputType;
  default:
    return DType::F32;
  }
}
