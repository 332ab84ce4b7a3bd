//===- SourceFiles.h - the one loader of source files ------------*- C++ -*-===//
//
// Every .net file netc reads, an input named on the command line or a file
// it imports, is loaded here: checked to be a regular file within the size
// limit, read whole into memory (never mapped, so a file that changes or
// shrinks on disk while netc runs cannot pull the text from under it) and
// added to the SourceMgr that diagnostics point into.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <string>

namespace netc {

/// The default largest source file, 256 MiB (--max-file-size).
constexpr uint64_t DefaultMaxFileBytes = uint64_t(256) << 20;

/// A loaded file, or why it could not be loaded.
struct LoadedFile {
  enum class Status { Loaded, Unreadable, Directory, TooLarge };
  Status status = Status::Unreadable;
  /// The new buffer's id when Loaded.
  unsigned bufferId = 0;
  /// For Unreadable: the system's reason ("No such file or directory").
  std::string reason;
  /// For TooLarge: the file's size.
  uint64_t size = 0;

  bool isLoaded() const { return status == Status::Loaded; }
};

/// Loads \p path ("-" for standard input) into \p sourceMgr, naming the
/// buffer \p path, as included from \p includeLoc (invalid for an input);
/// refuses directories and files larger than \p maxBytes.
LoadedFile loadSourceFile(llvm::SourceMgr &sourceMgr, llvm::StringRef path,
                          uint64_t maxBytes, llvm::SMLoc includeLoc);

} // namespace netc
