//===- Value.h - compile-time values of the language -----------*- C++ -*-===//
//
// What an expression evaluates to during checking: an integer, a float, a
// boolean, a string, a tuple, a tensor (the layer that produces it), a
// layer's weight (`tok.weight`, shared by a layer that ties to it), or
// "unknown" after an error (unknown values keep checking quiet, so one
// mistake gives one diagnostic). Layer attributes are Values too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace netc {

/// The index of a layer in its Graph.
using LayerId = unsigned;

/// A compile-time value.
class Value {
public:
  enum class Kind { Unknown, Int, Float, Bool, String, Tuple, Tensor, Weight };

  Value() = default;
  Value(const Value &other)
      : kind(other.kind), bits(other.bits),
        payload(other.payload ? std::make_unique<Payload>(*other.payload)
                              : nullptr) {}
  Value(Value &&other) noexcept = default;
  Value &operator=(const Value &other) {
    if (this != &other)
      *this = Value(other);
    return *this;
  }
  Value &operator=(Value &&other) noexcept = default;

  static Value unknown() { return Value(); }
  static Value integer(int64_t v) {
    Value r(Kind::Int);
    r.bits = v;
    return r;
  }
  static Value floating(double v) {
    Value r(Kind::Float);
    std::memcpy(&r.bits, &v, sizeof v);
    return r;
  }
  static Value boolean(bool v) {
    Value r(Kind::Bool);
    r.bits = v;
    return r;
  }
  static Value string(llvm::StringRef v) {
    Value r(Kind::String);
    r.payload = std::make_unique<Payload>();
    r.payload->string = v.str();
    return r;
  }
  static Value tuple(std::vector<Value> elements) {
    Value r(Kind::Tuple);
    r.payload = std::make_unique<Payload>();
    r.payload->elements = std::move(elements);
    return r;
  }
  static Value tensor(LayerId layer) {
    Value r(Kind::Tensor);
    r.bits = layer;
    return r;
  }

  /// The weight of the layer that made tensor \p layer (`tok.weight`).
  static Value weight(LayerId layer) {
    Value r(Kind::Weight);
    r.bits = layer;
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
  bool isWeight() const { return kind == Kind::Weight; }
  /// True for an int, or a tuple whose elements are all ints.
  bool isIntOrIntTuple() const;

  /// The integer of an Int, Bool, Tensor or Weight; 0 for a Float.
  int64_t getInt() const { return kind == Kind::Float ? 0 : bits; }
  /// The number of a Float; 0 for every other kind.
  double getFloat() const {
    double v = 0;
    if (kind == Kind::Float)
      std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  /// A float, or an int widened to double.
  double getNumber() const {
    return kind == Kind::Int ? static_cast<double>(bits) : getFloat();
  }
  bool getBool() const { return getInt() != 0; }
  llvm::StringRef getString() const {
    return payload ? llvm::StringRef(payload->string) : llvm::StringRef();
  }
  const std::vector<Value> &getElements() const {
    return payload ? payload->elements : noElements();
  }
  LayerId getTensor() const { return static_cast<LayerId>(getInt()); }
  /// The layer whose weight a Weight value is.
  LayerId getWeightOwner() const { return static_cast<LayerId>(getInt()); }

  /// Source-like spelling: 5, 0.5, true, "same", (3, 5).
  std::string str() const;
  /// "an integer", "a string", ... for messages.
  std::string describeKind() const;

  bool operator==(const Value &other) const;
  bool operator!=(const Value &other) const { return !(*this == other); }

private:
  /// The string of a String, the elements of a Tuple: kept apart, so that
  /// the numbers and tensors every layer attribute holds stay small (24
  /// bytes instead of 80).
  struct Payload {
    std::string string;
    std::vector<Value> elements;
  };
  static const std::vector<Value> &noElements();

  explicit Value(Kind kind) : kind(kind) {}
  Kind kind = Kind::Unknown;
  /// The integer of an Int, Bool or Tensor, or the bits of a Float's double.
  int64_t bits = 0;
  std::unique_ptr<Payload> payload;
};

} // namespace netc
