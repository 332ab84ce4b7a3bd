//===- InputFilesTest.cpp - how netc reads inputs and imports -------------===//
//
// Through the netc binary, the rules of Basic/SourceFiles.h and of imports
// (docs/language.md#imports): the bytes actually read count against
// --max-file-size, so /dev/zero, a FIFO and standard input stop at the
// limit; imports are .net files under the project folder, resolved as the
// operating system resolves them (links, then `..`), with cycles found
// through links; sources are read, never mapped; --fixit applies a
// file's fixes once however often it was loaded, and refuses standard
// input; integers on the command line are decimal only. Run as root in CI.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "netc/Basic/SourceFiles.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

using netc::testing::NetcRun;
using netc::testing::readFile;

class InputFiles : public netc::testing::NetcProcessTest {
protected:
  InputFiles() : NetcProcessTest("netc-input-files") {}

  static bool contains(const std::string &text, llvm::StringRef part) {
    return llvm::StringRef(text).contains(part);
  }
};

const char *const Network = "network N {\n  input x: [4]\n"
                            "  output y = relu(x)\n}\n";

TEST_F(InputFiles, EndlessStreamsStopAtTheSizeLimit) {
  // Each would read until memory ran out.
  NetcRun r = run({"--max-file-size=1", "/dev/zero"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "netc: error: '/dev/zero' holds more than "
                              "1048576 bytes; the file size limit is 1048576 "
                              "bytes (1 MiB)"))
      << r.err;
  r = run({"--max-file-size=1", "-"}, {}, "/dev/zero");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "holds more than 1048576 bytes")) << r.err;
  r = run({"--max-file-size=1", "/dev/urandom"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "holds more than 1048576 bytes")) << r.err;

  // Standard input within the limit is read whole, and named <stdin>.
  write("in.net", "network N {\n  input x: [4]\n  output y = reul(x)\n}\n");
  r = run({"--emit=none", "-"}, {}, path("in.net"));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "<stdin>:3:14: error: unknown layer 'reul'"))
      << r.err;
}

TEST_F(InputFiles, ImportsOfDevicesAndLargeFilesUseTheSameLimit) {
  // A 2 MiB import under a 1 MiB limit: refused at the import, without
  // reading it.
  {
    std::ofstream big(path("big.net"));
    big << std::string(2 << 20, '\n');
  }
  std::string main = write("main.net", std::string("import \"big.net\"\n") +
                                           Network);
  NetcRun r = run({"--max-file-size=1", "--emit=none", main});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "error: cannot import 'big.net': it is 2097152 "
                              "bytes; the file size limit is 1048576 bytes"))
      << r.err;
}

TEST_F(InputFiles, ImportsStayUnderTheProjectFolder) {
  ASSERT_FALSE(llvm::sys::fs::create_directories(path("project/sub")));
  ASSERT_FALSE(llvm::sys::fs::create_directories(path("elsewhere")));
  write("project/.env", "SECRET=hunter2\n");
  write("elsewhere/lib.net", "block b(x) {\n  return relu(x)\n}\n");
  write("secret.txt", "SECRET=hunter2\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("../.env", path("project/sub/env.net")));
  auto importing = [&](llvm::StringRef file, llvm::StringRef imported) {
    return write(("project/" + file).str(),
                 ("import \"" + imported + "\"\n").str() + Network);
  };

  // Another extension: refused before anything is read, so nothing of the
  // file can be echoed.
  NetcRun r = run({"--emit=none", importing("a.net", "../secret.txt")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "a.net:1:8: error: cannot import "
                              "'../secret.txt': it is not a .net file, and "
                              "only .net sources can be imported"))
      << r.err;
  EXPECT_FALSE(contains(r.err, "hunter2"));
  r = run({"--emit=none", importing("b.net", ".env")});
  EXPECT_EQ(r.status, 1);
  EXPECT_FALSE(contains(r.err, "hunter2")) << r.err;
  EXPECT_TRUE(contains(r.err, "it is not a .net file")) << r.err;
  r = run({"--emit=none", importing("c.net", "/etc/passwd")});
  EXPECT_EQ(r.status, 1);
  EXPECT_FALSE(contains(r.err, "root:")) << r.err;

  // A .net name that links to another kind of file.
  r = run({"--emit=none", importing("d.net", "sub/env.net")});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "cannot import 'sub/env.net': the file it "
                              "links to, '"))
      << r.err;
  EXPECT_FALSE(contains(r.err, "hunter2"));

  // A .net file outside the project folder, unless --import-root admits it.
  std::string outside = importing("e.net", "../elsewhere/lib.net");
  r = run({"--emit=none", outside});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "cannot import '../elsewhere/lib.net': it is '"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "outside the project folder '")) << r.err;
  r = run({"--emit=none", "--import-root", std::string(dir), outside});
  EXPECT_EQ(r.status, 0) << r.err;
  r = run({"--emit=none", "--import-root", path("nowhere"), outside});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "--import-root '")) << r.err;
}

