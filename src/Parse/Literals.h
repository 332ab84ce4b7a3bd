//===- Literals.h - the values of literal spellings -------------*- C++ -*-===//
//
// Private to the parse stage. The value of a STRING token, computed from its
// spelling for both parsers (the hand parser and the ASTBuilder). INT and
// FLOAT values, with the limits the language sets (64-bit integers, floats
// that stay finite and non-zero), come from Basic/Numbers.h, which the
// command line shares.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <string>

namespace netc::parse {

/// The value of a STRING token's spelling: the quotes removed, `\n` and `\t`
/// resolved, and any other escaped character taken as it is.
std::string unquote(llvm::StringRef quoted);

} // namespace netc::parse
