//===- SourceFiles.cpp - loading source files -----------------------------===//
#include "netc/Basic/SourceFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace netc;

LoadedFile netc::loadSourceFile(llvm::SourceMgr &sourceMgr,
                                llvm::StringRef path, uint64_t maxBytes,
                                llvm::SMLoc includeLoc) {
  LoadedFile file;
  if (path != "-") {
    llvm::sys::fs::file_status status;
    if (std::error_code ec = llvm::sys::fs::status(path, status)) {
      file.reason = ec.message();
      return file;
    }
    if (llvm::sys::fs::is_directory(status)) {
      file.status = LoadedFile::Status::Directory;
      return file;
    }
    if (status.getSize() > maxBytes) {
      file.status = LoadedFile::Status::TooLarge;
      file.size = status.getSize();
      return file;
    }
  }
  // IsVolatile: read the bytes instead of mapping the file.
  auto buffer = path == "-" ? llvm::MemoryBuffer::getSTDIN()
                            : llvm::MemoryBuffer::getFile(
                                  path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/true,
                                  /*IsVolatile=*/true);
  if (std::error_code ec = buffer.getError()) {
    file.reason = ec.message();
    return file;
  }
  if ((*buffer)->getBufferSize() > maxBytes) {
    // Standard input, or a file that grew since its size was read.
    file.status = LoadedFile::Status::TooLarge;
    file.size = (*buffer)->getBufferSize();
    return file;
  }
  file.status = LoadedFile::Status::Loaded;
  file.bufferId = sourceMgr.AddNewSourceBuffer(std::move(*buffer), includeLoc);
  return file;
}
