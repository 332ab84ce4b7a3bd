//===- FineTuning.h - frozen parameters and LoRA adapters on a graph -*- C++ -*-===//
//
// Passes over a checked netc::Graph for fine-tuning, run after checking and
// before the analyses, so that every analysis and backend sees the result
// with no special case: freezeLayers marks the parameters of the layers
// whose names match glob patterns (--freeze) frozen, and addLoraAdapters
// adds a LoRA adapter (Hu et al. 2021, as Hugging Face PEFT builds it) to
// each targeted dense layer as real layers, and freezes everything else
// (--lora).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Graph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netc {

/// The settings of --lora, with PEFT's LoraConfig defaults.
struct LoraConfig {
  /// r: the adapters' rank (required, at least 1).
  int64_t rank = 0;
  /// lora_alpha: the adapter's output is scaled by alpha / rank.
  double alpha = 8;
  /// lora_dropout: dropout on the adapter's input (0: none).
  double dropout = 0;
  /// target_modules: a dense layer is adapted when its full name equals a
  /// target or ends with "." + target (PEFT's suffix rule).
  std::vector<std::string> targets;
};

/// What the fine-tuning options of a run say.
struct FineTuningOptions {
  /// --freeze: glob patterns over layer names (llvm::GlobPattern).
  std::vector<std::string> freezePatterns;
  std::optional<LoraConfig> lora;

  bool empty() const { return freezePatterns.empty() && !lora; }
};

/// Why \p pattern is no glob pattern (llvm::GlobPattern's words), or
/// nullopt when it is one.
std::optional<std::string> checkFreezePattern(llvm::StringRef pattern);

/// Freezes the parameters of every layer of \p graph whose name matches
/// one of \p patterns (valid, see checkFreezePattern); sets matched[i]
/// when pattern i matches a layer (\p matched has one entry per pattern).
void freezeLayers(Graph &graph, llvm::ArrayRef<std::string> patterns,
                  std::vector<bool> &matched);

/// True when dense layer \p name is a LoRA target \p target: its name or a
/// dotted suffix of it (PEFT's rule: "x.0.q_proj" for "q_proj").
bool isLoraTarget(llvm::StringRef name, llvm::StringRef target);

/// Freezes every parameter of \p graph and adds an adapter to each dense
/// layer targeted by \p config: for a dense NAME on [..., in] -> [..., out],
/// the layers NAME.lora_dropout (when dropout > 0), NAME.lora_A (dense to
/// rank, no bias), NAME.lora_B (dense to out, no bias), NAME.lora_scale
/// (times alpha / rank) and NAME.lora_add (NAME + the scaled adapter),
/// which every reader of NAME and the network's outputs then read instead.
/// Sets matched[i] when target i names a dense layer. False when an
/// adapter's parameter count overflows 64 bits.
bool addLoraAdapters(Graph &graph, const LoraConfig &config,
                     std::vector<bool> &matched);

} // namespace netc
