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
                              unsigned bufferId, llvm::ArrayRef<FixIt> fixIts) {
  llvm::StringRef text = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  const char *begin = text.begin();
  // The edits in this buffer, as byte offsets.
  struct Edit {
    size_t start, end;
    const std::string *replacement;
  };
  std::vector<Edit> edits;
  for (const FixIt &f : fixIts) {
    const char *start = f.range.Start.getPointer();
    const char *end = f.range.End.getPointer();
    if (!start || start < begin || end > text.end() || end < start)
      continue;
    edits.push_back({size_t(start - begin), size_t(end - begin),
                     &f.replacement});
  }
  std::stable_sort(edits.begin(), edits.end(), [](const Edit &a, const Edit &b) {
    return a.start < b.start;
  });
  FixedBuffer result;
  size_t copied = 0;
  const Edit *last = nullptr;
  for (const Edit &e : edits) {
    if (last && e.start == last->start && e.end == last->end &&
        *e.replacement == *last->replacement)
      continue; // the same fix reported twice
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
