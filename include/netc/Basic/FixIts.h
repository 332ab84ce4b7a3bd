//===- FixIts.h - collect fix-its and apply them to the source --*- C++ -*-===//
//
// --fixit: the FixItCollector sits in front of the consumer that prints
// diagnostics, passes every diagnostic on, and keeps the fix-its of errors
// and warnings (those of notes are alternatives, never applied, as in
// clang). applyFixIts computes a buffer's new text; the driver writes it
// back atomically.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace netc {

/// Forwards every diagnostic to \p next and records the fix-its of errors
/// and warnings.
class FixItCollector : public DiagnosticConsumer {
public:
  explicit FixItCollector(DiagnosticConsumer &next) : next(next) {}
  void handle(const Diagnostic &diagnostic) override;
  const std::vector<FixIt> &getFixIts() const { return fixIts; }

private:
  DiagnosticConsumer &next;
  std::vector<FixIt> fixIts;
};

/// The text of one buffer after its fix-its.
struct FixedBuffer {
  std::string text;
  /// Fix-its applied, and fix-its skipped because they overlap one applied
  /// before them (in source order) or repeat it.
  unsigned applied = 0;
  unsigned skipped = 0;
};

/// Applies the fix-its of \p fixIts that fall in the buffers \p bufferIds,
/// copies of one file with the same text (a file named on the command line
/// and imported by another is loaded twice), in source order; a fix-it
/// that overlaps an earlier one is skipped, and one identical to an earlier
/// one (the same fix found in two copies) counts once.
FixedBuffer applyFixIts(const llvm::SourceMgr &sourceMgr,
                        llvm::ArrayRef<unsigned> bufferIds,
                        llvm::ArrayRef<FixIt> fixIts);

} // namespace netc
