//===- OutputFiles.cpp - writing reports and fixed sources safely ---------===//
//
// Every file netc writes goes through writeFile, which never loses the
// user's data:
//   - a symbolic link is written through, to the file it names;
//   - a device, a FIFO or a terminal is written directly (never replaced);
//   - a regular file gets a temporary in its own folder, with the file's
//     mode and owner, renamed over it once it is whole, so a failure leaves
//     the old file as it was; a file with other hard links is rewritten in
//     place instead (after the temporary proved there is room), so that the
//     links stay one file;
//   - a read-only file, a folder, and for -o an input of the run, are
//     refused with the reason;
//   - the temporary is removed on SIGINT and SIGTERM.
//
//===----------------------------------------------------------------------===//
#include "netc/Frontend/OutputFiles.h"

#include "netc/Basic/FixIts.h"
#include "netc/Basic/SourceFiles.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace netc;

namespace {
/// Holds back the interrupt signals LLVM's handlers clean up after (as
/// llvm::sys::RemoveFileOnSignal's) while in scope; a signal that arrives
/// meanwhile is delivered when the scope ends.
class BlockedInterrupts {
public:
  BlockedInterrupts() {
    sigset_t interrupts;
    sigemptyset(&interrupts);
    for (int signal : {SIGHUP, SIGINT, SIGTERM, SIGQUIT, SIGUSR2})
      sigaddset(&interrupts, signal);
    blocked = ::sigprocmask(SIG_BLOCK, &interrupts, &previous) == 0;
  }
  ~BlockedInterrupts() {
    if (blocked)
      ::sigprocmask(SIG_SETMASK, &previous, nullptr);
  }
  BlockedInterrupts(const BlockedInterrupts &) = delete;
  BlockedInterrupts &operator=(const BlockedInterrupts &) = delete;

private:
  sigset_t previous;
  bool blocked;
};
} // namespace

namespace {

/// The system's reason for \p error, lowercased to read inside a message
/// ("no space left on device").
std::string describeErrno(int error) {
  std::string reason = std::strerror(error);
  if (!reason.empty())
    reason[0] = llvm::toLower(reason[0]);
  return reason;
}

/// Writes all of \p text to \p fd at \p offset (or at the current position
/// when \p offset is negative); false with errno set when it cannot.
bool writeAll(int fd, llvm::StringRef text, off_t offset = -1) {
  const char *data = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = offset < 0 ? ::write(fd, data, left)
                           : ::pwrite(fd, data, left, offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = ENOSPC;
      return false;
    }
    data += n;
    left -= n;
    if (offset >= 0)
      offset += n;
  }
  return true;
}

/// Rewrites the regular file \p path in place (keeping its inode, so its
/// hard links, owner and mode); false with errno set.
bool writeInPlace(const std::string &path, llvm::StringRef text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = writeAll(fd, text, 0) &&
            ::ftruncate(fd, static_cast<off_t>(text.size())) == 0 &&
            ::fsync(fd) == 0;
  int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok && errno == 0)
    errno = saved;
  return ok;
}

/// Writes a file's content to a descriptor from its current position;
/// false with errno set.
using ContentWriter = llvm::function_ref<bool(int fd)>;

/// A file written whole or not at all.
class SafeWriter {
public:
  SafeWriter(DiagnosticEngine &diags, diag::Kind failure)
      : diags(diags), failure(failure) {}

