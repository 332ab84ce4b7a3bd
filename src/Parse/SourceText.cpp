//===- SourceText.cpp - validate a buffer and map code points to bytes ----===//
//
// ANTLR works on code points; diagnostics need byte pointers into the
// SourceMgr buffer. This file does the validation and the mapping.
//
//===----------------------------------------------------------------------===//
#include "SourceText.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"

using namespace netc;
using namespace netc::parse;

SourceText::SourceText(unsigned bufferId, DiagnosticEngine &diags) {
  llvm::StringRef buffer =
      diags.getSourceMgr().getMemoryBuffer(bufferId)->getBuffer();
  text = buffer;
  if (text.startswith("\xEF\xBB\xBF"))
    text = text.drop_front(3);

  const char *data = text.data();
  size_t size = text.size();
  for (size_t i = 0; i < size; ++i) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    if (c == 0) {
      DiagnosticBuilder error =
          diags.report(llvm::SMLoc::getFromPointer(data + i), diag::err_nul_byte);
      error.hideSourceLine();
      // A model given where a .net file goes: point to `netc import` (as
      // for invalid UTF-8 below).
      llvm::StringRef name =
          diags.getSourceMgr().getMemoryBuffer(bufferId)->getBufferIdentifier();
      if (name.endswith(".onnx"))
        error.note(llvm::SMLoc(), diag::note_onnx_use_import, name);
      valid = false;
      return;
    }
    if (c >= 0x80)
      ascii = false;
  }
  if (ascii)
    return;

  byteOffsets.reserve(size + 1);
  size_t i = 0;
  while (i < size) {
    unsigned char c = static_cast<unsigned char>(data[i]);
    unsigned length = c < 0x80 ? 1 : llvm::getNumBytesForUTF8(c);
    const llvm::UTF8 *start = reinterpret_cast<const llvm::UTF8 *>(data + i);
    if (c >= 0x80 &&
        (i + length > size || !llvm::isLegalUTF8Sequence(start, start + length))) {
      DiagnosticBuilder error =
          diags.report(llvm::SMLoc::getFromPointer(data + i),
                       diag::err_invalid_utf8,
                       llvm::format_hex_no_prefix(c, 2, /*Upper=*/true));
      error.hideSourceLine();
      llvm::StringRef name =
          diags.getSourceMgr().getMemoryBuffer(bufferId)->getBufferIdentifier();
      if (name.endswith(".onnx"))
        error.note(llvm::SMLoc(), diag::note_onnx_use_import, name);
      valid = false;
      return;
    }
    byteOffsets.push_back(static_cast<uint32_t>(i));
    i += length;
  }
  byteOffsets.push_back(static_cast<uint32_t>(size));
}

llvm::SMLoc SourceText::getLoc(size_t index) const {
  size_t offset;
  if (ascii)
    offset = std::min(index, text.size());
  else
    offset = index < byteOffsets.size() ? byteOffsets[index] : text.size();
  return llvm::SMLoc::getFromPointer(text.data() + offset);
}

llvm::SMRange SourceText::getRange(size_t start, size_t stop) const {
  if (stop < start || stop == static_cast<size_t>(-1))
    return llvm::SMRange(getLoc(start), getLoc(start));
  return llvm::SMRange(getLoc(start), getLoc(stop + 1));
}
