//===- SourcePositions.h - LSP positions, byte offsets and URIs -*- C++ -*-===//
//
// The language server speaks in LSP positions (a line from 0 and a
// character from 0, counted in UTF-16 code units unless the client agreed
// to UTF-8); netc speaks in byte offsets (SMLoc). LineTable converts one to
// the other for one document's text, and fileUriToPath / pathToFileUri
// convert between file:// URIs and paths.
//
// Lines end at "\n", "\r\n" or "\r", as LSP says. A position past the end
// of its line means the line's end, and a line past the last means the end
// of the text (LSP asks servers to clamp, not to fail). A byte that starts
// no valid UTF-8 sequence counts as one code unit.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace netc::lsp {

/// The unit of Position::character (LSP's positionEncoding).
enum class PositionEncoding { UTF16, UTF8 };

/// A place in a document as LSP counts it.
struct Position {
  int line = 0;
  int character = 0;
  bool operator==(const Position &o) const {
    return line == o.line && character == o.character;
  }
  bool operator<(const Position &o) const {
    return line < o.line || (line == o.line && character < o.character);
  }
  bool operator<=(const Position &o) const { return !(o < *this); }
};

/// A half-open range of positions.
struct Range {
  Position start, end;
  bool contains(Position p) const { return start <= p && p <= end; }
};

llvm::json::Value toJSON(const Position &p);
llvm::json::Value toJSON(const Range &r);
/// Reads {"line": L, "character": C}; false when it is not one.
bool fromJSON(const llvm::json::Value &value, Position &p);
bool fromJSON(const llvm::json::Value &value, Range &r);

/// The line starts of one text, for converting offsets and positions.
class LineTable {
public:
  LineTable(llvm::StringRef text, PositionEncoding encoding);
  /// The position of byte \p offset (clamped to the text).
  Position getPosition(size_t offset) const;
  /// The byte offset of \p p (clamped to its line and to the text).
  size_t getOffset(Position p) const;
  Range getRange(size_t begin, size_t end) const {
    return {getPosition(begin), getPosition(end)};
  }
  /// The number of lines (a text ending in a line break has an empty last
  /// line).
  int getNumLines() const { return lineStarts.size(); }
  /// The text of line \p line without its line break.
  llvm::StringRef getLine(int line) const;

private:
  llvm::StringRef text;
  PositionEncoding encoding;
  std::vector<size_t> lineStarts;
};

/// The path of a file:// URI (percent-decoded); nullopt for another scheme
/// or a malformed URI.
std::optional<std::string> fileUriToPath(llvm::StringRef uri);
/// The file:// URI of an absolute \p path (percent-encoded).
std::string pathToFileUri(llvm::StringRef path);

} // namespace netc::lsp
