//===- Defines.cpp - -D NAME=VALUE, the network parameters of a run -------===//
#include "netc/Check/Checker.h"

#include "netc/Basic/Numbers.h"

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
  diags.report(llvm::SMLoc(), diag::err_drv_define_value, name, literal);
  return std::nullopt;
}
