//===- FineTuning.h - frozen parameters and LoRA adapters on a graph -*- C++ -*-===//
//
// Passes over a checked netc::Graph for fine-tuning, run after checking and
// before the analyses, so that every analysis and backend sees the result
// with no special case: freezeLayers marks the parameters of the layers
// whose names match glob patterns (--freeze) frozen, and addLoraAdapters
// adds a LoRA adapter (Hu et al. 2021, as Hugging Face PEFT builds it) to
// each targeted dense layer as real layers, and freezes everything else
// (--lora). LoraAdapterBuilder is the one place adapters are built: the
// checker uses it for the language's lora(...) too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Basic/CheckedMath.h"
#include "netc/Graph/Graph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netc {

struct OpDef;

/// The settings of --lora (or of one lora(...) call, without targets), with
/// PEFT's LoraConfig defaults.
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

/// Moves \p layer's parameters from trainable to frozen (what --freeze,
/// --lora, lora(...) and a call's frozen=true all do).
void freezeLayer(Layer &layer);

/// Freezes every parameter that is not a LoRA adapter's (PEFT freezes the
/// base model): what a network that calls lora(...) gets.
void freezeAllButAdapters(Graph &graph);

/// The adapter sum (LoraRole::Sum) of dense layer \p base in \p layers, or
/// nullopt when \p base has no adapter.
std::optional<LayerId> findLoraSum(llvm::ArrayRef<Layer> layers, LayerId base);

/// Builds the adapter of one dense layer as real layers appended to a layer
/// array: NAME.lora_dropout (when dropout > 0), NAME.lora_A (dense to rank,
/// no bias), NAME.lora_B (dense to out, no bias), NAME.lora_scale (times
/// alpha / rank) and NAME.lora_add (NAME + the scaled adapter), for a dense
/// NAME on [..., in] -> [..., out]. The one implementation of --lora's and
/// lora(...)'s adapters.
class LoraAdapterBuilder {
public:
  /// Adapters with \p config's rank, alpha and dropout (its targets are
  /// not read), appended to \p layers.
  LoraAdapterBuilder(const LoraConfig &config, std::vector<Layer> &layers);

  /// Appends the adapter of the dense layer \p base (already in the
  /// layers), its layers made at \p range in block call \p scope, each
  /// counted as a reader of its inputs (numUsers); returns the id of its
  /// sum, the value that carries the adapter.
  LayerId addAdapter(LayerId base, llvm::SMRange range, int scope);
  /// True when an adapter's parameter count overflowed 64 bits.
  bool overflowed() const { return c.overflowed(); }

private:
  LayerId addLayer(std::string name, const OpDef &op,
                   llvm::SmallVector<LayerId, 2> inputs, TensorType type,
                   std::vector<Attribute> attributes, int64_t trainable,
                   llvm::SMRange range, int scope);

  const LoraConfig &config;
  std::vector<Layer> &layers;
  const OpDef &dense, &scale, &add, &dropout;
  CheckedArithmetic c;
};

/// True when dense layer \p name is a LoRA target \p target: its name or a
/// dotted suffix of it (PEFT's rule: "x.0.q_proj" for "q_proj").
bool isLoraTarget(llvm::StringRef name, llvm::StringRef target);

/// The first dense layer of \p graph that \p config targets and that
/// already has an adapter (from lora(...) in the source), or nullopt.
std::optional<LayerId> findAdaptedTarget(const Graph &graph,
                                         const LoraConfig &config);

/// Freezes every parameter of \p graph but the adapters' and adds an
/// adapter (LoraAdapterBuilder) to each dense layer targeted by \p config,
/// right after it in its block call, which every reader of NAME and the
/// network's outputs then read instead. Sets matched[i] when target i names
/// a dense layer. False when an adapter's parameter count overflows 64
/// bits. No targeted layer may have an adapter already (findAdaptedTarget).
bool addLoraAdapters(Graph &graph, const LoraConfig &config,
                     std::vector<bool> &matched);

} // namespace netc
