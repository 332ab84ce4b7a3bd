//===- Value.h - compile-time values of the language -----------*- C++ -*-===//
//
// What an expression evaluates to during checking: an integer, a float, a
// boolean, a string, a tuple, a tensor (the layer that produces it), or
// "unknown" after an error (unknown values keep checking quiet, so one
// mistake gives one diagnostic). Layer attributes are Values too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

/// The index of a layer in its Graph.
using LayerId = unsigned;

/// A compile-time value.
class Value {
public:
  enum class Kind { Unknown, Int, Float, Bool, String, Tuple, Tensor };

  Value() = default;
  static Value unknown() { return Value(); }
  static Value integer(int64_t v) {
    Value r(Kind::Int);
    r.intValue = v;
    return r;
  }
  static Value floating(double v) {
    Value r(Kind::Float);
    r.floatValue = v;
    return r;
  }
  static Value boolean(bool v) {
    Value r(Kind::Bool);
    r.intValue = v;
    return r;
  }
  static Value string(llvm::StringRef v) {
    Value r(Kind::String);
    r.stringValue = v.str();
    return r;
  }
  static Value tuple(std::vector<Value> elements) {
    Value r(Kind::Tuple);
    r.elements = std::move(elements);
    return r;
  }
  static Value tensor(LayerId layer) {
    Value r(Kind::Tensor);
    r.intValue = layer;
    return r;
  }

  Kind getKind() const { return kind; }
  bool isUnknown() const { return kind == Kind::Unknown; }
  bool isInt() const { return kind == Kind::Int; }
  bool isFloat() const { return kind == Kind::Float; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isString() const { return kind == Kind::String; }
  bool isTuple() const { return kind == Kind::Tuple; }
  bool isTensor() const { return kind == Kind::Tensor; }
  /// True for an int, or a tuple whose elements are all ints.
  bool isIntOrIntTuple() const;

  int64_t getInt() const { return intValue; }
  double getFloat() const { return floatValue; }
  /// A float, or an int widened to double.
  double getNumber() const {
    return kind == Kind::Int ? static_cast<double>(intValue) : floatValue;
  }
  bool getBool() const { return intValue != 0; }
  llvm::StringRef getString() const { return stringValue; }
  const std::vector<Value> &getElements() const { return elements; }
  LayerId getTensor() const { return static_cast<LayerId>(intValue); }

  /// Source-like spelling: 5, 0.5, true, "same", (3, 5).
  std::string str() const;
  /// "an integer", "a string", ... for messages.
  std::string describeKind() const;

  bool operator==(const Value &other) const;
  bool operator!=(const Value &other) const { return !(*this == other); }

private:
  explicit Value(Kind kind) : kind(kind) {}
  Kind kind = Kind::Unknown;
  int64_t intValue = 0;
  double floatValue = 0;
  std::string stringValue;
  std::vector<Value> elements;
};

} // namespace netc
