//===- Families.h - the op family files and their shared helpers -*- C++ -*-===//
//
// Private to the Ops library. Each family file (Convolution.cpp, ...) adds
// its OpDef entries; OpRegistry.cpp calls them once, in this order.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Ops/OpRegistry.h"

namespace netc::ops {

void addInputOp(std::vector<OpDef> &ops);
void addConvolutionOps(std::vector<OpDef> &ops);
void addPoolingOps(std::vector<OpDef> &ops);
void addDenseOps(std::vector<OpDef> &ops);
void addNormalizationOps(std::vector<OpDef> &ops);
void addActivationOps(std::vector<OpDef> &ops);
void addReshapeOps(std::vector<OpDef> &ops);
void addResizeOps(std::vector<OpDef> &ops);
void addMergeOps(std::vector<OpDef> &ops);
void addAttentionOps(std::vector<OpDef> &ops);

/// "a [C, H, W] input" for spatial rank 2, "a [C, L] input" for 1, and so on.
std::string describeChannelsFirst(unsigned spatialRank);

/// Checks that input 0 has exactly 1 + spatialRank axes (channels first);
/// reports otherwise.
bool requireChannelsFirst(OpContext &ctx, unsigned spatialRank);

/// Checks that input 0 has at least \p minRank axes; reports otherwise,
/// saying that the op expects \p what ("an input with spatial axes ...").
bool requireMinRank(OpContext &ctx, unsigned minRank, llvm::StringRef what);

/// NumPy broadcasting of two shapes, right-aligned: each axis the same or
/// 1 in one of them. Reports a mismatch as err_broadcast ("cannot
/// \p verb A and B: dimensions ... differ"), with \p a and \p b as the
/// shapes it names, and returns nullopt.
std::optional<llvm::SmallVector<int64_t, 4>>
broadcastDims(OpContext &ctx, llvm::StringRef verb, const TensorType &a,
              llvm::ArrayRef<int64_t> aDims, const TensorType &b,
              llvm::ArrayRef<int64_t> bDims);

/// The output type equals input 0's type (element-wise ops).
std::optional<TensorType> sameShape(OpContext &ctx);

/// Padding before and after one spatial axis.
using AxisPadding = std::pair<int64_t, int64_t>;

/// The spatial output sizes of a sliding window (convolution or pooling)
/// over input 0's spatial axes, as PyTorch computes them:
///   out = floor_or_ceil((in + pads - dilation*(k-1) - 1) / stride) + 1.
/// Reports a (dilated) kernel larger than the padded input, overflow, and
/// sizes that reach zero.
std::optional<llvm::SmallVector<int64_t, 4>>
slidingWindowSizes(OpContext &ctx, llvm::ArrayRef<int64_t> kernel,
                   llvm::ArrayRef<int64_t> stride,
                   llvm::ArrayRef<AxisPadding> pads,
                   llvm::ArrayRef<int64_t> dilation, bool ceilMode);

/// Backward-pass rules (BackwardSaves::extra) shared by the family files.
/// \p bytes per output element, kept besides the tensors: int64 pooling
/// indices (8), a dropout mask (1).
SavedExtraRule savedBytesPerOutputElement(int64_t bytes);
/// \p count(layer) statistics of SavedWidths::statistics bytes each:
/// batchnorm's running and batch means and variances (4C), layernorm's and
/// groupnorm's means and reciprocal deviations.
SavedExtraRule
savedStatistics(std::function<std::optional<int64_t>(const Layer &)> count);

/// Cost rules (OpDef::countCost) shared by the family files.
/// \p flops per output element, no MACs (activations, add, mul).
CostRule flopsPerOutputElement(int64_t flops);
/// An int-or-tuple attribute of a checked layer as one value per spatial
/// axis (\p count of them); nullopt if absent or of another length.
std::optional<llvm::SmallVector<int64_t, 4>>
getPerAxisAttribute(const Layer &layer, llvm::StringRef name, unsigned count);
/// The product of \p values, or nullopt on overflow.
std::optional<int64_t> checkedProduct(llvm::ArrayRef<int64_t> values);

/// "height" for axis 0 of 2 spatial axes, and so on.
llvm::StringRef getSpatialAxisName(unsigned spatialRank, unsigned axis);

} // namespace netc::ops
