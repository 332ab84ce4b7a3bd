//===- Defines.cpp - -D NAME=VALUE, the network parameters of a run -------===//
#include "netc/Check/Checker.h"

#include "netc/Basic/Numbers.h"

#include "llvm/ADT/STLExtras.h"

#include <cctype>

using namespace netc;

std::optional<std::pair<std::string, Value>>
netc::parseDefine(llvm::StringRef text, DiagnosticEngine &diags) {
  auto [name, literal] = text.split('=');
  if (name.empty() || literal.empty() || !text.contains('=')) {
    diags.report(llvm::SMLoc(), diag::err_drv_define_syntax, text);
    return std::nullopt;
  }
  // Numbers as a .net file spells them (Basic/Numbers.h).
  if (literal == "true" || literal == "false")
    return std::make_pair(name.str(), Value::boolean(literal == "true"));
  if (std::optional<int64_t> integer = parseDecimalInteger(literal))
    return std::make_pair(name.str(), Value::integer(*integer));
  if (std::optional<double> number = parseDecimalNumber(literal))
    return std::make_pair(name.str(), Value::floating(*number));
  // A string: quoted as in a .net file ("small"), or a bare name (small),
  // for parameters such as -D preset=small.
  if (literal.size() >= 2 && literal.front() == '"' && literal.back() == '"' &&
      !literal.drop_front().drop_back().contains('"'))
    return std::make_pair(name.str(),
                          Value::string(literal.drop_front().drop_back()));
  bool isName = (std::isalpha(static_cast<unsigned char>(literal[0])) ||
                 literal[0] == '_') &&
                llvm::all_of(literal, [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) ||
                         c == '_' || c == '-' || c == '.';
                });
  // inf and nan read as numbers that a .net file cannot spell, not names.
  bool isSpecialNumber = literal.equals_insensitive("inf") ||
                         literal.equals_insensitive("infinity") ||
                         literal.equals_insensitive("nan");
  if (isName && !isSpecialNumber)
    return std::make_pair(name.str(), Value::string(literal));
  diags.report(llvm::SMLoc(), diag::err_drv_define_value, name, literal);
  return std::nullopt;
}
