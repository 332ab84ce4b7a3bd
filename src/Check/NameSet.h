//===- NameSet.h - the names used in a frame, kept compactly ------------===//
//
// Private to the check stage. Every layer's name is in the set of its
// frame, so a network of a million layers puts a million names in it, and
// almost all of them are made by counting: x_conv2d, x_conv2d_1,
// x_conv2d_2, ... A name that ends in a number (digits without a leading
// zero, after a stem such as "x_conv2d_") is kept as one bit in its stem's
// bitmap; the bitmaps of counted names are dense, small and read in order.
// Every other name, and a number far beyond the ones its stem has, is kept
// as a string. A name ending in a number is looked up in its stem's bitmap
// and among those far numbers, so where it went does not matter.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <cstdint>
#include <vector>

namespace netc::check {

class NameSet {
public:
  bool contains(llvm::StringRef name) const {
    llvm::StringRef stem;
    uint32_t number;
    if (!split(name, stem, number))
      return strings.count(name) != 0;
    auto it = stems.find(stem);
    if (it != stems.end() && it->second.test(number))
      return true;
    return !farNumbers.empty() && farNumbers.count(name) != 0;
  }

  /// Adds \p name; false if it was already there.
  bool insert(llvm::StringRef name) {
    llvm::StringRef stem;
    uint32_t number;
    if (!split(name, stem, number))
      return strings.insert(name).second;
    Bitmap &bits = stems[stem];
    if (bits.test(number))
      return false;
    // A number far past the stem's count stays a string: a stray
    // `a_99999999` must not cost megabytes.
    if (number >= 64 + 16 * static_cast<uint64_t>(bits.count))
      return farNumbers.insert(name).second;
    if (!farNumbers.empty() && farNumbers.count(name))
      return false;
    bits.set(number);
    return true;
  }

private:
  /// The set numbers of one stem.
  struct Bitmap {
    std::vector<uint64_t> words;
    uint32_t count = 0;

    bool test(uint32_t n) const {
      return n / 64 < words.size() && (words[n / 64] >> (n % 64) & 1);
    }
    void set(uint32_t n) {
      if (n / 64 >= words.size())
        words.resize(std::max<size_t>(n / 64 + 1, words.size() * 2), 0);
      words[n / 64] |= uint64_t(1) << (n % 64);
      ++count;
    }
  };

  /// Splits "x_relu_12" into "x_relu_" and 12: true when the name ends in
  /// one to nine digits without a leading zero (or the digit 0 alone) after
  /// a non-empty stem.
  static bool split(llvm::StringRef name, llvm::StringRef &stem,
                    uint32_t &number) {
    size_t end = name.size(), begin = end;
    while (begin > 0 && name[begin - 1] >= '0' && name[begin - 1] <= '9')
      --begin;
    size_t digits = end - begin;
    if (digits == 0 || digits > 9 || begin == 0 ||
        (digits > 1 && name[begin] == '0'))
      return false;
    number = 0;
    for (size_t i = begin; i < end; ++i)
      number = number * 10 + static_cast<uint32_t>(name[i] - '0');
    stem = name.take_front(begin);
    return true;
  }

  llvm::StringMap<Bitmap> stems;
  /// Names that do not end in a number.
  llvm::StringSet<> strings;
  /// Names that end in a number too far past their stem's for its bitmap.
  llvm::StringSet<> farNumbers;
};

} // namespace netc::check
