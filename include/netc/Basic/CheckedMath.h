//===- CheckedMath.h - 64-bit arithmetic that reports overflow --*- C++ -*-===//
//
// Every shape, count and byte computation in netc goes through these
// helpers: an overflow yields std::nullopt, never a wrapped value.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace netc {

/// a + b, or nullopt on overflow.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// a - b, or nullopt on overflow.
inline std::optional<int64_t> checkedSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// a * b, or nullopt on overflow.
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// Floor division (b > 0), as Python's // and PyTorch's shape formulas.
inline int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

/// Ceiling division (b > 0).
inline int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

/// Products and sums that share one overflow flag, so that a formula of
/// many terms reads as the formula: compute every term, then ask once.
class CheckedArithmetic {
public:
  /// The product of \p factors (0 once any product overflows).
  int64_t mul(std::initializer_list<int64_t> factors) {
    return fold(factors, 1, checkedMul);
  }
  /// The sum of \p terms (0 once any sum overflows).
  int64_t add(std::initializer_list<int64_t> terms) {
    return fold(terms, 0, checkedAdd);
  }
  /// True when some product or sum overflowed.
  bool overflowed() const { return overflow; }

private:
  int64_t fold(std::initializer_list<int64_t> values, int64_t result,
               std::optional<int64_t> (*op)(int64_t, int64_t)) {
    for (int64_t v : values) {
      std::optional<int64_t> next = op(result, v);
      if (!next) {
        overflow = true;
        return 0;
      }
      result = *next;
    }
    return result;
  }
  bool overflow = false;
};

} // namespace netc
