//===- Graph.h - the checked network: layers and their tensors --*- C++ -*-===//
//
// The checker's output and every backend's input. A Graph is a flat array of
// layers in topological (source) order; a layer names its producer layers by
// index. Each layer records its op (a registry entry), its bound attributes,
// its per-sample output type, its parameter counts and where it came from.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "netc/Graph/Tensor.h"
#include "netc/Graph/Value.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace netc {

struct OpDef; // netc/Ops/OpRegistry.h

/// How a layer's output occupies memory.
enum class OutputStorage {
  New,     ///< a new tensor (counted as activations)
  InPlace, ///< overwrites its input (element-wise activations, dropout)
  View,    ///< aliases its input (flatten, reshape)
};

/// What a layer is in a LoRA adapter that --lora added.
enum class LoraRole : uint8_t {
  None,
  /// A or B: trained, and kept in the element type when --weights quantizes
  /// the dense weights, as PEFT keeps its adapters on a quantized base.
  Adapter,
  /// The sum of the base layer (input 0) and the scaled adapter, which the
  /// base layer's readers read instead.
  Sum,
};

/// The name of an attribute: the name of an argument in an op's signature
/// (or "output"), always a string literal, so held as a pointer and a
/// length (a network has millions of attributes; a std::string is twice
/// the size). It reads as a string: it converts to llvm::StringRef,
/// compares with strings and concatenates into std::string.
class AttributeName {
public:
  constexpr AttributeName(llvm::StringLiteral name) : name(name) {}
  template <size_t N>
  constexpr AttributeName(const char (&literal)[N]) : name(literal) {}

  operator llvm::StringRef() const { return name; }
  llvm::StringRef ref() const { return name; }
  std::string str() const { return name.str(); }
  size_t size() const { return name.size(); }
  bool empty() const { return name.empty(); }

  friend bool operator==(const AttributeName &a, llvm::StringRef b) {
    return a.name == b;
  }
  friend bool operator!=(const AttributeName &a, llvm::StringRef b) {
    return a.name != b;
  }
  friend std::string operator+(const AttributeName &a, const char *b) {
    return a.name.str() + b;
  }
  friend std::string operator+(const AttributeName &a, const std::string &b) {
    return a.name.str() + b;
  }
  friend std::string operator+(const std::string &a, const AttributeName &b) {
    return a + b.name.str();
  }
  friend llvm::raw_ostream &operator<<(llvm::raw_ostream &os,
                                       const AttributeName &a) {
    return os << a.name;
  }

private:
  llvm::StringRef name;
};

/// One bound argument of a layer (everything but its tensor inputs).
struct Attribute {
  AttributeName name;
  Value value;
  /// True when the value is the signature's default (not written).
  bool isDefault = false;
};

/// Parameters and non-trainable buffers of a layer. Parameters are
/// trainable, or frozen (--freeze, --lora): still weights, but without
/// gradients or optimizer states.
struct ParamCount {
  int64_t trainable = 0;
  int64_t frozen = 0;
  int64_t buffers = 0;
  /// Of the trainable and frozen parameters, those one token does not use:
  /// the experts a `moe` layer does not route it to (0 for other ops).
  /// Params minus idle are the active parameters per token.
  int64_t idle = 0;

  /// Every parameter, trainable or frozen (the table's params column).
  int64_t getParams() const { return trainable + frozen; }
};

/// One layer of a checked network.
struct Layer {
  /// Unique, stable, readable name derived from the source.
  std::string name;
  /// The registry entry of the layer's kind (the `input` entry for inputs).
  const OpDef *op = nullptr;
  /// The layers whose outputs this layer reads, in argument order (most
  /// layers read one or two, held without a heap allocation).
  llvm::SmallVector<LayerId, 2> inputs;
  /// The bound non-tensor arguments, in signature order.
  std::vector<Attribute> attributes;
  /// The per-sample output type.
  TensorType type;
  /// How the output is stored: the op's storage, or New when an op that
  /// runs in place is called with inplace=false.
  OutputStorage storage = OutputStorage::New;
  /// The layer's part in a LoRA adapter (--lora, Transform/FineTuning.h).
  LoraRole lora = LoraRole::None;
  ParamCount params;
  /// The call (or input declaration) the layer came from.
  llvm::SMRange range;
  /// Number of layers that read this layer's output.
  unsigned numUsers = 0;
  /// The innermost block call the layer was made in, or -1.
  int scope = -1;

  /// The attribute named \p name, or null.
  const Attribute *getAttribute(llvm::StringRef name) const;

  Layer() = default;
  Layer(const Layer &) = default;
  Layer &operator=(const Layer &) = default;
  // Moving never throws (SmallVector's move only steals its buffer or copies
  // its inline elements); saying so lets the graph's std::vector<Layer> move
  // its layers when it grows instead of copying them.
  Layer(Layer &&) noexcept = default;
  Layer &operator=(Layer &&) noexcept = default;
};

/// One block call in the expanded network. Scopes nest: a block called in a
/// block has the outer call's scope as its parent.
struct BlockScope {
  /// Full dotted name, the prefix of every layer in it ("layer1.0").
  std::string name;
  /// The block's name ("bottleneck").
  std::string block;
  /// The enclosing scope, or -1 at the network level.
  int parent = -1;
  /// 1 for a call from the network body, 2 for a call inside that, ...
  unsigned depth = 1;
  /// The call.
  llvm::SMRange callRange;
};

/// A declared network output.
struct NetworkOutput {
  std::string name;
  LayerId layer;
  llvm::SMRange range;
};

/// A checked network.
struct Graph {
  std::string name;
  llvm::SMRange range;
  std::vector<Layer> layers;
  std::vector<LayerId> inputs;
  std::vector<NetworkOutput> outputs;
  /// The block calls of the expansion, parents before children.
  std::vector<BlockScope> scopes;

  /// True if \p id is declared as an output.
  bool isOutput(LayerId id) const;
};

/// The element type memory is counted in without --dtype: the first
/// input's type when it is a float type (f16, bf16, f64), else f32.
DType getDefaultMemoryDType(const Graph &graph);

} // namespace netc
