//===- SourceText.h - a checked view of one source buffer -------*- C++ -*-===//
//
// Private to the parse stage. Validates a buffer (UTF-8, no NUL bytes), skips
// a byte-order mark, and maps ANTLR's code-point indices back to SMLocs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <vector>

namespace netc::parse {

/// The text ANTLR lexes, with the way back from code points to bytes.
class SourceText {
public:
  /// Checks buffer \p bufferId; reports a bad byte through \p diags.
  SourceText(unsigned bufferId, DiagnosticEngine &diags);

  /// True when the buffer is valid UTF-8 without NUL bytes.
  bool isValid() const { return valid; }
  /// True when the buffer is pure ASCII: code point i is byte i.
  bool isAscii() const { return ascii; }
  /// The text to lex (after any byte-order mark).
  llvm::StringRef getText() const { return text; }
  /// The location of code point \p index of getText(); the end of the text
  /// for indices past it.
  llvm::SMLoc getLoc(size_t index) const;
  /// The range of code points [start, stop] (ANTLR's inclusive token bounds).
  llvm::SMRange getRange(size_t start, size_t stop) const;

private:
  llvm::StringRef text;
  bool valid = true;
  bool ascii = true;
  /// Byte offset of each code point (only when the text is not pure ASCII),
  /// with one extra entry for the end.
  std::vector<uint32_t> byteOffsets;
};

} // namespace netc::parse
