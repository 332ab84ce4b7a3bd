//===- Format.h - how numbers and sizes are shown to people ------*- C++ -*-===//
//
// The backends' shared formatting: thousands separators, byte sizes in a
// chosen unit (--units), MiB for JSON, and short decimal counts for labels.
// Analyses compute integers; only the backends turn them into text.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Spelling.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace netc {

/// An integer with thousands separators: 61706 -> "61,706".
std::string formatWithSeparators(int64_t value);
/// Appends formatWithSeparators(value) to \p out.
void appendWithSeparators(std::string &out, int64_t value);
/// formatWithSeparators(value).size(), without making the text.
size_t getWidthWithSeparators(int64_t value);

/// How sizes are shown to people. Binary units (KiB = 1024 B) are labelled
/// as such; KB, MB and GB are powers of 1000.
enum class SizeUnit { Auto, B, KiB, MiB, GiB, KB, MB, GB };

/// "auto", "B", "KiB", "MiB", "GiB", "KB", "MB", "GB".
SpellingTable<SizeUnit> getSizeUnitSpellings();
/// The unit's name ("MiB").
llvm::StringRef getSizeUnitName(SizeUnit unit);
/// The unit \p unit stands for at \p bytes: Auto picks the largest binary
/// unit that keeps the figure at 1 or more (B below 1 KiB).
SizeUnit resolveSizeUnit(SizeUnit unit, int64_t bytes);
/// "1024^2" for MiB, "1000^3" for GB, "1" for B.
llvm::StringRef getSizeUnitDivisor(SizeUnit unit);
/// "4.06 MiB" (two decimals and thousands separators; whole bytes in B).
std::string formatSize(int64_t bytes, SizeUnit unit);

/// Bytes in MiB (1024^2).
double toMiB(int64_t bytes);

/// " (1.81 G)": \p count in units of 10^9 with two decimals, as torchvision
/// publishes GFLOPS; " (27.62 T)" (10^12) from 5 T, where G would need
/// six figures (a language model's forward pass); " (0.42 M)" (10^6) below
/// 0.01 G, and nothing below 0.01 M, where the count itself is short.
std::string formatCountUnit(int64_t count);

/// \p count to three significant digits with a decimal unit, for labels
/// that must stay short: "840", "117.6 K", "118 M", "4.09 G".
std::string formatCountShort(int64_t count);
/// Appends formatCountShort(count) to \p out.
void appendCountShort(std::string &out, int64_t count);

} // namespace netc
