//===- Numbers.h - the one way netc reads a number ---------------*- C++ -*-===//
//
// Numbers are decimal everywhere: in .net files, in -D values and in every
// numeric option (--batch, --depth, --fit ...). Digits may be grouped with
// single '_' separators (1_000_000); a leading 0 is just a digit (010 is
// ten); hexadecimal, octal, binary, "inf" and "nan" are not numbers.
// The lexers check a token's spelling before its value is computed here;
// command-line text is checked here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace netc {

/// The value of decimal \p digits (as the lexer's INT token spells them,
/// '_' separators allowed), negated when \p negative; nullopt when it does
/// not fit in 64 bits.
std::optional<int64_t> getDigitsValue(llvm::StringRef digits, bool negative);

/// The value of a FLOAT token's spelling, or nullopt when it is out of range
/// (too large, or too small to be told from zero).
std::optional<double> getFloatSpellingValue(llvm::StringRef spelling);

/// Reads command-line text as a decimal integer: an optional '-', then
/// digits with single '_' separators. nullopt for anything else, or a value
/// outside 64 bits.
std::optional<int64_t> parseDecimalInteger(llvm::StringRef text);

/// Reads command-line text as a decimal number: an optional '-', digits,
/// an optional fraction and an optional exponent (1.5, 2e9, 1_000.25).
/// nullopt for anything else, or a value out of range.
std::optional<double> parseDecimalNumber(llvm::StringRef text);

} // namespace netc
