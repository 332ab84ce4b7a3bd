//===- OutputFiles.cpp - writing reports and fixed sources ----------------===//
#include "netc/Frontend/OutputFiles.h"

#include "netc/Basic/FixIts.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;

bool netc::writeOutputFile(llvm::StringRef path, llvm::StringRef text,
                           DiagnosticEngine &diags) {
  if (path.empty() || path == "-") {
    llvm::outs() << text;
    llvm::outs().flush();
    return true;
  }
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (!directory.empty() && !llvm::sys::fs::is_directory(directory)) {
    diags.report(llvm::SMLoc(), diag::err_file_write_no_directory, path,
                 directory);
    return false;
  }
  if (llvm::Error error =
          llvm::writeFileAtomically((path + ".tmp%%%%%%").str(), path, text)) {
    llvm::consumeError(std::move(error));
    diags.report(llvm::SMLoc(), diag::err_file_write, path);
    return false;
  }
  return true;
}

bool netc::writeFixedFiles(llvm::ArrayRef<FixIt> fixIts,
                           DiagnosticEngine &diags) {
  llvm::SourceMgr &sourceMgr = diags.getSourceMgr();
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    FixedBuffer fixed = applyFixIts(sourceMgr, id, fixIts);
    if (!fixed.applied)
      continue;
    std::string path =
        sourceMgr.getMemoryBuffer(id)->getBufferIdentifier().str();
    if (llvm::Error error = llvm::writeFileAtomically(path + ".tmp%%%%%%",
                                                      path, fixed.text)) {
      llvm::consumeError(std::move(error));
      diags.report(llvm::SMLoc(), diag::err_file_write_fixed, path);
      return false;
    }
    std::string skipped;
    if (fixed.skipped)
      skipped = "; " + std::to_string(fixed.skipped) + " overlapping one" +
                (fixed.skipped == 1 ? " was" : "s were") + " left out";
    diags.report(llvm::SMLoc(), diag::note_fixits_applied, fixed.applied,
                 fixed.applied == 1 ? "" : "s", path, skipped);
  }
  return true;
}