  /// Writes what \p content writes to \p path; false after reporting why
  /// it could not. \p inputs: files that must not be written (checked by
  /// identity).
  bool write(llvm::StringRef path,
             llvm::ArrayRef<llvm::sys::fs::UniqueID> inputs,
             ContentWriter content) {
    // Through a symbolic link, to the file it names.
    std::string target = path.str();
    struct stat st;
    if (::lstat(target.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
      char resolved[PATH_MAX];
      if (!::realpath(target.c_str(), resolved))
        return fail(path, "it is a symbolic link to '" + readLink(target) +
                              "', which " + describeErrno(errno));
      target = resolved;
    }
    if (::stat(target.c_str(), &st) != 0) {
      if (errno != ENOENT)
        return fail(path, describeErrno(errno));
      return writeNew(path, target, content);
    }
    if (S_ISDIR(st.st_mode))
      return fail(path, "it is a directory");
    if (!S_ISREG(st.st_mode))
      return writeDirectly(path, target, content);
    llvm::sys::fs::UniqueID id(st.st_dev, st.st_ino);
    for (const llvm::sys::fs::UniqueID &input : inputs)
      if (input == id) {
        diags.report(llvm::SMLoc(), diag::err_file_write_is_input, path);
        return false;
      }
    if ((st.st_mode & 0222) == 0) {
      diags.report(llvm::SMLoc(), diag::err_file_write_read_only, path);
      return false;
    }
    return replaceRegular(path, target, st, content);
  }

private:
  bool fail(llvm::StringRef path, const std::string &reason) {
    diags.report(llvm::SMLoc(), failure, path, reason);
    return false;
  }

  static std::string readLink(const std::string &path) {
    char buffer[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
    return n < 0 ? std::string("?") : std::string(buffer, n);
  }

  /// A device, a FIFO, a terminal: written as it is.
  bool writeDirectly(llvm::StringRef path, const std::string &target,
                     ContentWriter content) {
    int fd = ::open(target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
      return fail(path, describeErrno(errno));
    bool ok = content(fd);
    int error = errno;
    ::close(fd);
    return ok || fail(path, describeErrno(error));
  }

  /// A temporary in \p target's folder holding the content, closed; ""
  /// after reporting. It is removed if netc is interrupted before it is
  /// renamed.
  std::string writeTemporary(llvm::StringRef path, const std::string &target,
                             ContentWriter content, const struct stat *like) {
    llvm::SmallString<256> temp(llvm::sys::path::parent_path(target));
    if (temp.empty())
      temp = ".";
    llvm::sys::path::append(temp, ".netc-%%%%%%%%.tmp");
    int fd;
    std::string name;
    {
      // An interrupt between creating the temporary and registering it
      // would leave it behind (the hostile sweep hit that window): the
      // interrupts wait until it is registered, then remove it.
      BlockedInterrupts blocked;
      if (std::error_code ec =
              llvm::sys::fs::createUniqueFile(temp, fd, temp)) {
        fail(path, "cannot create a temporary file in its folder: " +
                       ec.message());
        return "";
      }
      name = std::string(temp);
      llvm::sys::RemoveFileOnSignal(name);
    }
    bool ok = content(fd) && ::fsync(fd) == 0;
    int error = errno;
    if (ok && like) {
      // The file's own mode and, where we may, its owner.
      ok = ::fchmod(fd, like->st_mode & 07777) == 0;
      error = errno;
      if (ok && (like->st_uid != ::geteuid() || like->st_gid != ::getegid()))
        chownFailed = ::fchown(fd, like->st_uid, like->st_gid) != 0;
    } else if (ok) {
      mode_t mask = ::umask(0);
      ::umask(mask);
      ok = ::fchmod(fd, 0666 & ~mask) == 0;
      error = errno;
    }
    if (::close(fd) != 0 && ok) {
      ok = false;
      error = errno;
    }
    if (!ok) {
      discard(name);
      fail(path, describeErrno(error));
      return "";
    }
    return name;
  }

  void discard(const std::string &temp) {
    ::unlink(temp.c_str());
    llvm::sys::DontRemoveFileOnSignal(temp);
  }

  bool renameOver(llvm::StringRef path, const std::string &temp,
                  const std::string &target) {
    if (::rename(temp.c_str(), target.c_str()) != 0) {
      int error = errno;
      discard(temp);
      return fail(path, describeErrno(error));
    }
    llvm::sys::DontRemoveFileOnSignal(temp);
    return true;
  }

  bool writeNew(llvm::StringRef path, const std::string &target,
                ContentWriter content) {
    std::string temp = writeTemporary(path, target, content, nullptr);
    return !temp.empty() && renameOver(path, temp, target);
  }

  bool replaceRegular(llvm::StringRef path, const std::string &target,
                      const struct stat &st, ContentWriter content) {
    std::string temp = writeTemporary(path, target, content, &st);
    if (temp.empty())
      return false;
    if (st.st_nlink <= 1 && !chownFailed)
      return renameOver(path, temp, target);
    // Hard links, or an owner we cannot give the temporary: the file is
    // rewritten in place. The temporary has proved the text is whole and
    // fits; it is read back, and removed to give its room back first.
    auto text = llvm::MemoryBuffer::getFile(temp, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false,
                                            /*IsVolatile=*/true);
    discard(temp);
    if (!text)
      return fail(path, "cannot read back its temporary: " +
                            text.getError().message());
    if (!writeInPlace(target, (*text)->getBuffer()))
      return fail(path, describeErrno(errno));
    return true;
  }

  DiagnosticEngine &diags;
  diag::Kind failure;
  bool chownFailed = false;
};

/// The identities of every file loaded into \p sourceMgr (the inputs and
/// their imports).
std::vector<llvm::sys::fs::UniqueID>
getSourceFiles(const llvm::SourceMgr &sourceMgr) {
  std::vector<llvm::sys::fs::UniqueID> ids;
  // Each file as it was when read (an import is named by the path the
  // user wrote but opened by its real path).
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id)
    if (const FileStamp *stamp =
            getLoadedFileStamp(*sourceMgr.getMemoryBuffer(id)))
      ids.emplace_back(stamp->device, stamp->inode);
  return ids;
}

} // namespace

/// Reports are written in pieces of this size: a megabyte of JSON costs
/// one system call, not 256.
constexpr size_t ReportBufferBytes = 1 << 20;

bool netc::writeOutputFile(llvm::StringRef path,
                           llvm::function_ref<void(llvm::raw_ostream &)> emit,
                           DiagnosticEngine &diags,
                           llvm::ArrayRef<std::string> otherInputs) {
  if (path.empty() || path == "-") {
    llvm::raw_fd_ostream &out = llvm::outs();
    out.SetBufferSize(ReportBufferBytes);
    emit(out);
    out.flush();
    if (!out.has_error())
      return true;
    std::string reason = describeErrno(out.error().value());
    out.clear_error();
    diags.report(llvm::SMLoc(), diag::err_file_write_stdout, reason);
    return false;
  }
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  if (!directory.empty() && !llvm::sys::fs::is_directory(directory)) {
    diags.report(llvm::SMLoc(), diag::err_file_write_no_directory, path,
                 directory);
    return false;
  }
  // The report is written as it is produced, straight into the file (or its
  // temporary), never held whole in memory.
  auto content = [&](int fd) {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/false);
    out.SetBufferSize(ReportBufferBytes);
    emit(out);
    out.flush();
    if (!out.has_error())
      return true;
    errno = out.error().value();
    out.clear_error();
    return false;
  };
  std::vector<llvm::sys::fs::UniqueID> inputs =
      getSourceFiles(diags.getSourceMgr());
  for (const std::string &input : otherInputs) {
    llvm::sys::fs::UniqueID id;
    if (!llvm::sys::fs::getUniqueID(input, id))
      inputs.push_back(id);
  }
  return SafeWriter(diags, diag::err_file_write).write(path, inputs, content);
}