TEST_F(InputFiles, ImportPathsResolveAsTheSystemResolvesThem) {
  // link/.. is the folder that holds the link's target (real/), not the
  // folder that holds the link: the operating system reads real/../lib.net
  // ... which is a/lib.net here, where the text would say ./lib.net.
  ASSERT_FALSE(llvm::sys::fs::create_directories(path("a/real")));
  write("lib.net", "block b(x) {\n  return relu(x)\n}\n");
  write("a/lib.net", "block b(x) {\n  return sigmoid(x)\n}\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("a/real", path("link")));
  std::string main = write(
      "main.net", "import \"link/../lib.net\"\nnetwork N {\n  input x: [4]\n"
                  "  output y = b(x)\n}\n");
  NetcRun r = run({"--import-root", std::string(dir), main});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "sigmoid")) << r.out;

  // A folder linked to itself: a cycle, not a file defined forty times.
  ASSERT_FALSE(llvm::sys::fs::create_link(".", path("loop")));
  std::string self = write("self.net", std::string("import \"loop/self.net\"\n") +
                                           Network);
  r = run({"--emit=none", self});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "error: import cycle: 'loop/self.net' imports "
                              "itself"))
      << r.err;
  EXPECT_FALSE(contains(r.err, "defined twice")) << r.err;
  // One file reached by two spellings is loaded once.
  std::string twice = write(
      "twice.net", "import \"lib.net\"\nimport \"loop/loop/lib.net\"\n"
                   "network N {\n  input x: [4]\n  output y = b(x)\n}\n");
  r = run({"--emit=none", twice});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(InputFiles, SourcesAreReadNotMapped) {
  // Every input used to stay mapped until the end of the run: past the
  // system's map count (65,530 inputs) netc aborted, and a file that shrank
  // under its mapping killed it with SIGBUS. Loaded sources are copies.
  std::string big = write("big.net", std::string(Network) + "# " +
                                         std::string(1 << 20, '-') + "\n");
  llvm::SourceMgr sourceMgr;
  netc::LoadedFile file =
      netc::loadSourceFile(sourceMgr, big, netc::DefaultMaxFileBytes, {});
  ASSERT_TRUE(file.isLoaded());
  EXPECT_FALSE(contains(readFile("/proc/self/maps"), big));
  EXPECT_EQ(sourceMgr.getMemoryBuffer(file.bufferId)->getBufferSize(),
            readFile(big).size());
  // The buffer keeps what the file was (--fixit compares it before writing).
  const netc::FileStamp *stamp =
      netc::getLoadedFileStamp(*sourceMgr.getMemoryBuffer(file.bufferId));
  ASSERT_NE(stamp, nullptr);
  EXPECT_EQ(stamp->size, readFile(big).size());
  EXPECT_TRUE(*stamp == *netc::getFileStamp(big));
  // Shrinking the file on disk changes nothing in the run.
  ASSERT_FALSE(::truncate(big.c_str(), 10));
  EXPECT_EQ(sourceMgr.getMemoryBuffer(file.bufferId)->getBuffer().back(), '\n');
  EXPECT_TRUE(*stamp != *netc::getFileStamp(big));
}

