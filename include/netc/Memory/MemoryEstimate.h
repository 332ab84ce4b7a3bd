//===- MemoryEstimate.h - a memory model's figures, term by term -*- C++ -*-===//
//
// What every backend prints about memory, whichever model computed it: the
// training terms at the batch (each with the formula that gives its bytes),
// training memory as fixed + per-sample x batch, and the inference terms.
// Two models fill it: `classic` (ClassicMemory.h, the recipe, the default)
// and `pytorch` (PyTorchMemory.h: what autograd keeps, with the inference
// peak by liveness). Also the size units figures are shown in.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Memory/ClassicMemory.h"
#include "netc/Memory/Liveness.h"
#include "netc/Memory/PyTorchMemory.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netc {

/// Which memory model the report's training and inference figures use.
enum class MemoryModel { Classic, PyTorch };

/// Parses "classic" or "pytorch".
std::optional<MemoryModel> parseMemoryModel(llvm::StringRef name);
llvm::StringRef getMemoryModelName(MemoryModel model);

/// One term of a memory formula.
struct MemoryTerm {
  std::string id;      ///< machine name, e.g. "parameters"
  std::string label;   ///< "parameters"
  std::string formula; ///< "61,706 x 3 x 4 B"
  int64_t bytes = 0;
  std::string note; ///< what the term stands for
};

/// A model's figures for one network.
struct MemoryEstimate {
  MemoryModel model = MemoryModel::Classic;
  int64_t batch = 1;
  std::vector<MemoryTerm> training;
  int64_t trainingTotal = 0;
  /// Training memory = fixedBytes + perSampleBytes x batch.
  int64_t fixedBytes = 0;
  int64_t perSampleBytes = 0;
  std::vector<MemoryTerm> inference;
  int64_t inferenceTotal = 0;
};

/// The classic recipe's terms.
MemoryEstimate estimateClassicMemory(const ClassicMemory &memory);

/// The pytorch model's terms: the model states and buffers of \p memory
/// (same optimizer, precision and sharding), what autograd keeps times the
/// batch, and for inference the peak of live activations. nullopt if a term
/// overflows.
std::optional<MemoryEstimate>
estimatePyTorchMemory(const Graph &graph, const ClassicMemory &memory,
                      const SavedForBackward &saved, const InferencePeak &peak);

/// How sizes are shown to people. Binary units (KiB = 1024 B) are labelled
/// as such; KB, MB and GB are powers of 1000.
enum class SizeUnit { Auto, B, KiB, MiB, GiB, KB, MB, GB };

/// Parses "auto", "B", "KiB", "MiB", "GiB", "KB", "MB" or "GB".
std::optional<SizeUnit> parseSizeUnit(llvm::StringRef name);
/// The unit \p unit stands for at \p bytes: Auto picks the largest binary
/// unit that keeps the figure at 1 or more (B below 1 KiB).
SizeUnit resolveSizeUnit(SizeUnit unit, int64_t bytes);
llvm::StringRef getSizeUnitName(SizeUnit unit);
/// "1024^2" for MiB, "1000^3" for GB, "1" for B.
llvm::StringRef getSizeUnitDivisor(SizeUnit unit);
/// "4.06 MiB" (two decimals and thousands separators; whole bytes in B).
std::string formatSize(int64_t bytes, SizeUnit unit);

} // namespace netc
