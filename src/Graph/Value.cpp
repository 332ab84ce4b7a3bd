//===- Value.cpp - compile-time values ------------------------------------===//
#include "netc/Graph/Value.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace netc;

const std::vector<Value> &Value::noElements() {
  static const std::vector<Value> none;
  return none;
}

bool Value::isIntOrIntTuple() const {
  if (isInt())
    return true;
  const std::vector<Value> &elements = getElements();
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
    return std::to_string(getInt());
  case Kind::Float: {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << llvm::format("%g", getFloat());
    os.flush();
    if (s.find_first_of(".eEn") == std::string::npos)
      s += ".0";
    return s;
  }
  case Kind::Bool:
    return getInt() ? "true" : "false";
  case Kind::String: {
    std::string s = "\"";
    for (char c : getString()) {
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
    const std::vector<Value> &elements = getElements();
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
  case Kind::Weight:
    return "weight";
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
  case Kind::Weight:
    return "a layer's weight";
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
    return getFloat() == other.getFloat();
  case Kind::String:
    return getString() == other.getString();
  case Kind::Tuple:
    return getElements() == other.getElements();
  default:
    return getInt() == other.getInt();
  }
}
