//===- Spelling.cpp - lists of spellings for messages ---------------------===//
#include "netc/Basic/Spelling.h"

using namespace netc;

std::string netc::joinAlternatives(llvm::ArrayRef<std::string> names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i)
    s += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return s;
}
