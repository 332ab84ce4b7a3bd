//===- FixIts.cpp - collect fix-its and apply them to the source ----------===//
#include "netc/Basic/FixIts.h"

#include <algorithm>

using namespace netc;

void FixItCollector::handle(const Diagnostic &diagnostic) {
  if (diagnostic.severity != Severity::Note)
    fixIts.insert(fixIts.end(), diagnostic.fixIts.begin(),
                  diagnostic.fixIts.end());
  next.handle(diagnostic);
}

FixedBuffer netc::applyFixIts(const llvm::SourceMgr &sourceMgr,
                              llvm::ArrayRef<unsigned> bufferIds,
                              llvm::ArrayRef<FixIt> fixIts) {
  llvm::StringRef text = sourceMgr.getMemoryBuffer(bufferIds[0])->getBuffer();
  // The edits in these buffers, as byte offsets.
  struct Edit {
    size_t start, end;
    const std::string *replacement;
  };
  std::vector<Edit> edits;
  for (unsigned id : bufferIds) {
    llvm::StringRef copy = sourceMgr.getMemoryBuffer(id)->getBuffer();
    for (const FixIt &f : fixIts) {
      const char *start = f.range.Start.getPointer();
      const char *end = f.range.End.getPointer();
      if (!start || start < copy.begin() || end > copy.end() || end < start)
        continue;
      edits.push_back({size_t(start - copy.begin()),
                       size_t(end - copy.begin()), &f.replacement});
    }
  }
  std::stable_sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) {
    return a.start < b.start;
  });
  FixedBuffer result;
  size_t copied = 0;
  const Edit *last = nullptr;
  for (size_t i = 0; i < edits.size(); ++i) {
    const Edit &e = edits[i];
    // The same fix reported twice (or found in two copies of the file):
    // an identical edit earlier among those starting at the same place.
    bool repeated = false;
    for (size_t j = i; j-- > 0 && edits[j].start == e.start;)
      repeated |= edits[j].end == e.end && *edits[j].replacement == *e.replacement;
    if (repeated)
      continue;
    // Overlapping an applied edit (two insertions at one point overlap).
    if (last && (e.start < last->end ||
                 (e.start == last->start && e.start == e.end))) {
      ++result.skipped;
      continue;
    }
    result.text.append(text.data() + copied, e.start - copied);
    result.text += *e.replacement;
    copied = e.end;
    last = &e;
    ++result.applied;
  }
  result.text.append(text.data() + copied, text.size() - copied);
  return result;
}
