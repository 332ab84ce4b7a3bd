//===- Suggest.cpp - typo suggestions by edit distance --------------------===//
#include "netc/Basic/Suggest.h"

using namespace netc;

std::optional<std::string>
netc::findClosest(llvm::StringRef word, llvm::ArrayRef<std::string> candidates) {
  for (const std::string &c : candidates)
    if (word.equals_insensitive(c))
      return c;
  // Up to one edit per three characters: "strides" -> "stride", but no
  // guesses for one- and two-letter names, where everything is one edit away.
  unsigned limit = word.size() / 3;
  if (limit == 0)
    return std::nullopt;
  std::optional<std::string> best;
  unsigned bestDistance = limit + 1;
  for (const std::string &c : candidates) {
    unsigned d = word.edit_distance(c, /*AllowReplacements=*/true, limit);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}
