//===- Suggest.h - "did you mean ...?" ---------------------------*- C++ -*-===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace netc {

/// The candidate closest to \p word by edit distance, if it is close enough
/// to be a likely typo (a case-only difference always is).
std::optional<std::string> findClosest(llvm::StringRef word,
                                       llvm::ArrayRef<std::string> candidates);

} // namespace netc
