//===- Completion.h - completion and signature help --------------*- C++ -*-===//
//
// Completion and signature help work on text that is being typed, which
// rarely parses: they read the text before the cursor with a small scanner
// (comments, strings, brackets, the call being written and its arguments,
// the names bound so far in the network or block), not the syntax tree. The
// op registry gives op names, signatures, keyword arguments with their
// defaults, and docs; the last checked version of the document gives the
// blocks of imported files.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "CheckedDocument.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

namespace netc::lsp {

/// The CompletionList for the cursor at byte \p offset of \p text.
/// \p checked, when given, is the latest checked version of the document.
llvm::json::Value complete(llvm::StringRef text, size_t offset,
                           const CheckedDocument *checked);

/// The SignatureHelp for the call around byte \p offset, or null.
llvm::json::Value getSignatureHelp(llvm::StringRef text, size_t offset,
                                   const CheckedDocument *checked);

} // namespace netc::lsp
