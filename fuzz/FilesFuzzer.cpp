//===- FilesFuzzer.cpp - libFuzzer target over files, links and imports ---===//
//
// The file-system harness: one input is a small project. Its lines
//
//   === NAME          start the file NAME (the lines up to the next === are
//                     its text)
//   === NAME -> DEST  make NAME a symbolic link to DEST
//
// are laid out in a scratch folder (rebuilt for every input; NAME and DEST
// are relative, of [a-z0-9._/-], and may climb out of the project with
// `..` into the scratch folder around it, never further). The first file is
// checked as an input named on the command line, with its imports loaded
// by the real loader, then --fixit writes its fixes back. Inputs that are
// not in this form are one file, main.net.
//
// Oracles besides the sanitizers:
//   - every file loaded but the input lies under the project folder (the
//     import rule of docs/language.md#import): a file of the scratch folder
//     around it, a link out of it, or a file that is not a .net source
//     never loads; the input itself may have any name (`=== .env`), as a
//     file named on the command line may;
//   - --fixit leaves no temporary behind, and every link stays a link.
//
// Deterministic: the scratch folder is the same for every input of one
// process and nothing else of the machine is read. fuzz/README.md
// describes it; tools/fuzz.sh runs it after the main target.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/FixIts.h"
#include "netc/Basic/SourceFiles.h"
#include "netc/Frontend/Frontend.h"
#include "netc/Frontend/OutputFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

using namespace netc;

namespace {

/// The scratch folder of this process, and the project inside it.
const std::string &getScratch() {
  static const std::string scratch = [] {
    llvm::SmallString<128> dir;
    if (llvm::sys::fs::createUniqueDirectory("netc-fuzz-files", dir))
      abort();
    llvm::SmallString<128> real;
    if (llvm::sys::fs::real_path(dir, real))
      abort();
    return std::string(real);
  }();
  return scratch;
}

std::string getProject() { return getScratch() + "/project"; }

[[noreturn]] void oracleFailure(const char *what, llvm::StringRef detail) {
  fprintf(stderr, "netc-fuzz-files: %s: %.*s\n", what,
          static_cast<int>(std::min<size_t>(detail.size(), 2000)),
          detail.data());
  abort();
}

/// A relative path of [a-z0-9._/-], at most 60 bytes, that stays inside
/// the scratch folder when resolved from the project (one `..` at most
/// above it), and has no part named as netc's temporaries (`.netc-*`,
/// which the oracle reports as left behind); "" otherwise.
std::string sanitizePath(llvm::StringRef path) {
  path = path.trim();
  if (path.empty() || path.size() > 60 || path.startswith("/"))
    return "";
  for (char c : path)
    if (!(llvm::isAlnum(c) || c == '.' || c == '_' || c == '/' || c == '-'))
      return "";
  int depth = 0;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  path.split(parts, '/');
  for (llvm::StringRef part : parts) {
    if (part.startswith(".netc-"))
      return "";
    if (part == "..")
      --depth;
    else if (!part.empty() && part != ".")
      ++depth;
    if (depth < -1)
      return "";
  }
  return path.str();
}

struct Entry {
  std::string name;
  std::string text;
  std::string linkTarget; // non-empty: a symbolic link
  bool linked = false;    // layOut made the link (a name such as `.`, or
                          // one taken by an earlier entry, makes none)
};

std::vector<Entry> splitProject(llvm::StringRef input) {
  std::vector<Entry> entries;
  if (!input.startswith("=== ")) {
    entries.push_back({"main.net", input.str(), ""});
    return entries;
  }
  while (!input.empty() && entries.size() < 8) {
    auto [line, rest] = input.split('\n');
    input = rest;
    if (line.consume_front("=== ")) {
      auto [name, target] = line.split(" -> ");
      Entry e;
      e.name = sanitizePath(name);
      if (line.contains(" -> "))
        e.linkTarget = sanitizePath(target);
      if (!e.name.empty() && (!line.contains(" -> ") || !e.linkTarget.empty()))
        entries.push_back(std::move(e));
      else
        entries.push_back({"", "", ""}); // ignored, but takes the text
      continue;
    }
    if (!entries.empty())
      entries.back().text += (line + "\n").str();
  }
  return entries;
}

/// Lays out \p entries in a fresh project folder; returns the first file's
/// path, or "" when there is none.
std::string layOut(std::vector<Entry> &entries) {
  llvm::sys::fs::remove_directories(getScratch());
  llvm::sys::fs::create_directories(getProject());
  std::string first;
  for (Entry &e : entries) {
    if (e.name.empty())
      continue;
    std::string path = getProject() + "/" + e.name;
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    if (!e.linkTarget.empty()) {
      e.linked = ::symlink(e.linkTarget.c_str(), path.c_str()) == 0;
      continue;
    }
    if (FILE *f = fopen(path.c_str(), "wb")) {
      fwrite(e.text.data(), 1, e.text.size(), f);
      fclose(f);
      if (first.empty())
        first = path;
    }
  }
  return first;
}

/// The oracles after the run. Buffer 1 is \p main, named on the command
/// line: the user chose it, so it may have any name (docs/language.md
/// restricts imports, not inputs).
void checkProject(const llvm::SourceMgr &sourceMgr, llvm::StringRef main) {
  std::string project = getProject() + "/";
  for (unsigned id = 1; id <= sourceMgr.getNumBuffers(); ++id) {
    llvm::StringRef name = sourceMgr.getMemoryBuffer(id)->getBufferIdentifier();
    if (id == 1 && name == main)
      continue;
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(name, real))
      continue; // removed by the run? Only fixes write, and only files.
    if (!llvm::StringRef(real).startswith(project) ||
        !llvm::StringRef(real).endswith(".net"))
      oracleFailure("a file outside the project, or not a .net file, was "
                    "loaded",
                    real);
  }
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(getScratch(), ec,
                                                      /*follow=*/false),
       end;
       it != end && !ec; it.increment(ec))
    if (llvm::sys::path::filename(it->path()).startswith(".netc-"))
      oracleFailure("a temporary was left behind", it->path());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  getScratch(); // created once, then removed at exit
  std::atexit([] { llvm::sys::fs::remove_directories(getScratch()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef input(reinterpret_cast<const char *>(data), size);
  std::vector<Entry> entries = splitProject(input);
  std::string main = layOut(entries);
  if (main.empty())
    return 0;

  llvm::SourceMgr sourceMgr;
  std::string text;
  llvm::raw_string_ostream os(text);
  TextDiagnosticPrinter printer(sourceMgr, os, /*showColors=*/false);
  FixItCollector fixIts(printer);
  DiagnosticEngine diags(sourceMgr, fixIts);

  FrontendOptions options;
  options.check.maxLayers = 2'000;
  options.check.maxSteps = 200'000;
  options.check.maxFileBytes = 1 << 20;
  FrontendResult result;
  runFrontend({main}, options, diags, result, nullptr);
  writeFixedFiles(fixIts.getFixIts(), diags);
  checkProject(sourceMgr, main);
  // Links stay links after --fixit.
  for (const Entry &e : entries) {
    if (!e.linked)
      continue;
    struct stat st;
    std::string path = getProject() + "/" + e.name;
    if (::lstat(path.c_str(), &st) == 0 && !S_ISLNK(st.st_mode))
      oracleFailure("a symbolic link was replaced", path);
  }
  return 0;
}
