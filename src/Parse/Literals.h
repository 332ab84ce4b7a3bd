//===- Literals.h - the values of literal spellings -------------*- C++ -*-===//
//
// Private to the parse stage. The values of INT, FLOAT and STRING tokens,
// computed from their spelling, with the limits the language sets (64-bit
// integers, floats that stay finite and non-zero). Both parsers use them:
// the hand parser (DirectParser), which gives up where a value is out of
// range, and the ASTBuilder, which reports it. Neither depends on ANTLR.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace netc::parse {

/// The value of an INT token's spelling (negated when \p negative), or
/// nullopt when it does not fit in 64 bits.
std::optional<int64_t> parseIntegerSpelling(llvm::StringRef spelling,
                                            bool negative);

/// The value of a FLOAT token's spelling, or nullopt when it is out of range
/// (too large, or too small to be told from zero).
std::optional<double> parseFloatSpelling(llvm::StringRef spelling);

/// The value of a STRING token's spelling: the quotes removed, `\n` and `\t`
/// resolved, and any other escaped character taken as it is.
std::string unquote(llvm::StringRef quoted);

} // namespace netc::parse
