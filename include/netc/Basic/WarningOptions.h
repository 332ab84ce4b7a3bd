//===- WarningOptions.h - -W options and warning groups ---------*- C++ -*-===//
//
// The warning groups are the Group column of DiagnosticKinds.def; every group
// is enabled by default. The -W options change them, as in clang:
//
//   -Werror            every warning is an error
//   -Wno-error         undoes -Werror
//   -WGROUP            enables GROUP (undoes an earlier -Wno-GROUP)
//   -Wno-GROUP         silences GROUP
//   -Werror=GROUP      enables GROUP and makes its warnings errors, also
//                      without -Werror
//   -Wno-error=GROUP   keeps GROUP's warnings warnings, also under -Werror
//
// Options are applied in command-line order, so for one group the last
// -WGROUP / -Wno-GROUP / -Werror=GROUP wins. -Wno-error=GROUP beats -Werror
// in any order. -w silences every warning, whatever the other options say.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace netc {

/// Every warning group of DiagnosticKinds.def, sorted, each once.
const std::vector<std::string> &getWarningGroups();

/// True when \p group is a warning group of DiagnosticKinds.def.
bool isWarningGroup(llvm::StringRef group);

/// Applies one -W option to \p options. \p value is the text after "-W"
/// ("error", "no-error", "GROUP", "no-GROUP", "error=GROUP",
/// "no-error=GROUP"). Returns false, changing nothing, when it names no
/// known group; \p suggestion is then the closest valid spelling of the
/// whole option ("-Wno-unused-input" for "no-unused-inptu"), if any.
bool applyWarningOption(DiagnosticOptions &options, llvm::StringRef value,
                        std::optional<std::string> &suggestion);

/// What becomes of a warning of group \p group (empty: no group).
enum class WarningTreatment { Ignore, Warn, Error };
WarningTreatment classifyWarning(const DiagnosticOptions &options,
                                 llvm::StringRef group);

/// The option shown in brackets after a warning's message: "-WGROUP", or
/// "-Werror,-WGROUP" when the warning was made an error ("-Werror" for a
/// warning without a group, "" for a warning without a group kept a
/// warning).
std::string getWarningFlag(llvm::StringRef group, bool asError);

} // namespace netc
