//===- WarningOptions.cpp - -W options and warning groups -----------------===//
//
// The warning groups come from DiagnosticKinds.def; the -W options change how
// the engine treats each group (see WarningOptions.h for the rules).
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/WarningOptions.h"

#include "netc/Basic/Suggest.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace netc;

const std::vector<std::string> &netc::getWarningGroups() {
  static const std::vector<std::string> groups = [] {
    std::vector<std::string> result;
    for (unsigned kind = 0; kind < diag::NumKinds; ++kind) {
      llvm::StringRef group =
          getDiagnosticInfo(static_cast<diag::Kind>(kind)).group;
      if (!group.empty())
        result.push_back(group.str());
    }
    llvm::sort(result);
    result.erase(std::unique(result.begin(), result.end()), result.end());
    return result;
  }();
  return groups;
}

bool netc::isWarningGroup(llvm::StringRef group) {
  return llvm::is_contained(getWarningGroups(), group);
}

bool netc::applyWarningOption(DiagnosticOptions &options, llvm::StringRef value,
                              std::optional<std::string> &suggestion) {
  suggestion.reset();
  if (value == "error") {
    options.warningsAsErrors = true;
    return true;
  }
  if (value == "no-error") {
    options.warningsAsErrors = false;
    return true;
  }
  // The spelling before the group name, and what the option does to it.
  llvm::StringRef prefix;
  llvm::StringRef group = value;
  if (group.consume_front("error=")) {
    prefix = "error=";
  } else if (group.consume_front("no-error=")) {
    prefix = "no-error=";
  } else if (group.consume_front("no-")) {
    prefix = "no-";
  }
  if (!isWarningGroup(group)) {
    // Suggest a group with the same prefix; for -WNAME and -Wno-NAME, also
    // -Werror and -Wno-error.
    std::vector<std::string> candidates = getWarningGroups();
    if (prefix.empty() || prefix == "no-")
      candidates.push_back("error");
    if (auto closest = findClosest(group, candidates))
      suggestion = ("-W" + prefix + *closest).str();
    return false;
  }
  if (prefix == "error=") {
    options.groupEnabled[group.str()] = true;
    options.groupAsError[group.str()] = true;
  } else if (prefix == "no-error=") {
    options.groupAsError[group.str()] = false;
  } else {
    options.groupEnabled[group.str()] = prefix.empty();
  }
  return true;
}

WarningTreatment netc::classifyWarning(const DiagnosticOptions &options,
                                       llvm::StringRef group) {
  if (options.suppressWarnings)
    return WarningTreatment::Ignore;
  auto enabled = options.groupEnabled.find(group);
  if (enabled != options.groupEnabled.end() && !enabled->second)
    return WarningTreatment::Ignore;
  auto asError = options.groupAsError.find(group);
  if (asError != options.groupAsError.end())
    return asError->second ? WarningTreatment::Error : WarningTreatment::Warn;
  return options.warningsAsErrors ? WarningTreatment::Error
                                  : WarningTreatment::Warn;
}

std::string netc::getWarningFlag(llvm::StringRef group, bool asError) {
  if (group.empty())
    return asError ? "-Werror" : "";
  return ((asError ? "-Werror,-W" : "-W") + group).str();
}
