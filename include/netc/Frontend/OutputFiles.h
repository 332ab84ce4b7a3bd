//===- OutputFiles.h - writing reports and fixed sources ---------*- C++ -*-===//
//
// The two ways netc writes files: the report (-o FILE, or standard output)
// and --fixit's rewritten sources. Nothing of the user's is lost: links are
// written through, devices and FIFOs written directly, a regular file
// replaced whole (or not at all) keeping its mode, owner and hard links;
// read-only files, and for -o the files the run reads, are refused; a
// source changed while netc ran is not fixed. Every failure is a
// diagnostic.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/MemoryBuffer.h"

namespace netc {

/// Writes what \p emit writes to \p path, or to standard output when
/// \p path is empty or "-", as it is written (no copy of the whole output
/// is kept); false after reporting why it could not (a file the run read,
/// a read-only file, a folder, a full disk, a closed pipe ...).
/// \p otherInputs: files the run read outside the source manager (netc
/// import's model), refused as the sources are.
bool writeOutputFile(llvm::StringRef path,
                     llvm::function_ref<void(llvm::raw_ostream &)> emit,
                     DiagnosticEngine &diags,
                     llvm::ArrayRef<std::string> otherInputs = {});
/// writeOutputFile for a text already made.
bool writeOutputFile(llvm::StringRef path, llvm::StringRef text,
                     DiagnosticEngine &diags,
                     llvm::ArrayRef<std::string> otherInputs = {});

/// Replaces the file \p source was loaded from (loadSourceFile) with
/// \p text, as writeOutputFile writes a regular file (whole or not at all,
/// keeping its mode, owner and links); false after reporting \p failure
/// ("cannot write ... '{0}': {1}") when it is not a regular file or
/// changed on disk since it was read. --fixit and netc fmt -i.
bool rewriteSourceFile(const llvm::MemoryBuffer &source, llvm::StringRef text,
                       diag::Kind failure, DiagnosticEngine &diags);

/// --fixit: rewrites every buffer of the engine's source manager that has
/// fix-its among \p fixIts (inputs and imported files), each as
/// writeOutputFile writes, with a note saying how many it applied; false
/// after reporting a file that cannot be written or that changed on disk
/// since it was read.
bool writeFixedFiles(llvm::ArrayRef<FixIt> fixIts, DiagnosticEngine &diags);

} // namespace netc
