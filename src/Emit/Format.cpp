//===- Format.cpp - numbers, sizes and counts as text ---------------------===//
#include "netc/Emit/Format.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>

using namespace netc;

size_t netc::getWidthWithSeparators(int64_t value) {
  // Digits, a comma between groups of three, and the sign; |INT64_MIN|
  // does not fit in int64_t, so count on the unsigned magnitude.
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value)
                                 : static_cast<uint64_t>(value);
  size_t digits = 1;
  while (magnitude >= 10) {
    magnitude /= 10;
    ++digits;
  }
  return digits + (digits - 1) / 3 + (value < 0 ? 1 : 0);
}

void netc::appendWithSeparators(std::string &out, int64_t value) {
  char digits[24];
  char *end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  const char *first = digits[0] == '-' ? digits + 1 : digits;
  size_t count = end - first;
  // Made in a buffer, then appended at once.
  char text[32];
  size_t size = 0;
  if (first != digits)
    text[size++] = '-';
  for (size_t i = 0; i < count; ++i) {
    if (i && (count - i) % 3 == 0)
      text[size++] = ',';
    text[size++] = first[i];
  }
  out.append(text, size);
}

std::string netc::formatWithSeparators(int64_t value) {
  std::string out;
  appendWithSeparators(out, value);
  return out;
}

namespace {
/// A size unit's spelling, and the divisor it stands for, in numbers and
/// as --explain writes it.
struct SizeUnitInfo {
  SizeUnit unit;
  double divisor;
  llvm::StringLiteral divisorText;
};
const SizeUnitInfo sizeUnits[] = {
    {SizeUnit::Auto, 1, "1"},
    {SizeUnit::B, 1, "1"},
    {SizeUnit::KiB, 1024.0, "1024"},
    {SizeUnit::MiB, 1024.0 * 1024, "1024^2"},
    {SizeUnit::GiB, 1024.0 * 1024 * 1024, "1024^3"},
    {SizeUnit::KB, 1e3, "1000"},
    {SizeUnit::MB, 1e6, "1000^2"},
    {SizeUnit::GB, 1e9, "1000^3"},
};
const SizeUnitInfo &getInfo(SizeUnit unit) {
  for (const SizeUnitInfo &info : sizeUnits)
    if (info.unit == unit)
      return info;
  return sizeUnits[0];
}
} // namespace

SpellingTable<SizeUnit> netc::getSizeUnitSpellings() {
  static const Spelling<SizeUnit> spellings[] = {
      {SizeUnit::Auto, "auto"}, {SizeUnit::B, "B"},   {SizeUnit::KiB, "KiB"},
      {SizeUnit::MiB, "MiB"},   {SizeUnit::GiB, "GiB"}, {SizeUnit::KB, "KB"},
      {SizeUnit::MB, "MB"},     {SizeUnit::GB, "GB"}};
  return spellings;
}

llvm::StringRef netc::getSizeUnitName(SizeUnit unit) {
  return getSpelling(getSizeUnitSpellings(), unit);
}

SizeUnit netc::resolveSizeUnit(SizeUnit unit, int64_t bytes) {
  if (unit != SizeUnit::Auto)
    return unit;
  for (SizeUnit u : {SizeUnit::GiB, SizeUnit::MiB, SizeUnit::KiB})
    if (static_cast<double>(bytes) >= getInfo(u).divisor)
      return u;
  return SizeUnit::B;
}

llvm::StringRef netc::getSizeUnitDivisor(SizeUnit unit) {
  return getInfo(unit).divisorText;
}

std::string netc::formatSize(int64_t bytes, SizeUnit unit) {
  unit = resolveSizeUnit(unit, bytes);
  if (unit == SizeUnit::B)
    return formatWithSeparators(bytes) + " B";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f", static_cast<double>(bytes) / getInfo(unit).divisor);
  os.flush();
  // Thousands separators on the integer part: 16,390.35.
  size_t dot = s.find('.');
  return formatWithSeparators(std::stoll(s.substr(0, dot))) + s.substr(dot) +
         " " + getSizeUnitName(unit).str();
}

double netc::toMiB(int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::string netc::formatCountUnit(int64_t count) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (count >= 5'000'000'000'000)
    os << llvm::format(" (%.2f T)", static_cast<double>(count) / 1e12);
  else if (count >= 5'000'000)
    os << llvm::format(" (%.2f G)", static_cast<double>(count) / 1e9);
  else if (count >= 5'000)
    os << llvm::format(" (%.2f M)", static_cast<double>(count) / 1e6);
  return os.str();
}

void netc::appendCountShort(std::string &out, int64_t count) {
  static constexpr char Units[] = "KMGTPE";
  constexpr unsigned NumUnits = sizeof Units - 1;
  char text[48];
  if (count < 1000) {
    out.append(text, std::to_chars(text, text + sizeof text, count).ptr - text);
    return;
  }
  double value = static_cast<double>(count);
  unsigned unit = 0;
  for (value /= 1000; value >= 999.5 && unit + 1 < NumUnits; ++unit)
    value /= 1000;
  // Fixed notation as printf's "%.2f" (to_chars is specified to give the
  // same text, faster).
  int precision = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  char *end = std::to_chars(text, text + sizeof text - 4, value,
                            std::chars_format::fixed, precision)
                  .ptr;
  *end++ = ' ';
  *end++ = Units[unit];
  out.append(text, end - text);
}

std::string netc::formatCountShort(int64_t count) {
  std::string out;
  appendCountShort(out, count);
  return out;
}
