//===- SourceLines.h - lines and columns without rescanning lines -*- C++ -*-===//
//
// Every diagnostic printer turns SMLocs into lines and columns. LLVM's
// SourceMgr finds a column by scanning back to the line's start, so on a
// long line with many diagnostics each one costs the length of the line and
// the whole run is quadratic. SourceLines scans each buffer once, on its
// first use, into a table of line-break offsets (and, for a buffer that is
// not pure ASCII, the code-point count every CodePointStep bytes); after
// that a line, a column, a line's start or end costs a binary search.
//
// The answers are exactly those of the code it replaces: lines count '\n'
// (as llvm::SourceMgr::getLineNumber), byte columns count from the last
// '\n' or '\r' (as llvm::SourceMgr::getLineAndColumn), and code-point
// columns count a byte that starts no valid UTF-8 sequence as one.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace netc {

/// Lines and columns of the buffers of one SourceMgr; see the file comment.
class SourceLines {
public:
  explicit SourceLines(const llvm::SourceMgr &sourceMgr)
      : sourceMgr(sourceMgr) {}

  /// The line (from 1) and byte column (from 1) of \p loc in buffer
  /// \p bufferId (found when 0), as llvm::SourceMgr::getLineAndColumn.
  std::pair<unsigned, unsigned> getLineAndColumn(llvm::SMLoc loc,
                                                 unsigned bufferId = 0);
  /// The column of \p loc in Unicode code points, from 1.
  unsigned getCodePointColumn(llvm::SMLoc loc, unsigned bufferId = 0);
  /// The line that holds \p loc without its line end: from after the last
  /// '\n' before \p loc to the first '\n' or '\r' at or after it.
  llvm::StringRef getLineContaining(llvm::SMLoc loc, unsigned bufferId = 0);

  /// Bytes between code-point checkpoints.
  static constexpr unsigned CodePointStep = 256;

private:
  struct Buffer {
    llvm::StringRef text;
    /// Offsets of every '\n' (lines count these).
    std::vector<size_t> newlines;
    /// Offsets of every '\n' and '\r' (columns count from these); empty when
    /// the buffer has no '\r', and then the same as newlines.
    std::vector<size_t> breaks;
    bool ascii = true;
    /// For a buffer that is not pure ASCII, entry k is the first code point
    /// start at or after byte k * CodePointStep and the code points before it.
    std::vector<std::pair<size_t, size_t>> checkpoints;

    const std::vector<size_t> &getBreaks() const {
      return breaks.empty() ? newlines : breaks;
    }
  };
  Buffer &getBuffer(llvm::SMLoc loc, unsigned &bufferId);
  const llvm::SourceMgr &sourceMgr;
  /// Indexed by buffer id; built on first use.
  std::vector<std::unique_ptr<Buffer>> buffers;
};

} // namespace netc
