//===- SourceFormatter.h - netc fmt: one layout for every .net file -*- C++ -*-===//
//
// `netc fmt` lays a .net file out in the one canonical style of
// docs/formatting.md: one statement a line, two spaces of indentation a
// brace, one space around binary operators and none inside brackets or
// around a keyword argument's `=`, at most one blank line in a row, every
// comment kept where it was (own line, end of line, inside a call), the
// trailing comments of a run of lines aligned, and a statement longer than
// the line limit broken before each `|>`, one pipe stage a line.
//
// Formatting changes only blanks, line ends and `;`: the tokens, and so the
// syntax tree, stay the same (FormatTest checks it on every example, verify
// file and fuzz seed), and formatting a formatted file changes nothing.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace netc {

/// The longest line the formatter makes by joining (a statement longer than
/// this is broken before its pipe stages).
constexpr unsigned FormatLineLimit = 100;

/// \p source laid out in the canonical style. \p source must lex and parse
/// without errors (the caller checks): the formatter works on its tokens
/// and the comments between them.
std::string formatSource(llvm::StringRef source);

/// The syntax tree of \p text as ast::dump prints it without source ranges
/// (names, values and order: what formatting must keep), or nullopt when
/// \p text does not parse without errors.
std::optional<std::string> dumpSyntaxTree(llvm::StringRef text);

} // namespace netc
