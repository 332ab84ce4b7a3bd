//===- Tensor.h - element types and per-sample tensor types ----*- C++ -*-===//
//
// The types the checker assigns to values. Shapes are per sample: the batch
// axis is never part of a TensorType.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/Spelling.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace netc {

/// An element type.
enum class DType { F16, BF16, F32, F64, I8, I32, I64, Bool };

/// The element type's size in bytes.
unsigned getByteWidth(DType dtype);

/// True for f16, bf16, f32 and f64.
inline bool isFloatingPoint(DType dtype) {
  return dtype == DType::F16 || dtype == DType::BF16 || dtype == DType::F32 ||
         dtype == DType::F64;
}

/// The element type of an op on \p a and \p b, as torch promotes: a float
/// type wins over integers and bool, the wider of two types of one kind
/// wins, and f16 with bf16 gives f32.
DType promoteTypes(DType a, DType b);
/// "f32", "f16", "bf16", "f64", "i8", "i32", "i64", "bool".
SpellingTable<DType> getDTypeSpellings();
/// The element type's name as written in source ("f32").
llvm::StringRef getDTypeName(DType dtype);
/// Parses a name such as "bf16"; nullopt if unknown.
std::optional<DType> parseDType(llvm::StringRef name);

/// The most axes a tensor may have.
constexpr unsigned MaxTensorRank = 8;

/// A per-sample tensor type: element type and dimensions.
struct TensorType {
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t, 4> dims;

  TensorType() = default;
  TensorType(const TensorType &) = default;
  TensorType &operator=(const TensorType &) = default;
  // Moving never throws (SmallVector's move only steals or copies into its
  // inline elements); saying so lets std::vector<Layer> move its layers
  // when it grows instead of copying them.
  TensorType(TensorType &&other) noexcept
      : dtype(other.dtype), dims(std::move(other.dims)) {}
  TensorType &operator=(TensorType &&other) noexcept {
    dtype = other.dtype;
    dims = std::move(other.dims);
    return *this;
  }

  unsigned getRank() const { return dims.size(); }
  /// The number of elements, or nullopt if it overflows int64.
  std::optional<int64_t> getNumElements() const;
  /// "[6, 28, 28]".
  std::string str() const;
  /// Appends str() to \p out.
  void appendTo(std::string &out) const;
  bool operator==(const TensorType &other) const {
    return dtype == other.dtype && dims == other.dims;
  }
};

/// Dimensions joined by 'x', as kernels and edge labels are written:
/// {5, 5} -> "5x5", {16, 28, 28} -> "16x28x28".
std::string joinDims(llvm::ArrayRef<int64_t> dims);
/// Appends joinDims(dims) to \p out.
void appendJoinedDims(std::string &out, llvm::ArrayRef<int64_t> dims);

} // namespace netc
