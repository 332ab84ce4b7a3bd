//===- Spelling.h - one table of names per enum -----------------*- C++ -*-===//
//
// An enum that users spell on the command line or read in a report (the
// optimizer, the memory model, the size unit, the element type, ...) has
// one table of spellings, declared next to the enum. Parsing, printing,
// "did you mean" suggestions, the "a, b or c" lists of error messages and
// llvm::cl's value lists all read that table, so a spelling is written once.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace netc {

/// One spelling of an enum value, with a line of help for --help.
template <typename Enum> struct Spelling {
  Enum value;
  llvm::StringLiteral name;
  llvm::StringLiteral help = "";
};

/// The spellings of an enum, in the order they are listed to users.
template <typename Enum> using SpellingTable = llvm::ArrayRef<Spelling<Enum>>;

/// The value spelt \p name, or nullopt (spellings are case-sensitive).
template <typename Enum>
std::optional<Enum> parseSpelling(SpellingTable<Enum> table,
                                  llvm::StringRef name) {
  for (const Spelling<Enum> &s : table)
    if (s.name == name)
      return s.value;
  return std::nullopt;
}

/// The first spelling of \p value ("" if the table lacks it).
template <typename Enum>
llvm::StringRef getSpelling(SpellingTable<Enum> table, Enum value) {
  for (const Spelling<Enum> &s : table)
    if (s.value == value)
      return s.name;
  return "";
}

/// Every spelling, in table order (for suggestions).
template <typename Enum>
std::vector<std::string> getSpellings(SpellingTable<Enum> table) {
  std::vector<std::string> names;
  for (const Spelling<Enum> &s : table)
    names.push_back(s.name.str());
  return names;
}

/// "a, b or c".
std::string joinAlternatives(llvm::ArrayRef<std::string> names);

} // namespace netc
