//===- OnnxImport.h - translating an ONNX model into a .net file -*- C++ -*-===//
//
// `netc import FILE.onnx`: reads an ONNX ModelProto (with Debian's
// libonnx-dev and libprotobuf-dev) and writes an equivalent, readable .net
// network: one statement per ONNX node (or per recognised pattern, such as
// a decomposed layer norm or GELU), weights replaced by their shapes (the
// op's arguments), the batch axis of the ONNX tensors dropped.
// docs/import.md describes the mapping.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace netc {

/// Reads the ONNX model at \p path and returns its translation into a .net
/// source; nullopt after reporting why it could not: a file that cannot be
/// read or is not an ONNX model (\p fileProblem set), or a graph netc
/// cannot express (an op it has no translation for).
std::optional<std::string> importOnnxModel(llvm::StringRef path,
                                           DiagnosticEngine &diags,
                                           bool &fileProblem);

/// The ONNX op types importOnnxModel translates, comma-separated, for
/// messages and docs.
llvm::StringRef getSupportedOnnxOps();

} // namespace netc
