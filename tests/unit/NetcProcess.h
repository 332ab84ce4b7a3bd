//===- NetcProcess.h - run netc as a process in a scratch directory -*- C++ -*-===//
//
// Shared by the tests of the driver: a fixture that gives each test a
// scratch directory (removed at its end), writes files into it and runs the
// netc binary with --color=never first, standard input empty or a file, standard
// output and error captured in files there, and optional additions to the
// environment; readFile reads a file's bytes, binary ones too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Optional.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include "gtest/gtest.h"

#include <fstream>
#include <string>
#include <vector>

extern char **environ;

namespace netc::testing {

/// What one run of netc printed and returned.
struct NetcRun {
  int status;
  std::string out;
  std::string err;
};

/// The bytes of the file at \p path; "" when it cannot be read.
inline std::string readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

/// A scratch directory, named after \p prefix, removed at the end of each
/// test, and netc run as a process in it.
class NetcProcessTest : public ::testing::Test {
protected:
  explicit NetcProcessTest(llvm::StringRef prefix = "netc")
      : prefix(prefix.str()) {}

  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string write(llvm::StringRef name, llvm::StringRef text) {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary) << text.str();
    return p;
  }
  /// Runs `netc --color=never ARGS...`; \p env adds NAME=VALUE entries to
  /// the environment; standard input is \p input (empty: /dev/null).
  NetcRun run(std::vector<std::string> args,
              std::vector<std::string> env = {}, std::string input = "") {
    std::string out = path("stdout.bin"), err = path("stderr.txt");
    // ExecuteAndWait's redirections do not truncate.
    llvm::sys::fs::remove(out);
    llvm::sys::fs::remove(err);
    std::vector<llvm::StringRef> argv{NETC_BINARY, "--color=never"};
    for (const std::string &a : args)
      argv.push_back(a);
    std::vector<llvm::StringRef> environment;
    if (!env.empty()) {
      for (char **e = environ; *e; ++e)
        environment.push_back(*e);
      for (const std::string &e : env)
        environment.push_back(e);
    }
    llvm::Optional<llvm::StringRef> redirects[] = {
        llvm::StringRef(input), llvm::StringRef(out), llvm::StringRef(err)};
    int status = llvm::sys::ExecuteAndWait(
        NETC_BINARY, argv,
        env.empty()
            ? llvm::None
            : llvm::Optional<llvm::ArrayRef<llvm::StringRef>>(environment),
        redirects, /*SecondsToWait=*/60);
    return {status, readFile(out), readFile(err)};
  }

  llvm::SmallString<128> dir;

private:
  std::string prefix;
};

} // namespace netc::testing
