//===- ExampleLoader.h - load an example for the figure tests ---*- C++ -*-===//
//
// Shared by the figure tests: parses and checks examples/<name>.net (with
// what it imports) or a program given as text, failing the test on any
// diagnostic, and sums a graph's parameters.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Check/Checker.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "gtest/gtest.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace netc::testing {

/// Records every diagnostic as "file:line:col: severity: message".
class RecordingConsumer : public DiagnosticConsumer {
public:
  explicit RecordingConsumer(llvm::SourceMgr &sourceMgr)
      : sourceMgr(sourceMgr) {}

  void handle(const Diagnostic &d) override {
    std::string where = "<no location>";
    if (d.loc.isValid()) {
      unsigned buffer = sourceMgr.FindBufferContainingLoc(d.loc);
      auto [line, column] = sourceMgr.getLineAndColumn(d.loc, buffer);
      where = sourceMgr.getMemoryBuffer(buffer)->getBufferIdentifier().str() +
              ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    static const char *const severities[] = {"note", "warning", "error"};
    messages.push_back(where + ": " +
                       severities[static_cast<int>(d.severity)] + ": " +
                       d.message);
    for (const Diagnostic &note : d.notes)
      messages.push_back("  note: " + note.message);
  }

  std::vector<std::string> messages;

private:
  llvm::SourceMgr &sourceMgr;
};

/// Parses and checks the file \p path (with -D \p defines), which must
/// hold exactly one network. Every diagnostic, and any failure to load,
/// parse or check, is a test failure (callers stop with ASSERT_FALSE(HasFailure())). The graph's
/// source ranges point into a buffer freed on return; the tests below read
/// only shapes, ops and counts.
inline Graph loadNetFile(
    const std::string &path,
    std::vector<std::pair<std::string, Value>> defines = {}) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    ADD_FAILURE() << "cannot read " << path << ": "
                  << buffer.getError().message();
    return Graph();
  }
  llvm::SourceMgr sourceMgr;
  unsigned bufferId =
      sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);

  Graph graph;
  std::unique_ptr<ast::Module> module = parseModule(bufferId, diags);
  if (!module) {
    ADD_FAILURE() << path << " does not parse";
  } else {
    CheckOptions options;
    options.defines = std::move(defines);
    CheckedModule checked = checkModule(*module, diags, options);
    if (checked.graphs.size() != 1)
      ADD_FAILURE() << path << " defines " << checked.graphs.size()
                    << " networks, expected 1";
    else if (!checked.clean[0])
      ADD_FAILURE() << path << " does not check clean";
    else
      graph = std::move(checked.graphs[0]);
  }
  EXPECT_EQ(diags.getNumErrors(), 0u) << path;
  EXPECT_EQ(diags.getNumWarnings(), 0u) << path;
  for (const std::string &message : consumer.messages)
    ADD_FAILURE() << "unexpected diagnostic: " << message;
  return graph;
}

/// loadNetFile of examples/<name>.net.
inline Graph loadExample(
    const std::string &name,
    std::vector<std::pair<std::string, Value>> defines = {}) {
  return loadNetFile(
      std::string(NETC_SOURCE_DIR) + "/examples/" + name + ".net",
      std::move(defines));
}

inline int64_t totalTrainable(const Graph &graph) {
  int64_t total = 0;
  for (const Layer &layer : graph.layers)
    total += layer.params.trainable;
  return total;
}

inline int64_t totalBuffers(const Graph &graph) {
  int64_t total = 0;
  for (const Layer &layer : graph.layers)
    total += layer.params.buffers;
  return total;
}

/// Parses and checks \p source, which must hold one network and check
/// clean; any diagnostic but one containing \p allowed (and its notes) is a
/// test failure.
/// As with loadExample, the graph's source ranges dangle; only shapes, ops
/// and storage are read.
inline Graph compileSource(const std::string &source,
                           const std::string &allowed = "") {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "test.net"),
      llvm::SMLoc());
  netc::testing::RecordingConsumer consumer(sourceMgr);
  DiagnosticEngine diags(sourceMgr, consumer);
  Graph graph;
  std::unique_ptr<ast::Module> module = parseModule(1, diags);
  if (module) {
    CheckedModule checked = checkModule(*module, diags);
    if (checked.graphs.size() == 1 && checked.clean[0])
      graph = std::move(checked.graphs[0]);
    else
      ADD_FAILURE() << "expected one clean network in:\n" << source;
  } else {
    ADD_FAILURE() << "does not parse:\n" << source;
  }
  // An allowed diagnostic's notes are allowed with it.
  bool allowedNotes = false;
  for (const std::string &message : consumer.messages) {
    bool isNote = message.rfind("  note: ", 0) == 0;
    if (!isNote)
      allowedNotes =
          !allowed.empty() && message.find(allowed) != std::string::npos;
    if (!allowedNotes)
      ADD_FAILURE() << "unexpected diagnostic: " << message;
  }
  return graph;
}

} // namespace netc::testing
