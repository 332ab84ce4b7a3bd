//===- PyTorchNames.h - netc's names for PyTorch's spellings ----*- C++ -*-===//
//
// Users arrive from PyTorch and write its names: torch.nn's modules
// (Conv2d, Linear), torch's functions (cat, linear, view) and tensor
// methods (x.view(...)). One table maps them to netc's ops, for the
// checker's unknown-name hint and the parser's method-call hint.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace netc {

/// The netc op PyTorch spells \p name ("view" -> "reshape"), or nullopt
/// when \p name is no PyTorch spelling netc knows.
std::optional<llvm::StringRef> findPyTorchSpelling(llvm::StringRef name);

} // namespace netc
