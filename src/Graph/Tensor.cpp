//===- Tensor.cpp - element types and tensor types ------------------------===//
#include "netc/Graph/Tensor.h"

#include "netc/Basic/CheckedMath.h"

#include "llvm/ADT/StringSwitch.h"

#include <charconv>

using namespace netc;

unsigned netc::getByteWidth(DType dtype) {
  switch (dtype) {
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::I8:
  case DType::Bool:
    return 1;
  }
  return 4;
}

DType netc::promoteTypes(DType a, DType b) {
  if (a == b)
    return a;
  bool floatA = isFloatingPoint(a), floatB = isFloatingPoint(b);
  if (floatA != floatB)
    return floatA ? a : b;
  if (floatA && getByteWidth(a) == getByteWidth(b))
    return DType::F32; // f16 and bf16
  if (!floatA && (a == DType::Bool || b == DType::Bool))
    return a == DType::Bool ? b : a;
  return getByteWidth(a) >= getByteWidth(b) ? a : b;
}

SpellingTable<DType> netc::getDTypeSpellings() {
  static const Spelling<DType> spellings[] = {
      {DType::F32, "f32"},  {DType::F16, "f16"}, {DType::BF16, "bf16"},
      {DType::F64, "f64"},  {DType::I8, "i8"},   {DType::I32, "i32"},
      {DType::I64, "i64"},  {DType::Bool, "bool"}};
  return spellings;
}

llvm::StringRef netc::getDTypeName(DType dtype) {
  return getSpelling(getDTypeSpellings(), dtype);
}

std::optional<DType> netc::parseDType(llvm::StringRef name) {
  return parseSpelling(getDTypeSpellings(), name);
}

std::optional<int64_t> TensorType::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : dims) {
    auto product = checkedMul(n, d);
    if (!product)
      return std::nullopt;
    n = *product;
  }
  return n;
}

/// Appends \p dims to \p out, with \p separator between them.
static void appendDims(std::string &out, llvm::ArrayRef<int64_t> dims,
                       llvm::StringRef separator) {
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i)
      out.append(separator.data(), separator.size());
    char digits[24];
    char *end = std::to_chars(digits, digits + sizeof digits, dims[i]).ptr;
    out.append(digits, end - digits);
  }
}

void TensorType::appendTo(std::string &out) const {
  out += '[';
  appendDims(out, dims, ", ");
  out += ']';
}

std::string TensorType::str() const {
  std::string s;
  s.reserve(2 + dims.size() * 6);
  appendTo(s);
  return s;
}

void netc::appendJoinedDims(std::string &out, llvm::ArrayRef<int64_t> dims) {
  appendDims(out, dims, "x");
}

std::string netc::joinDims(llvm::ArrayRef<int64_t> dims) {
  std::string s;
  appendJoinedDims(s, dims);
  return s;
}
