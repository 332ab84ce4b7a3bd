//===- SourcePositions.cpp - LSP positions, byte offsets and URIs ---------===//
#include "SourcePositions.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace netc::lsp;

llvm::json::Value netc::lsp::toJSON(const Position &p) {
  return llvm::json::Object{{"line", p.line}, {"character", p.character}};
}

llvm::json::Value netc::lsp::toJSON(const Range &r) {
  return llvm::json::Object{{"start", toJSON(r.start)}, {"end", toJSON(r.end)}};
}

bool netc::lsp::fromJSON(const llvm::json::Value &value, Position &p) {
  const llvm::json::Object *o = value.getAsObject();
  if (!o)
    return false;
  auto line = o->getInteger("line");
  auto character = o->getInteger("character");
  if (!line || !character || *line < 0 || *character < 0)
    return false;
  p.line = static_cast<int>(std::min<int64_t>(*line, INT32_MAX));
  p.character = static_cast<int>(std::min<int64_t>(*character, INT32_MAX));
  return true;
}

bool netc::lsp::fromJSON(const llvm::json::Value &value, Range &r) {
  const llvm::json::Object *o = value.getAsObject();
  if (!o)
    return false;
  const llvm::json::Value *start = o->get("start");
  const llvm::json::Value *end = o->get("end");
  return start && end && fromJSON(*start, r.start) && fromJSON(*end, r.end);
}

LineTable::LineTable(llvm::StringRef text, PositionEncoding encoding)
    : text(text), encoding(encoding) {
  lineStarts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
      ++i;
    if (text[i] == '\n' || text[i] == '\r')
      lineStarts.push_back(i + 1);
  }
}

/// The length of the UTF-8 sequence that starts with \p lead and the code
/// units it counts for; 1 and 1 for a byte that starts no valid sequence.
static std::pair<size_t, int> measureCharacter(llvm::StringRef rest,
                                               PositionEncoding encoding) {
  unsigned char lead = rest[0];
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2
                                  : (lead >> 4) == 0xE ? 3
                                  : (lead >> 3) == 0x1E ? 4
                                                        : 1;
  if (length > rest.size())
    length = 1;
  for (size_t k = 1; k < length; ++k)
    if ((static_cast<unsigned char>(rest[k]) & 0xC0) != 0x80)
      length = 1;
  if (encoding == PositionEncoding::UTF8)
    return {length, static_cast<int>(length)};
  return {length, length == 4 ? 2 : 1};
}

llvm::StringRef LineTable::getLine(int line) const {
  if (line < 0 || line >= getNumLines())
    return {};
  size_t begin = lineStarts[line];
  size_t end = line + 1 < getNumLines() ? lineStarts[line + 1] : text.size();
  llvm::StringRef s = text.slice(begin, end);
  if (s.endswith("\r\n"))
    return s.drop_back(2);
  if (s.endswith("\n") || s.endswith("\r"))
    return s.drop_back(1);
  return s;
}

Position LineTable::getPosition(size_t offset) const {
  offset = std::min(offset, text.size());
  auto it = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  int line = static_cast<int>(it - lineStarts.begin()) - 1;
  size_t begin = lineStarts[line];
  llvm::StringRef lineText = getLine(line);
  size_t limit = std::min(offset - begin, lineText.size());
  int character = 0;
  for (size_t i = 0; i < limit;) {
    auto [length, units] = measureCharacter(lineText.substr(i), encoding);
    if (i + length > limit)
      break;
    i += length;
    character += units;
  }
  return {line, character};
}

size_t LineTable::getOffset(Position p) const {
  if (p.line >= getNumLines())
    return text.size();
  int line = std::max(p.line, 0);
  size_t begin = lineStarts[line];
  llvm::StringRef lineText = getLine(line);
  int character = 0;
  size_t i = 0;
  while (i < lineText.size() && character < p.character) {
    auto [length, units] = measureCharacter(lineText.substr(i), encoding);
    i += length;
    character += units;
  }
  return begin + i;
}

std::optional<std::string> netc::lsp::fileUriToPath(llvm::StringRef uri) {
  if (!uri.consume_front("file://"))
    return std::nullopt;
  // An authority other than empty or "localhost" names another machine.
  if (!uri.startswith("/")) {
    if (!uri.consume_front("localhost"))
      return std::nullopt;
  }
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%') {
      if (i + 2 >= uri.size() || !llvm::isHexDigit(uri[i + 1]) ||
          !llvm::isHexDigit(uri[i + 2]))
        return std::nullopt;
      path += static_cast<char>(llvm::hexFromNibbles(uri[i + 1], uri[i + 2]));
      i += 2;
      continue;
    }
    if (uri[i] == '?' || uri[i] == '#')
      break;
    path += uri[i];
  }
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos)
    return std::nullopt;
  return path;
}

std::string netc::lsp::pathToFileUri(llvm::StringRef path) {
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '/' || c == '-' || c == '_' || c == '.' ||
        c == '~')
      uri += static_cast<char>(c);
    else
    {
      const char *hex = "0123456789ABCDEF";
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    }
  }
  return uri;
}