TEST_F(InputFiles, FixItsOfAFileLoadedTwiceAreAppliedOnce) {
  // lib.net is an input and an import of main.net: each copy finds a
  // different mistake. Both fixes land, whatever the order.
  const char *lib = "block b(x) {\n  return reul(x)\n}\nnetwork L {\n"
                    "  input x: [4]\n  output y = sigmoyd(x)\n}\n";
  const char *fixed = "block b(x) {\n  return relu(x)\n}\nnetwork L {\n"
                      "  input x: [4]\n  output y = sigmoid(x)\n}\n";
  std::string main = write("main.net", "import \"lib.net\"\nnetwork M {\n"
                                       "  input x: [4]\n  output y = b(x)\n}\n");
  for (bool libFirst : {true, false}) {
    std::string libPath = write("lib.net", lib);
    NetcRun r = run(libFirst
                        ? std::vector<std::string>{"--fixit", "--emit=none",
                                                   libPath, main}
                        : std::vector<std::string>{"--fixit", "--emit=none",
                                                   main, libPath});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(readFile(libPath), fixed) << "lib.net first: " << libFirst;
    EXPECT_TRUE(contains(r.err, "netc: note: applied 2 fix-its to '")) << r.err;
    EXPECT_FALSE(contains(r.err, "cannot write")) << r.err;
  }
}

TEST_F(InputFiles, MissingParenthesisIsInsertedBeforeAComment) {
  std::string file = write("c.net", "network N {\n  input x: [4]\n"
                                    "  y = relu(x   # the activation\n"
                                    "  output z = y\n}\n");
  NetcRun r = run({"--emit=none", file});
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "c.net:3:13: error: expected ')'")) << r.err;
  r = run({"--fixit", "--emit=none", file});
  EXPECT_EQ(readFile(file), "network N {\n  input x: [4]\n"
                            "  y = relu(x)   # the activation\n"
                            "  output z = y\n}\n");
  // Fixed once, it checks; a second run changes nothing.
  r = run({"--fixit", "--emit=none", file});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(InputFiles, FixItOnStandardInputIsRefused) {
  write("in.net", "network N {\n  input x: [4]\n  output y = reul(x)\n}\n");
  NetcRun r = run({"--fixit", "-"}, {}, path("in.net"));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "--fixit rewrites the files it checks, and "
                              "standard input is not a file"))
      << r.err;
  EXPECT_FALSE(llvm::sys::fs::exists(path("<stdin>")));
  EXPECT_FALSE(llvm::sys::fs::exists("<stdin>"));
}

TEST_F(InputFiles, IntegersAreDecimalEverywhere) {
  std::string file = write("n.net", "network N(size=4) {\n"
                                    "  input x: [size]\n  output y = relu(x)\n}\n");
  // 010 is ten, as in a .net file and in -D; '_' groups digits.
  NetcRun r = run({"--batch", "010", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "batch 10")) << r.out;
  r = run({"--batch=1_000", file});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "batch 1000")) << r.out;
  r = run({"-D", "size=010", file});
  EXPECT_TRUE(contains(r.out, "input x: [10]")) << r.out;
  // Other bases, and text, are refused.
  for (const char *bad : {"0b11", "0x10", "0o7", "1e3", "+3", "3_", "", " 3"}) {
    r = run({std::string("--batch=") + bad, file});
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_TRUE(contains(r.err, "is not a decimal integer")) << bad << r.err;
  }
  r = run({"--depth=99999999999", file});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(contains(r.err, "is out of range")) << r.err;
  for (const char *bad : {"size=0x10", "size=0b11", "size=inf", "size=nan",
                          "size=1e"}) {
    r = run({"-D", bad, file});
    EXPECT_EQ(r.status, 2) << bad;
  }
  r = run({"--fit", "0x10GB", file});
  EXPECT_EQ(r.status, 2);
  r = run({"--fit", "1_000MB", file});
  EXPECT_EQ(r.status, 0) << r.err;
}

} // namespace
