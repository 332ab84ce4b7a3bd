//===- OutputFilesTest.cpp - writing reports and fixed sources ------------===//
//
// writeOutputFile and writeFixedFiles (Frontend/OutputFiles.h): each reports
// a file it cannot write as a diagnostic without a location, and leaves
// nothing half written.
//
//===----------------------------------------------------------------------===//
#include "ExampleLoader.h"

#include "netc/Frontend/OutputFiles.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

using namespace netc;

namespace {

/// A fixed file whose folder does not exist cannot be written: the error
/// names it, and writeFixedFiles fails.
TEST(OutputFiles, UnwritableFixedFileIsAnError) {
  llvm::SourceMgr sourceMgr;
  const char *path = "/nonexistent-netc-folder/typo.net";
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("output y = reul(x)\n", path),
      llvm::SMLoc());
  llvm::StringRef text = sourceMgr.getMemoryBuffer(id)->getBuffer();
  const char *typo = text.data() + text.find("reul");
  std::vector<FixIt> fixIts{{llvm::SMRange(llvm::SMLoc::getFromPointer(typo),
                                           llvm::SMLoc::getFromPointer(typo + 4)),
                             "relu"}};
  netc::testing::RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  EXPECT_FALSE(writeFixedFiles(fixIts, diags));
  ASSERT_EQ(consumer.messages.size(), 1u);
  EXPECT_EQ(consumer.messages[0],
            "<no location>: error: cannot write the fixed "
            "'/nonexistent-netc-folder/typo.net'");
  EXPECT_FALSE(llvm::sys::fs::exists(path));
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
