//===- Literals.cpp - the values of literal spellings ---------------------===//
//
// Computes the values of STRING spellings for both parsers (Literals.h):
// the quotes removed and the escapes resolved. Numbers are read by
// Basic/Numbers.h, as on the command line.
//
//===----------------------------------------------------------------------===//
#include "Literals.h"


using namespace netc;
using namespace netc::parse;

std::string netc::parse::unquote(llvm::StringRef quoted) {
  std::string value;
  value.reserve(quoted.size());
  for (size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 2 < quoted.size()) {
      char next = quoted[++i];
      value += next == 'n' ? '\n' : next == 't' ? '\t' : next;
      continue;
    }
    value += c;
  }
  return value;
}
