//===- OptionValues.cpp - reporting a bad option value --------------------===//
#include "netc/Frontend/OptionValues.h"

#include "netc/Basic/Suggest.h"

using namespace netc;

void netc::reportBadChoice(llvm::StringRef option,
                           llvm::ArrayRef<std::string> choices,
                           llvm::StringRef value, DiagnosticEngine &diags) {
  std::string list = joinAlternatives(choices);
  if (std::optional<std::string> closest = findClosest(value, choices))
    diags.report(llvm::SMLoc(), diag::err_drv_bad_choice_suggest, option,
                 list, value, *closest);
  else
    diags.report(llvm::SMLoc(), diag::err_drv_bad_choice, option, list,
                 value);
}
