//===- PyTorchMemory.h - what torch.autograd keeps for backward -*- C++ -*-===//
//
// The pytorch memory model: the bytes autograd saves in one training-mode
// forward pass, op by op as each OpDef's BackwardSaves says (convolution and
// dense keep their input, batchnorm its input and statistics, ReLU its
// output, max pooling its input and indices, ...), each tensor counted once
// however many layers keep it. Tensors are identified as torch does, by
// storage, offset and shape: in-place layers share their input's tensor,
// views of the same shape are the same tensor, other views are their own.
// docs/memory.md compares the figures with torch 1.13.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace netc {

/// What one layer keeps, per sample.
struct LayerSaves {
  LayerId layer = -1;
  /// True when the tensor kept is a copy the layer makes (see `tensors`).
  bool copy = false;
  /// Tensors this layer is the first to keep.
  int64_t newTensorBytes = 0;
  /// Tensors an earlier layer already keeps (counted there).
  int64_t sharedTensorBytes = 0;
  /// Statistics, indices and masks.
  int64_t extraBytes = 0;
  /// The layers whose outputs it keeps (a copy when `copy`), in order (one
  /// or two for almost every op: held without a heap allocation).
  llvm::SmallVector<LayerId, 2> tensors;

  /// The bytes per sample this layer is first to keep: its new tensors,
  /// statistics, indices and masks.
  int64_t getFirstKeptBytes() const { return newTensorBytes + extraBytes; }

  LayerSaves() = default;
  LayerSaves(const LayerSaves &) = default;
  LayerSaves &operator=(const LayerSaves &) = default;
  // Moving never throws; saying so lets std::vector<LayerSaves> move its
  // elements when it grows instead of copying them.
  LayerSaves(LayerSaves &&) noexcept = default;
  LayerSaves &operator=(LayerSaves &&) noexcept = default;
};

/// The saved-for-backward bytes of a network, per sample.
struct SavedForBackward {
  /// Distinct tensors kept, and their bytes.
  int64_t tensorCount = 0;
  int64_t tensorBytes = 0;
  /// Statistics, indices and masks.
  int64_t extraBytes = 0;
  /// tensorBytes + extraBytes.
  int64_t bytes = 0;
  /// Bytes of network inputs no layer keeps (still held for the batch).
  int64_t unsavedInputBytes = 0;
  /// Every layer that keeps something, in graph order. (A deque: its small
  /// blocks reuse the memory the check stage freed, where one vector of a
  /// million records would need fresh pages and raise the peak.)
  std::deque<LayerSaves> layers;
};

/// How many devices divide a kept tensor: \p tensor (a layer whose output
/// it is) as layer \p keeper keeps it (tensor and sequence parallelism,
/// Parallelism.h). Statistics and masks are divided as the keeper's own
/// output is.
using SavedTensorSplit = llvm::function_ref<int64_t(LayerId tensor,
                                                    LayerId keeper)>;

/// Computes what autograd keeps for \p graph, on one device when \p split
/// divides tensors over several (each part rounded up to whole elements);
/// nullopt if a sum overflows.
std::optional<SavedForBackward>
computeSavedForBackward(const Graph &graph, const SavedWidths &widths,
                        SavedTensorSplit split = nullptr);

} // namespace netc