bool netc::writeOutputFile(llvm::StringRef path, llvm::StringRef text,
                           DiagnosticEngine &diags,
                           llvm::ArrayRef<std::string> otherInputs) {
  return writeOutputFile(
      path, [&](llvm::raw_ostream &out) { out << text; }, diags, otherInputs);
}

bool netc::rewriteSourceFile(const llvm::MemoryBuffer &source,
                             llvm::StringRef text, diag::Kind failure,
                             DiagnosticEngine &diags) {
  std::string path = source.getBufferIdentifier().str();
  auto refuse = [&](const std::string &reason) {
    diags.report(llvm::SMLoc(), failure, path, reason);
    return false;
  };
  const FileStamp *stamp = getLoadedFileStamp(source);
  if (!stamp)
    return refuse("it is not a regular file");
  // A file saved, replaced or rewritten while netc ran is the user's
  // newer text: never replace it with a rewrite of the older one. The
  // stamp (device, inode, size, modification time) tells most changes;
  // comparing the text tells one made within the clock's resolution.
  std::optional<FileStamp> now = getFileStamp(path);
  if (!now)
    return refuse("it is no longer a regular file that can be read");
  if (*now != *stamp)
    return refuse("it changed while netc ran");
  auto current = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false,
                                             /*IsVolatile=*/true);
  if (!current)
    return refuse("it cannot be read again: " + current.getError().message());
  if ((*current)->getBuffer() != source.getBuffer())
    return refuse("it changed while netc ran");
  auto content = [&](int fd) { return writeAll(fd, text); };
  return SafeWriter(diags, failure).write(path, {}, content);
}

bool netc::writeFixedFiles(llvm::ArrayRef<FixIt> fixIts,
                           DiagnosticEngine &diags) {
  llvm::SourceMgr &sourceMgr = diags.getSourceMgr();
  // The buffers of each file, in load order: a file named on the command
  // line and imported by another is loaded twice, and its fixes are
  // applied together, once, in one write.
  std::vector<std::vector<unsigned>> files;
  std::map<std::pair<uint64_t, uint64_t>, size_t> fileIndex;
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    const FileStamp *stamp =
        getLoadedFileStamp(*sourceMgr.getMemoryBuffer(id));
    if (!stamp) {
      files.push_back({id});
      continue;
    }
    auto [it, added] =
        fileIndex.try_emplace({stamp->device, stamp->inode}, files.size());
    if (added)
      files.emplace_back();
    files[it->second].push_back(id);
  }

  for (const std::vector<unsigned> &copies : files) {
    const llvm::MemoryBuffer &source = *sourceMgr.getMemoryBuffer(copies[0]);
    std::string path = source.getBufferIdentifier().str();
    auto refuse = [&](const std::string &reason) {
      diags.report(llvm::SMLoc(), diag::err_file_write_fixed, path, reason);
      return false;
    };
    // Copies read at different times differ when the file changed between
    // the two reads: their fixes cannot be merged.
    for (unsigned id : copies)
      if (sourceMgr.getMemoryBuffer(id)->getBuffer() != source.getBuffer())
        return refuse("it changed while netc ran");
    FixedBuffer fixed = applyFixIts(sourceMgr, copies, fixIts);
    if (!fixed.applied)
      continue;
    if (!rewriteSourceFile(source, fixed.text, diag::err_file_write_fixed,
                           diags))
      return false;
    std::string skipped;
    if (fixed.skipped)
      skipped = "; " + std::to_string(fixed.skipped) + " overlapping one" +
                (fixed.skipped == 1 ? " was" : "s were") + " left out";
    diags.report(llvm::SMLoc(), diag::note_fixits_applied, fixed.applied,
                 fixed.applied == 1 ? "" : "s", path, skipped);
  }
  return true;
}
