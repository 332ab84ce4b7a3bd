//===- Literals.cpp - the values of literal spellings ---------------------===//
//
// Computes the values of INT, FLOAT and STRING spellings for both parsers
// (Literals.h): integers accumulated as negative numbers so that -2^63 fits,
// floats by strtod with the '_' separators removed, strings with their
// escapes resolved.
//
//===----------------------------------------------------------------------===//
#include "Literals.h"

#include "llvm/ADT/SmallString.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace netc;
using namespace netc::parse;

std::optional<int64_t>
netc::parse::parseIntegerSpelling(llvm::StringRef spelling, bool negative) {
  // Accumulate as a negative number so that -2^63 is representable.
  int64_t value = 0;
  for (char c : spelling) {
    if (c == '_')
      continue;
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_sub_overflow(value, c - '0', &value))
      return std::nullopt;
  }
  if (!negative && __builtin_mul_overflow(value, -1, &value))
    return std::nullopt;
  return value;
}

std::optional<double>
netc::parse::parseFloatSpelling(llvm::StringRef spelling) {
  llvm::SmallString<32> digits;
  for (char c : spelling)
    if (c != '_')
      digits.push_back(c);
  errno = 0;
  double value = std::strtod(digits.c_str(), nullptr);
  // Out of range either way: too large (inf) or too small to be told
  // from zero.
  if (errno == ERANGE && (std::isinf(value) || value == 0))
    return std::nullopt;
  return value;
}

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
