//===- SourceLines.cpp - lines and columns without rescanning lines -------===//
//
// Builds each buffer's tables of line breaks and code-point checkpoints once
// and answers line and column queries from them; see SourceLines.h.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/SourceLines.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ConvertUTF.h"

#include <algorithm>

using namespace netc;

/// The length of the code point at \p i of \p text, ending at its end: a
/// byte that starts no valid UTF-8 sequence (or a sequence cut by the end)
/// is one.
static size_t codePointLength(llvm::StringRef text, size_t i) {
  auto *p = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
  if (*p < 0x80)
    return 1;
  unsigned length = llvm::getNumBytesForUTF8(*p);
  if (length < 1 || length > text.size() - i ||
      !llvm::isLegalUTF8Sequence(p, p + length))
    return 1;
  return length;
}

SourceLines::Buffer &SourceLines::getBuffer(llvm::SMLoc loc,
                                            unsigned &bufferId) {
  if (!bufferId)
    bufferId = sourceMgr.FindBufferContainingLoc(loc);
  if (buffers.size() <= bufferId)
    buffers.resize(bufferId + 1);
  std::unique_ptr<Buffer> &slot = buffers[bufferId];
  if (slot)
    return *slot;
  slot = std::make_unique<Buffer>();
  Buffer &b = *slot;
  b.text = sourceMgr.getMemoryBuffer(bufferId)->getBuffer();
  bool anyReturn = false;
  for (size_t i = 0, n = b.text.size(); i < n; ++i) {
    char c = b.text[i];
    if (c == '\n')
      b.newlines.push_back(i);
    else if (c == '\r')
      anyReturn = true;
    else if (static_cast<unsigned char>(c) >= 0x80)
      b.ascii = false;
  }
  if (anyReturn)
    for (size_t i = 0, n = b.text.size(); i < n; ++i)
      if (b.text[i] == '\n' || b.text[i] == '\r')
        b.breaks.push_back(i);
  if (!b.ascii) {
    size_t count = 0, i = 0, next = 0;
    for (; i < b.text.size(); ++count) {
      for (; next * CodePointStep <= i; ++next)
        b.checkpoints.push_back({i, count});
      i += codePointLength(b.text, i);
    }
    for (; next * CodePointStep <= b.text.size(); ++next)
      b.checkpoints.push_back({i, count});
  }
  return b;
}

/// The offset just after the last of \p offsets before \p offset (0 when
/// there is none).
static size_t startAfterLast(const std::vector<size_t> &offsets,
                             size_t offset) {
  auto it = std::lower_bound(offsets.begin(), offsets.end(), offset);
  return it == offsets.begin() ? 0 : *std::prev(it) + 1;
}

std::pair<unsigned, unsigned>
SourceLines::getLineAndColumn(llvm::SMLoc loc, unsigned bufferId) {
  Buffer &b = getBuffer(loc, bufferId);
  size_t offset = loc.getPointer() - b.text.data();
  size_t line = std::lower_bound(b.newlines.begin(), b.newlines.end(),
                                 offset) - b.newlines.begin() + 1;
  size_t column = offset - startAfterLast(b.getBreaks(), offset) + 1;
  return {static_cast<unsigned>(line), static_cast<unsigned>(column)};
}

unsigned SourceLines::getCodePointColumn(llvm::SMLoc loc, unsigned bufferId) {
  Buffer &b = getBuffer(loc, bufferId);
  size_t offset = loc.getPointer() - b.text.data();
  size_t lineStart = startAfterLast(b.getBreaks(), offset);
  if (b.ascii)
    return offset - lineStart + 1;
  // Code points before an offset: from the checkpoint at or before it, the
  // text up to the offset counted as a text that ends there. A line starts
  // after an ASCII byte, so it starts a code point in any counting.
  auto codePointsBefore = [&](size_t end) {
    size_t k = end / CodePointStep;
    if (b.checkpoints[k].first > end)
      --k;
    auto [i, count] = b.checkpoints[k];
    llvm::StringRef text = b.text.substr(0, end);
    for (; i < end; ++count)
      i += codePointLength(text, i);
    return count;
  };
  return codePointsBefore(offset) - codePointsBefore(lineStart) + 1;
}

llvm::StringRef SourceLines::getLineContaining(llvm::SMLoc loc,
                                               unsigned bufferId) {
  Buffer &b = getBuffer(loc, bufferId);
  size_t offset = loc.getPointer() - b.text.data();
  size_t start = startAfterLast(b.newlines, offset);
  const std::vector<size_t> &breaks = b.getBreaks();
  auto end = std::lower_bound(breaks.begin(), breaks.end(), offset);
  return b.text.slice(start, end == breaks.end() ? b.text.size() : *end);
}
