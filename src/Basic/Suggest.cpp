//===- Suggest.cpp - typo suggestions by edit distance --------------------===//
#include "netc/Basic/Suggest.h"

#include <algorithm>
#include <vector>

using namespace netc;

/// Edit distance with insertions, deletions, substitutions and swaps of two
/// neighbouring characters (optimal string alignment), so that "imgae" is
/// one edit from "image".
static unsigned editDistance(llvm::StringRef a, llvm::StringRef b) {
  std::vector<std::vector<unsigned>> d(a.size() + 1,
                                       std::vector<unsigned>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string>
netc::findClosest(llvm::StringRef word, llvm::ArrayRef<std::string> candidates) {
  for (const std::string &c : candidates)
    if (word.equals_insensitive(c))
      return c;
  // Up to one edit per three characters ("strides" -> "stride", "imgae" ->
  // "image"), and no guesses for one- and two-letter names, where
  // everything is an edit away.
  if (word.size() < 3)
    return std::nullopt;
  unsigned limit = std::max<size_t>(1, word.size() / 3);
  if (word.size() > 64)
    return std::nullopt;
  std::optional<std::string> best;
  unsigned bestDistance = limit + 1;
  for (const std::string &c : candidates) {
    if (c.size() > word.size() + limit || word.size() > c.size() + limit)
      continue;
    unsigned d = editDistance(word, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}
