//===- PyTorchRules.h - each op as PyTorch code -----------------*- C++ -*-===//
//
// Private to the Emit library: the generation rules of --emit=pytorch, one
// per op of the registry (PyTorchRules.cpp), and the helper functions and
// classes the generated file defines when a rule needs them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace netc::emit {

/// Code the generated file defines once, before the networks, when a layer
/// needs it.
enum class PyTorchHelper {
  NotAView,
  RMSNorm,
  Rope,
  Attention,
  SelfAttention,
  GroupedSelfAttention,
  Moe,
};

/// A layer in PyTorch.
struct PyTorchCode {
  /// The torch.nn module the layer owns, as a constructor call
  /// ("nn.Conv2d(3, 64, (7, 7), stride=(2, 2), ...)"); empty for a layer
  /// computed by a function.
  std::string module;
  /// The expression forward() computes the layer with: {m} stands for the
  /// module, {0}, {1}, ... for the tensor inputs in argument order, {*}
  /// for all of them separated by commas.
  std::string forward;
  std::vector<PyTorchHelper> helpers;
};

/// True when op \p op has a generation rule (every callable op must).
bool hasPyTorchRule(llvm::StringRef op);

/// The code of \p layer of \p graph; nullopt for an op without a rule
/// (inputs, params and buffers are the emitter's).
std::optional<PyTorchCode> getPyTorchCode(const Graph &graph,
                                          const Layer &layer);

/// The Python source of \p helper.
llvm::StringRef getPyTorchHelperSource(PyTorchHelper helper);

/// A netc value as a Python literal: 3, 0.5, True, "same", (3, 3).
std::string pythonValue(const Value &value);
/// The shortest decimal that reads back as \p value, always with a '.',
/// 'e' or 'inf'.
std::string pythonNumber(double value);

} // namespace netc::emit
