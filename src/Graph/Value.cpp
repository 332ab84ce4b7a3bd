//===- Value.cpp - compile-time values ------------------------------------===//
#include "netc/Graph/Value.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;

bool Value::isIntOrIntTuple() const {
  if (isInt())
    return true;
  if (!isTuple() || elements.empty())
    return false;
  for (const Value &e : elements)
    if (!e.isInt())
      return false;
  return true;
}

std::string Value::str() const {
  switch (kind) {
  case Kind::Unknown:
    return "?";
  case Kind::Int:
    return std::to_string(intValue);
  case Kind::Float: {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::format("%g", floatValue);
    os.flush();
    if (s.find_first_of(".eEn") == std::string::npos)
      s += ".0";
    return s;
  }
  case Kind::Bool:
    return intValue ? "true" : "false";
  case Kind::String: {
    std::string s = "\"";
    for (char c : stringValue) {
      if (c == '"' || c == '\\')
        s += '\\';
      if (c == '\n') {
        s += "\\n";
        continue;
      }
      if (c == '\t') {
        s += "\\t";
        continue;
      }
      s += c;
    }
    return s + "\"";
  }
  case Kind::Tuple: {
    std::string s = "(";
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i)
        s += ", ";
      s += elements[i].str();
    }
    if (elements.size() == 1)
      s += ",";
    return s + ")";
  }
  case Kind::Tensor:
    return "tensor";
  }
  return "?";
}

std::string Value::describeKind() const {
  switch (kind) {
  case Kind::Unknown:
    return "an unknown value";
  case Kind::Int:
    return "an integer";
  case Kind::Float:
    return "a float";
  case Kind::Bool:
    return "a boolean";
  case Kind::String:
    return "a string";
  case Kind::Tuple:
    return "a tuple";
  case Kind::Tensor:
    return "a tensor";
  }
  return "a value";
}

bool Value::operator==(const Value &other) const {
  if (kind != other.kind)
    return false;
  switch (kind) {
  case Kind::Unknown:
    return true;
  case Kind::Float:
    return floatValue == other.floatValue;
  case Kind::String:
    return stringValue == other.stringValue;
  case Kind::Tuple:
    return elements == other.elements;
  default:
    return intValue == other.intValue;
  }
}
