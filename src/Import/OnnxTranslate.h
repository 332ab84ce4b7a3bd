//===- OnnxTranslate.h - ONNX graph to .net text (private) -------*- C++ -*-===//
//
// The translation half of `netc import`, private to src/Import: a parsed
// ModelProto in, the .net source out (OnnxTranslate.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace onnx {
class ModelProto;
}

namespace netc {

/// Translates \p model, read from \p path (for messages and the header
/// comment), into a .net source; nullopt after reporting the first node
/// that cannot be translated.
std::optional<std::string> translateOnnxGraph(const onnx::ModelProto &model,
                                              llvm::StringRef path,
                                              DiagnosticEngine &diags);

} // namespace netc
