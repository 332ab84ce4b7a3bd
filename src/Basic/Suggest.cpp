//===- Suggest.cpp - typo suggestions by edit distance --------------------===//
#include "netc/Basic/Suggest.h"

using namespace netc;

std::optional<std::string>
netc::findClosest(llvm::StringRef word, llvm::ArrayRef<std::string> candidates) {
  for (const std::string &c : candidates)
    if (word.equals_insensitive(c))
      return c;
  unsigned limit = std::max<unsigned>(1, word.size() / 3);
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
