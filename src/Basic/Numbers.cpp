//===- Numbers.cpp - the one way netc reads a number ----------------------===//
#include "netc/Basic/Numbers.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace netc;

std::optional<int64_t> netc::getDigitsValue(llvm::StringRef digits,
                                            bool negative) {
  // Accumulate as a negative number so that -2^63 is representable.
  int64_t value = 0;
  for (char c : digits) {
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

std::optional<double> netc::getFloatSpellingValue(llvm::StringRef spelling) {
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

/// Consumes DIGITS, [0-9] ('_'? [0-9])*, from the front of \p text; false
/// (with \p text unchanged) when it does not start with a digit.
static bool consumeDigits(llvm::StringRef &text) {
  if (text.empty() || !llvm::isDigit(text.front()))
    return false;
  size_t i = 1;
  while (i < text.size() &&
         (llvm::isDigit(text[i]) ||
          (text[i] == '_' && i + 1 < text.size() && llvm::isDigit(text[i + 1]))))
    ++i;
  text = text.drop_front(i);
  return true;
}

std::optional<int64_t> netc::parseDecimalInteger(llvm::StringRef text) {
  bool negative = text.consume_front("-");
  llvm::StringRef rest = text;
  if (!consumeDigits(rest) || !rest.empty())
    return std::nullopt;
  return getDigitsValue(text, negative);
}

std::optional<double> netc::parseDecimalNumber(llvm::StringRef text) {
  llvm::StringRef rest = text;
  rest.consume_front("-");
  if (!consumeDigits(rest))
    return std::nullopt;
  if (rest.consume_front(".") && !consumeDigits(rest))
    return std::nullopt;
  if (rest.consume_front("e") || rest.consume_front("E")) {
    if (!rest.consume_front("+"))
      rest.consume_front("-");
    if (rest.empty() || !llvm::all_of(rest, llvm::isDigit))
      return std::nullopt;
    rest = "";
  }
  if (!rest.empty())
    return std::nullopt;
  return getFloatSpellingValue(text);
}
