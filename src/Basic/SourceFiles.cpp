//===- SourceFiles.cpp - loading source files -----------------------------===//
#include "netc/Basic/SourceFiles.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace netc;

namespace {

/// The text of a loaded file, with the stamp of the file it was read from.
class SourceFileBuffer final : public llvm::MemoryBuffer {
public:
  SourceFileBuffer(std::string text, std::string name,
                   std::optional<FileStamp> stamp)
      : text(std::move(text)), name(std::move(name)), stamp(stamp) {
    // std::string keeps a '\0' after its last character, as SourceMgr's
    // lexers expect.
    init(this->text.data(), this->text.data() + this->text.size(),
         /*RequiresNullTerminator=*/true);
  }
  llvm::StringRef getBufferIdentifier() const override { return name; }
  BufferKind getBufferKind() const override { return MemoryBuffer_Malloc; }
  const FileStamp *getStamp() const { return stamp ? &*stamp : nullptr; }

private:
  std::string text;
  std::string name;
  std::optional<FileStamp> stamp;
};

FileStamp makeStamp(const struct stat &st) {
  FileStamp stamp;
  stamp.device = st.st_dev;
  stamp.inode = st.st_ino;
  stamp.size = st.st_size;
  stamp.modifiedSeconds = st.st_mtim.tv_sec;
  stamp.modifiedNanoseconds = st.st_mtim.tv_nsec;
  return stamp;
}

/// The system's reason for \p error, as LLVM's error_code messages read
/// ("No such file or directory").
std::string describeErrno(int error) {
  return std::error_code(error, std::generic_category()).message();
}

/// Closes a descriptor this loader opened when it goes out of scope.
struct ScopedDescriptor {
  int fd;
  bool owned;
  ~ScopedDescriptor() {
    if (owned && fd >= 0)
      ::close(fd);
  }
};

} // namespace

std::optional<FileStamp> netc::getFileStamp(llvm::StringRef path) {
  struct stat st;
  if (::stat(path.str().c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return makeStamp(st);
}

const FileStamp *netc::getLoadedFileStamp(const llvm::MemoryBuffer &buffer) {
  auto *loaded = dynamic_cast<const SourceFileBuffer *>(&buffer);
  return loaded ? loaded->getStamp() : nullptr;
}

std::string LoadedFile::describeSize() const {
  return sizeKnown ? "is " + std::to_string(size) + " bytes"
                   : "holds more than " + std::to_string(size - 1) + " bytes";
}

std::string LoadedFile::describeTooLarge(uint64_t maxBytes) const {
  return describeSize() + "; the file size limit is " +
         std::to_string(maxBytes) + " bytes (" +
         std::to_string(maxBytes >> 20) + " MiB); raise it with --max-file-size";
}

LoadedFile netc::loadSourceFile(llvm::SourceMgr &sourceMgr,
                                llvm::StringRef path, uint64_t maxBytes,
                                llvm::SMLoc includeLoc,
                                llvm::StringRef bufferName) {
  LoadedFile file;
  bool isStdin = path == "-";
  ScopedDescriptor input{isStdin ? STDIN_FILENO : -1, !isStdin};
  if (!isStdin) {
    do
      input.fd = ::open(path.str().c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (input.fd < 0 && errno == EINTR);
    if (input.fd < 0) {
      file.status = errno == EISDIR ? LoadedFile::Status::Directory
                                    : LoadedFile::Status::Unreadable;
      file.reason = describeErrno(errno);
      return file;
    }
  }
  struct stat st;
  if (::fstat(input.fd, &st) != 0) {
    file.reason = describeErrno(errno);
    return file;
  }
  if (S_ISDIR(st.st_mode)) {
    file.status = LoadedFile::Status::Directory;
    return file;
  }
  std::optional<FileStamp> stamp;
  if (S_ISREG(st.st_mode)) {
    stamp = makeStamp(st);
    if (uint64_t(st.st_size) > maxBytes) {
      file.status = LoadedFile::Status::TooLarge;
      file.size = st.st_size;
      return file;
    }
  }

  // Read until the end, or until one byte past the limit: a regular file
  // may have grown since fstat, and a stream has no size to check first.
  // Chunks are appended to a text reserved at the file's size, so the
  // buffer holds the file and no more.
  std::string text;
  if (stamp)
    text.reserve(size_t(stamp->size) + 1);
  std::vector<char> chunk(64 * 1024);
  for (;;) {
    uint64_t left = maxBytes - std::min<uint64_t>(text.size(), maxBytes);
    size_t want = left >= chunk.size() ? chunk.size() : size_t(left) + 1;
    ssize_t n = ::read(input.fd, chunk.data(), want);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      file.status = errno == EISDIR ? LoadedFile::Status::Directory
                                    : LoadedFile::Status::Unreadable;
      file.reason = describeErrno(errno);
      return file;
    }
    if (n == 0)
      break;
    text.append(chunk.data(), size_t(n));
    if (text.size() > maxBytes) {
      file.status = LoadedFile::Status::TooLarge;
      file.size = text.size();
      file.sizeKnown = false;
      return file;
    }
  }
  std::string name = !bufferName.empty() ? bufferName.str()
                     : isStdin         ? "<stdin>"
                                       : path.str();
  file.status = LoadedFile::Status::Loaded;
  file.bufferId = sourceMgr.AddNewSourceBuffer(
      std::make_unique<SourceFileBuffer>(std::move(text), std::move(name),
                                         stamp),
      includeLoc);
  return file;
}
