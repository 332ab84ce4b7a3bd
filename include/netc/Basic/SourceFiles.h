//===- SourceFiles.h - the one loader of source files ------------*- C++ -*-===//
//
// Every .net file netc reads, an input named on the command line, standard
// input or a file it imports, is loaded here with the same limits and the
// same messages: folders are refused, the bytes actually read are counted
// against the size limit (so /dev/zero, a FIFO or standard input stop at
// the limit instead of filling memory), and the text is read whole into
// memory (never mapped, so a file that changes or shrinks on disk while
// netc runs cannot pull the text from under it, and 70,000 inputs use no
// mapping each). The buffer remembers the file's identity and stamp (device,
// inode, size, modification time) as it was read, for --fixit to notice a
// file that changed before writing it back.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <optional>
#include <string>

namespace netc {

/// The default largest source file, 256 MiB (--max-file-size).
constexpr uint64_t DefaultMaxFileBytes = uint64_t(256) << 20;

/// What a regular file was when it was read: a later stat that differs in
/// any field means the file was replaced or rewritten.
struct FileStamp {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t modifiedSeconds = 0;
  int64_t modifiedNanoseconds = 0;

  bool sameFile(const FileStamp &other) const {
    return device == other.device && inode == other.inode;
  }
  bool operator==(const FileStamp &other) const {
    return sameFile(other) && size == other.size &&
           modifiedSeconds == other.modifiedSeconds &&
           modifiedNanoseconds == other.modifiedNanoseconds;
  }
  bool operator!=(const FileStamp &other) const { return !(*this == other); }
};

/// The stamp of the regular file at \p path now, following symbolic links;
/// nullopt when it cannot be read or is not a regular file.
std::optional<FileStamp> getFileStamp(llvm::StringRef path);

/// The stamp a buffer loaded by loadSourceFile recorded, or nullptr for
/// standard input, a device or a FIFO, and for buffers made elsewhere.
const FileStamp *getLoadedFileStamp(const llvm::MemoryBuffer &buffer);

/// A loaded file, or why it could not be loaded.
struct LoadedFile {
  enum class Status { Loaded, Unreadable, Directory, TooLarge };
  Status status = Status::Unreadable;
  /// The new buffer's id when Loaded.
  unsigned bufferId = 0;
  /// For Unreadable: the system's reason ("No such file or directory").
  std::string reason;
  /// For TooLarge: the file's size when its size is known before reading;
  /// for a stream (standard input, a device, a FIFO) the bytes read before
  /// the limit stopped the reading, with sizeKnown false.
  uint64_t size = 0;
  bool sizeKnown = true;

  bool isLoaded() const { return status == Status::Loaded; }

  /// For TooLarge: "is N bytes", or "holds more than N bytes" for a stream.
  std::string describeSize() const;
  /// For TooLarge: describeSize() and the limit, the one wording inputs
  /// and imports share after the file's name or "it".
  std::string describeTooLarge(uint64_t maxBytes) const;
};

/// Loads \p path ("-" for standard input) into \p sourceMgr, naming the
/// buffer \p bufferName (by default \p path, "<stdin>" for standard input),
/// as included from \p includeLoc (invalid for an input); refuses folders
/// and files of more than \p maxBytes bytes.
LoadedFile loadSourceFile(llvm::SourceMgr &sourceMgr, llvm::StringRef path,
                          uint64_t maxBytes, llvm::SMLoc includeLoc,
                          llvm::StringRef bufferName = {});

} // namespace netc
