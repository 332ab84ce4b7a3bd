//===- OutputFilesTest.cpp - writing reports and fixed sources ------------===//
//
// writeOutputFile and writeFixedFiles (Frontend/OutputFiles.h): each reports
// a file it cannot write as a diagnostic without a location, and leaves
// nothing half written. Through the netc binary: -o never replaces an input
// or import, a symbolic link, a device or a FIFO, nor changes a file's
// mode or splits its hard links; read-only files are refused; full
// standard streams end in an exit status, not an abort. Run as root in CI,
// as these were found.
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"
#include "NetcProcess.h"

#include "netc/Basic/SourceFiles.h"
#include "netc/Frontend/OutputFiles.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using namespace netc;

static bool startsWith(const std::string &s, llvm::StringRef prefix) {
  return llvm::StringRef(s).startswith(prefix);
}

namespace {

/// Runs writeFixedFiles on \p text, written to \p path and loaded as netc
/// loads a source, with one fix-it (reul -> relu), after \p meanwhile has
/// done what a user might do to the file while netc ran; returns whether it
/// wrote, and the messages in \p messages.
bool fixTypo(const std::string &path, llvm::StringRef text,
             std::vector<std::string> &messages,
             const std::function<void()> &meanwhile = [] {}) {
  std::ofstream(path, std::ios::binary) << text.str();
  llvm::SourceMgr sourceMgr;
  LoadedFile file = loadSourceFile(sourceMgr, path, DefaultMaxFileBytes, {});
  EXPECT_TRUE(file.isLoaded()) << path;
  if (!file.isLoaded())
    return false;
  llvm::StringRef buffer = sourceMgr.getMemoryBuffer(file.bufferId)->getBuffer();
  const char *typo = buffer.data() + buffer.find("reul");
  std::vector<FixIt> fixIts{
      {llvm::SMRange(llvm::SMLoc::getFromPointer(typo),
                     llvm::SMLoc::getFromPointer(typo + 4)),
       "relu"}};
  meanwhile();
  netc::testing::RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  bool written = writeFixedFiles(fixIts, diags);
  messages = consumer.messages;
  return written;
}

/// A fixed file that can no longer be written (it became a folder): the
/// error names it, and writeFixedFiles fails.
TEST(OutputFiles, UnwritableFixedFileIsAnError) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("netc-unwritable", dir));
  std::string path = (dir + "/typo.net").str();
  std::vector<std::string> messages;
  EXPECT_FALSE(fixTypo(path, "output y = reul(x)\n", messages, [&] {
    llvm::sys::fs::remove(path);
    llvm::sys::fs::create_directory(path);
  }));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("<no location>: error: cannot write the fixed '" +
                                  path + "': ",
                              0),
            0u)
      << messages[0];
  EXPECT_TRUE(llvm::sys::fs::is_directory(path));
  llvm::sys::fs::remove_directories(dir);
}

/// -o onto a directory: an error, and the directory is left alone.
TEST(OutputFiles, DirectoryIsNotReplaced) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("netc-output", dir));
  llvm::SourceMgr sourceMgr;
  netc::testing::RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  EXPECT_FALSE(writeOutputFile(dir, "report\n", diags));
  ASSERT_EQ(consumer.messages.size(), 1u);
  EXPECT_NE(consumer.messages[0].find("cannot write"), std::string::npos);
  EXPECT_TRUE(llvm::sys::fs::is_directory(dir));
  llvm::sys::fs::remove_directories(dir);
}

} // namespace

namespace {

using netc::testing::NetcRun;
using netc::testing::readFile;

/// The report written with -o next to the files it must never damage.
class SafeOutput : public netc::testing::NetcProcessTest {
public:
  SafeOutput() : NetcProcessTest("netc-safe-output") {}

protected:
  void SetUp() override {
    NetcProcessTest::SetUp();
    model = write("model.net", "network N {\n  input x: [4]\n"
                               "  output y = relu(x)\n}\n");
  }
  /// The mode bits of \p file (following links).
  unsigned modeOf(const std::string &file) {
    struct stat st;
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return st.st_mode & 07777;
  }
  std::string model;
};

TEST_F(SafeOutput, InputsAndImportsAreNeverOverwritten) {
  std::string before = readFile(model);
  NetcRun r = run({model, "-o", model});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("it is a file this run reads"), std::string::npos)
      << r.err;
  EXPECT_EQ(readFile(model), before);

