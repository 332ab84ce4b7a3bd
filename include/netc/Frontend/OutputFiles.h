//===- OutputFiles.h - writing reports and fixed sources ---------*- C++ -*-===//
//
// The two ways netc writes files: the report (-o FILE, or standard output)
// and --fixit's rewritten sources. Each file is written whole or not at all
// (a temporary renamed over it); every failure is a diagnostic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace netc {

/// Writes \p text to \p path atomically, or to standard output when \p path
/// is empty or "-"; false after reporting why it could not.
bool writeOutputFile(llvm::StringRef path, llvm::StringRef text,
                     DiagnosticEngine &diags);

/// --fixit: rewrites every buffer of the engine's source manager that has
/// fix-its among \p fixIts (inputs and imported files), atomically, with a
/// note saying how many it applied; false after reporting a file that
/// cannot be written.
bool writeFixedFiles(llvm::ArrayRef<FixIt> fixIts, DiagnosticEngine &diags);

} // namespace netc
