//===- OptionValues.h - option values read from their spelling tables -*- C++ -*-===//
//
// Options whose values are names (--optimizer adam, --units MiB) are read
// through the enum's spelling table (Basic/Spelling.h): a value that is not
// one of its spellings is reported as "--OPTION must be a, b or c, got 'x'",
// with "did you mean" when x looks like a typo of one (a case-only
// difference always does).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/Spelling.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace netc {

/// Reports that --\p option must be one of \p choices, got \p value.
void reportBadChoice(llvm::StringRef option,
                     llvm::ArrayRef<std::string> choices,
                     llvm::StringRef value, DiagnosticEngine &diags);

/// The value of --\p option spelt \p value in \p table; nullopt after
/// reporting a value that is not one of its spellings.
template <typename Enum>
std::optional<Enum> parseChoice(llvm::StringRef option,
                                SpellingTable<Enum> table,
                                llvm::StringRef value,
                                DiagnosticEngine &diags) {
  if (std::optional<Enum> parsed = parseSpelling(table, value))
    return parsed;
  reportBadChoice(option, getSpellings(table), value, diags);
  return std::nullopt;
}

} // namespace netc