  // An imported library, named another way (through a symbolic link).
  std::string lib = write("lib.net", "block b(x) {\n  return relu(x)\n}\n");
  std::string main = write("main.net", "import \"lib.net\"\nnetwork M {\n"
                                       "  input x: [4]\n  output y = b(x)\n}\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("lib.net", path("alias.net")));
  r = run({main, "--emit=json", "-o", path("alias.net")});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(readFile(lib), "block b(x) {\n  return relu(x)\n}\n");
}

TEST_F(SafeOutput, SymbolicLinksAreWrittenThrough) {
  std::string target = write("report.txt", "old\n");
  ASSERT_FALSE(llvm::sys::fs::create_link("report.txt", path("link.txt")));
  NetcRun r = run({model, "-o", path("link.txt")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(startsWith(readFile(target), "network N"));
  llvm::sys::fs::file_status status;
  ASSERT_FALSE(llvm::sys::fs::status(path("link.txt"), status,
                                     /*follow=*/false));
  EXPECT_EQ(status.type(), llvm::sys::fs::file_type::symlink_file);
}

TEST_F(SafeOutput, ModeOwnerAndHardLinksAreKept) {
  std::string secret = write("secret.txt", "old\n");
  ASSERT_EQ(::chmod(secret.c_str(), 0600), 0);
  NetcRun r = run({model, "-o", secret});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(modeOf(secret), 0600u);

  std::string first = write("first.txt", "old\n");
  ASSERT_FALSE(llvm::sys::fs::create_hard_link(first, path("second.txt")));
  r = run({model, "-o", first});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(startsWith(readFile(path("second.txt")), "network N"));
}

TEST_F(SafeOutput, ReadOnlyFilesAndFoldersAreRefused) {
  std::string readOnly = write("read-only.txt", "old\n");
  ASSERT_EQ(::chmod(readOnly.c_str(), 0444), 0);
  NetcRun r = run({model, "-o", readOnly});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("it is read-only"), std::string::npos) << r.err;
  EXPECT_EQ(readFile(readOnly), "old\n");

  // --fixit does not rewrite a read-only source either.
  std::string typo = write("typo.net", "network T {\n  input x: [4]\n"
                                       "  output y = reul(x)\n}\n");
  ASSERT_EQ(::chmod(typo.c_str(), 0444), 0);
  r = run({"--fixit", "--emit=none", typo});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(readFile(typo).find("reul"), std::string::npos);

  r = run({model, "-o", std::string(dir)});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("it is a directory"), std::string::npos) << r.err;
}

TEST_F(SafeOutput, DevicesAndFifosAreWrittenNotReplaced) {
  std::string fifo = path("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  // Held open for reading (and writing, which on Linux never blocks), so
  // netc's writer does not wait, and a netc that replaced the FIFO instead
  // leaves nothing to read rather than a reader waiting forever.
  int held = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(held, 0);
  NetcRun r = run({model, "-o", fifo});
  EXPECT_EQ(r.status, 0) << r.err;
  char buffer[8192];
  ssize_t n = ::read(held, buffer, sizeof buffer);
  ::close(held);
  EXPECT_TRUE(n > 0 && startsWith(std::string(buffer, n), "network N"));
  struct stat st;
  ASSERT_EQ(::stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));

  // A device node of our own (root only): /dev/null's numbers.
  std::string device = path("null");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod needs root";
  r = run({model, "-o", device});
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(::stat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

/// Runs netc on \p args with standard output and error redirected to
/// \p out and \p err.
int runRedirected(std::vector<llvm::StringRef> args, llvm::StringRef out,
                  llvm::StringRef err) {
  args.insert(args.begin(), NETC_BINARY);
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), out,
                                                 err};
  return llvm::sys::ExecuteAndWait(NETC_BINARY, args, llvm::None, redirects,
                                   /*SecondsToWait=*/60);
}

TEST_F(SafeOutput, FullStandardStreamsAreReportedNotAborts) {
  // Standard output on a full disk: a message and exit status 2.
  int status = runRedirected({model}, "/dev/full", path("err.txt"));
  EXPECT_EQ(status, 2);
  std::string err = readFile(path("err.txt"));
  EXPECT_NE(err.find("cannot write to standard output: no space left on "
                     "device"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("PLEASE submit"), std::string::npos) << err;

  // Standard error on a full disk: the exit status still says what was
  // found (1: the input has an error), never an abort.
  std::string broken = write("broken.net", "network N {\n  input x: [4]\n"
                                           "  output y = reul(x)\n}\n");
  status = runRedirected({broken}, path("out.txt"), "/dev/full");
  EXPECT_EQ(status, 1);
}

TEST(OutputFiles, SourceChangedWhileNetcRanIsNotFixed) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("netc-changed", dir));
  std::string file = (dir + "/typo.net").str();
  const char *read = "network T {\n  input x: [4]\n  output y = reul(x)\n}\n";
  // What a user does meanwhile, and what must be on disk afterwards.
  struct Change {
    const char *what;
    std::function<void()> change;
    std::string kept;
  };
  std::string newer =
      "network T {\n  input x: [4]\n  output y = reul(x)\n  # newer\n}\n";
  std::string sameSize = "network T {\n  input x: [8]\n  output y = reul(x)\n}\n";
  std::vector<Change> changes{
      {"an editor saves by rename",
       [&] {
         std::ofstream((dir + "/new").str()) << newer;
         llvm::sys::fs::rename(dir + "/new", file);
       },
       newer},
      {"a rewrite in place of the same size, its time set back",
       [&] {
         struct stat before;
         ::stat(file.c_str(), &before);
         std::ofstream(file, std::ios::binary | std::ios::in) << sameSize;
         struct timespec times[2] = {before.st_atim, before.st_mtim};
         ::utimensat(AT_FDCWD, file.c_str(), times, 0);
       },
       sameSize},
      {"a touch (the same text, a newer time)",
       [&] {
         struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
         ::usleep(10'000);
         ::utimensat(AT_FDCWD, file.c_str(), times, 0);
       },
       read},
  };
  for (const Change &c : changes) {
    std::vector<std::string> messages;
    EXPECT_FALSE(fixTypo(file, read, messages, c.change)) << c.what;
    ASSERT_EQ(messages.size(), 1u) << c.what;
    EXPECT_NE(messages[0].find("it changed while netc ran"), std::string::npos)
        << c.what << ": " << messages[0];
    EXPECT_EQ(readFile(file), c.kept) << c.what;
  }
  // Unchanged, it is fixed.
  std::vector<std::string> messages;
  EXPECT_TRUE(fixTypo(file, read, messages));
  EXPECT_EQ(readFile(file),
            "network T {\n  input x: [4]\n  output y = relu(x)\n}\n");
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
