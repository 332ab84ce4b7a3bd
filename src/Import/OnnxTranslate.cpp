//===- OnnxTranslate.cpp - ONNX graph to a .net network -------------------===//
//
// The translation of `netc import` (docs/import.md), in three steps:
//
//   1. Patterns: a pre-pass finds the decompositions torch.onnx.export
//      writes for ops netc has whole (layer norm as ReduceMean, Sub, Pow,
//      ReduceMean, Add, Sqrt, Div, Mul, Add; GELU as Div, Erf, Add, Mul,
//      Mul; a MatMul by a weight followed by the Add of its bias) and marks
//      their nodes, so each becomes one statement.
//   2. Nodes, in graph order. A value computed from the graph's input is
//      dynamic: it has a batch axis, which netc never writes. Its position
//      is followed through every node (a Transpose moves it, a Reshape may
//      merge it into another axis as torch's multi-head attention does with
//      the heads), and the node becomes one statement on the per-sample
//      tensor: axes renumbered, weights replaced by the op's arguments. A
//      value computed only from constants (the Shape, Gather, Concat
//      subgraphs torch writes for reshapes) is folded at import time.
//      Initializers used as tensors become `param` declarations.
//   3. Names: each statement is named after the module path of its ONNX
//      node ("/layer1/layer1.0/conv1/Conv" is layer1_0_conv1), with the
//      netc op as a suffix when a module makes several statements.
//
// The batch size is 1 throughout (a symbolic batch dimension reads as 1),
// so every shape is concrete.
//
//===----------------------------------------------------------------------===//
#include "OnnxTranslate.h"

#include "netc/Import/OnnxImport.h"
#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>

using namespace netc;

llvm::StringRef netc::getSupportedOnnxOps() {
  return "Add, AveragePool, BatchNormalization, Cast, Clip, Concat, Constant, "
         "ConstantOfShape, Conv, Div, Dropout, Equal, Erf (in GELU), Expand, "
         "Flatten, Gather, Gemm, GlobalAveragePool, GlobalMaxPool, Identity, "
         "LayerNormalization, LogSoftmax, MatMul, MaxPool, Mul, Pow and Sqrt "
         "(in layer norm), ReduceMean, Relu, Reshape, Shape, Sigmoid, Slice, "
         "Softmax, Split, Sqrt, Squeeze, Sub (in layer norm), Tanh, Transpose, "
         "Unsqueeze, Where";
}

namespace {

/// What the import knows of one ONNX value.
struct OnnxValue {
  bool defined = false;
  /// The shape with the batch axis (of size 1) when dynamic.
  std::vector<int64_t> dims;
  bool dimsKnown = false;
  /// Computed from the graph's input: has a batch axis.
  bool dynamic = false;
  /// The axis holding the batch; batchOwn: an axis of its own (size 1,
  /// dropped per sample), else merged into axis batchAxis as its outermost
  /// factor (torch's batch * heads).
  int batchAxis = -1;
  bool batchOwn = false;
  /// A constant's or initializer's tensor, when there is one.
  const onnx::TensorProto *tensor = nullptr;
  /// Folded values of a small constant.
  std::optional<std::vector<int64_t>> ints;
  std::optional<std::vector<double>> reals;
  /// The name slot the .net text refers to this value by (dynamic values
  /// and declared params), or -1.
  int nameId = -1;
  /// The initializer's name (for a param's declaration).
  std::string initializerName;
};

/// A .net name, given when the whole network is known.
struct NameSlot {
  std::string module; ///< the ONNX node's module path, made a .net name
  std::string suffix; ///< the netc op, used when a module has many
  std::string fixed;  ///< a name that is not derived (params, outputs)
  std::string name;   ///< the final name
};

/// One line of the network. Its text refers to names as \x01id\x02.
struct Statement {
  enum Kind { Input, Param, Assign } kind = Assign;
  std::vector<int> defines;
  std::string text;
  bool isOutput = false;
};

/// A pattern of several nodes that becomes one statement at its last node.
struct Fused {
  std::string op; ///< "layernorm", "gelu" or "dense"
  std::string input;
  std::string args; ///< after the input
  std::string output;
};

constexpr char RefOpen = '\x01', RefClose = '\x02';

std::string ref(int nameId) {
  return std::string(1, RefOpen) + std::to_string(nameId) + RefClose;
}

/// The shortest spelling of \p value that reads back as the same float32
/// (torch stores eps as float: 1e-06, not 9.999999974752427e-07).
std::string formatReal(double value) {
  float target = float(value);
  for (int digits = 1; digits <= 17; ++digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (float(std::strtod(text, nullptr)) == target) {
      std::string result = text;
      if (result.find_first_of(".en") == std::string::npos)
        result += ".0";
      return result;
    }
  }
  return std::to_string(value);
}

std::string formatTuple(llvm::ArrayRef<int64_t> values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + (values.size() == 1 ? ",)" : ")");
}

/// A per-axis argument: one integer when every axis has it.
std::string formatPerAxis(llvm::ArrayRef<int64_t> values) {
  if (!values.empty() && llvm::is_splat(values))
    return std::to_string(values[0]);
  return formatTuple(values);
}

bool allPositive(llvm::ArrayRef<int64_t> values) {
  return llvm::all_of(values, [](int64_t v) { return v > 0; });
}

std::string formatShape(llvm::ArrayRef<int64_t> dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(result, d, &result))
      return -1;
  return result;
}

/// \p name made a .net identifier: letters, digits and '_', no leading
/// digit, no doubled or trailing '_'.
std::string makeIdentifier(llvm::StringRef name) {
  std::string result;
  for (char c : name) {
    bool word = llvm::isAlnum(c) || c == '_';
    if (!word)
      c = '_';
    if (c == '_' && (result.empty() || result.back() == '_'))
      continue;
    result += c;
  }
  while (!result.empty() && result.back() == '_')
    result.pop_back();
  if (!result.empty() && llvm::isDigit(result[0]))
    result = "v" + result;
  return result;
}

/// The module path of a node torch names "/layer1/layer1.0/conv1/Conv":
/// layer1_0_conv1 (a part that extends the one before it with '.' replaces
/// it).
std::string modulePath(llvm::StringRef nodeName) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  nodeName.trim('/').split(parts, '/', -1, false);
  if (parts.size() <= 1)
    return "";
  parts.pop_back(); // the op: Conv, Relu_1
  std::vector<std::string> kept;
  for (llvm::StringRef part : parts) {
    if (!kept.empty() && part.startswith(kept.back() + "."))
      kept.back() = part.str();
    else
      kept.push_back(part.str());
  }
  return makeIdentifier(llvm::join(kept, "_"));
}

bool isReservedName(llvm::StringRef name) {
  static const llvm::StringSet<> reserved = {
      "network", "input", "param", "buffer", "output", "import", "const",
      "block", "return", "if", "else", "for", "in", "and", "or", "not",
      "true", "false", "min", "max", "channels", "rank", "fail", "lora"};
  return reserved.contains(name) || lookupOp(name) != nullptr;
}

/// The element count of \p t, or -1 when it overflows or a dimension is
/// negative.
int64_t elementCount(const onnx::TensorProto &t) {
  int64_t count = 1;
  for (int64_t d : t.dims())
    if (d < 0 || __builtin_mul_overflow(count, d, &count))
      return -1;
  return count;
}

/// Reads up to \p limit elements of an integer tensor.
std::optional<std::vector<int64_t>> readInts(const onnx::TensorProto &t,
                                             size_t limit = 1024) {
  int64_t count = elementCount(t);
  if (count < 0 || size_t(count) > limit || t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  std::vector<int64_t> values;
  const std::string &raw = t.raw_data();
  switch (t.data_type()) {
  case onnx::TensorProto::INT64:
    if (!raw.empty()) {
      if (raw.size() != size_t(count) * 8)
        return std::nullopt;
      values.resize(count);
      std::memcpy(values.data(), raw.data(), raw.size());
    } else {
      values.assign(t.int64_data().begin(), t.int64_data().end());
    }
    break;
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    if (!raw.empty()) {
      size_t width = t.data_type() == onnx::TensorProto::INT32 ? 4 : 1;
      if (raw.size() != size_t(count) * width)
        return std::nullopt;
      for (int64_t i = 0; i < count; ++i) {
        int32_t v = 0;
        if (width == 4)
          std::memcpy(&v, raw.data() + 4 * i, 4);
        else
          v = t.data_type() == onnx::TensorProto::INT8 ? int8_t(raw[i])
                                                       : uint8_t(raw[i]);
        values.push_back(v);
      }
    } else {
      values.assign(t.int32_data().begin(), t.int32_data().end());
    }
    break;
  default:
    return std::nullopt;
  }
  if (values.size() != size_t(count))
    return std::nullopt;
  return values;
}

/// Reads up to \p limit elements of a floating-point tensor.
std::optional<std::vector<double>> readReals(const onnx::TensorProto &t,
                                             size_t limit = 1024) {
  int64_t count = elementCount(t);
  if (count < 0 || size_t(count) > limit || t.data_location() == onnx::TensorProto::EXTERNAL)
    return std::nullopt;
  std::vector<double> values;
  const std::string &raw = t.raw_data();
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (!raw.empty()) {
      if (raw.size() != size_t(count) * 4)
        return std::nullopt;
      for (int64_t i = 0; i < count; ++i) {
        float v;
        std::memcpy(&v, raw.data() + 4 * i, 4);
        values.push_back(v);
      }
    } else {
      values.assign(t.float_data().begin(), t.float_data().end());
    }
  } else if (t.data_type() == onnx::TensorProto::DOUBLE) {
    if (!raw.empty()) {
      if (raw.size() != size_t(count) * 8)
        return std::nullopt;
      values.resize(count);
      std::memcpy(values.data(), raw.data(), raw.size());
    } else {
      values.assign(t.double_data().begin(), t.double_data().end());
    }
  } else if (std::optional<std::vector<int64_t>> ints = readInts(t, limit)) {
    values.assign(ints->begin(), ints->end());
  } else {
    return std::nullopt;
  }
  if (values.size() != size_t(count))
    return std::nullopt;
  return values;
}

/// The .net element type of an ONNX one, or nullopt.
std::optional<std::string> elementTypeName(int type) {
  switch (type) {
  case onnx::TensorProto::FLOAT: return std::string();
  case onnx::TensorProto::FLOAT16: return std::string("f16");
  case onnx::TensorProto::BFLOAT16: return std::string("bf16");
  case onnx::TensorProto::DOUBLE: return std::string("f64");
  case onnx::TensorProto::INT8: return std::string("i8");
  case onnx::TensorProto::INT32: return std::string("i32");
  case onnx::TensorProto::INT64: return std::string("i64");
  case onnx::TensorProto::BOOL: return std::string("bool");
  default: return std::nullopt;
  }
}

/// The translator: one per model.
class Translator {
public:
  Translator(const onnx::ModelProto &model, llvm::StringRef path,
             DiagnosticEngine &diags)
      : model(model), graph(model.graph()), path(path), diags(diags) {}

  std::optional<std::string> run();

private:
  const onnx::ModelProto &model;
  const onnx::GraphProto &graph;
  llvm::StringRef path;
  DiagnosticEngine &diags;

  std::map<std::string, OnnxValue> values;
  std::map<std::string, std::vector<int>> consumers;
  std::vector<NameSlot> slots;
  std::vector<Statement> statements;
  std::vector<bool> absorbed;
  std::map<int, Fused> fusedAt;
  const onnx::NodeProto *node = nullptr;
  int nodeIndex = -1;
  std::string module; ///< of the current node

  // --- Reporting -----------------------------------------------------------
  bool fail(const llvm::Twine &reason) {
    diags.report(llvm::SMLoc(), diag::err_onnx_node, path, nodeIndex,
                 node->name(), node->op_type(), reason.str());
    return false;
  }
  bool unsupported() {
    diags.report(llvm::SMLoc(), diag::err_onnx_unsupported_op, path,
                 nodeIndex, node->name(), node->op_type());
    return false;
  }

  // --- Values ----------------------------------------------------------------
  /// The node's input \p i, or nullptr when absent (an optional input).
  OnnxValue *input(int i) {
    if (i >= node->input_size() || node->input(i).empty())
      return nullptr;
    auto it = values.find(node->input(i));
    return it == values.end() || !it->second.defined ? nullptr : &it->second;
  }
  OnnxValue &output(int i = 0) {
    OnnxValue &v = values[node->output(i)];
    v.defined = true;
    return v;
  }
  const onnx::AttributeProto *attribute(llvm::StringRef name) {
    for (const onnx::AttributeProto &a : node->attribute())
      if (a.name() == name)
        return &a;
    return nullptr;
  }
  int64_t intAttribute(llvm::StringRef name, int64_t otherwise) {
    const onnx::AttributeProto *a = attribute(name);
    return a ? a->i() : otherwise;
  }
  double realAttribute(llvm::StringRef name, double otherwise) {
    const onnx::AttributeProto *a = attribute(name);
    return a ? a->f() : otherwise;
  }
  std::optional<std::vector<int64_t>> intsAttribute(llvm::StringRef name) {
    const onnx::AttributeProto *a = attribute(name);
    if (!a)
      return std::nullopt;
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }
  /// Integer values of a constant input, or of an attribute of the older
  /// opsets (axes of Squeeze before 13).
  std::optional<std::vector<int64_t>> constInts(int i, llvm::StringRef attr = "") {
    if (OnnxValue *v = input(i))
      return v->dynamic ? std::nullopt : v->ints;
    if (!attr.empty())
      return intsAttribute(attr);
    return std::nullopt;
  }
  std::optional<double> constScalar(const OnnxValue *v) {
    if (!v || v->dynamic)
      return std::nullopt;
    if (v->reals && v->reals->size() == 1)
      return (*v->reals)[0];
    if (v->ints && v->ints->size() == 1)
      return double((*v->ints)[0]);
    return std::nullopt;
  }
  bool isScalarConst(const std::string &name, double expected) {
    auto it = values.find(name);
    if (it == values.end())
      return false;
    std::optional<double> v = constScalar(&it->second);
    return v && std::fabs(*v - expected) <= 1e-4 * std::fabs(expected) + 1e-7;
  }

  /// The per-sample shape of a dynamic value.
  static std::vector<int64_t> sampleDims(const OnnxValue &v) {
    std::vector<int64_t> dims = v.dims;
    if (v.batchOwn && v.batchAxis >= 0 && size_t(v.batchAxis) < dims.size())
      dims.erase(dims.begin() + v.batchAxis);
    return dims;
  }
  /// ONNX axis \p axis (negative from the end) of \p v normalised; nullopt
  /// when out of range.
  static std::optional<int> normaliseAxis(const OnnxValue &v, int64_t axis) {
    int64_t rank = v.dims.size();
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    return int(axis < 0 ? axis + rank : axis);
  }
  /// The per-sample axis of ONNX axis \p axis of \p v; fails when it is
  /// the batch axis.
  std::optional<int> sampleAxis(const OnnxValue &v, int64_t axis) {
    std::optional<int> a = normaliseAxis(v, axis);
    if (!a) {
      fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
           llvm::Twine(v.dims.size()));
      return std::nullopt;
    }
    if (v.batchOwn && *a == v.batchAxis) {
      fail("it works along the batch axis (axis " + llvm::Twine(*a) +
           "), which a .net network never writes");
      return std::nullopt;
    }
    return v.batchOwn && *a > v.batchAxis ? *a - 1 : *a;
  }
  /// An axis argument as a .net call writes it: ", axis=k", or "" for the
  /// default \p defaultAxis (-1: the last; 0: the first).
  static std::string axisArgument(int axis, int rank, int defaultAxis,
                                  llvm::StringRef name = "axis") {
    bool last = axis == rank - 1;
    if ((defaultAxis == -1 && last) || (defaultAxis == 0 && axis == 0))
      return "";
    return (", " + name + "=" + std::to_string(last && rank > 1 ? -1 : axis))
        .str();
  }

  /// Makes a new name slot for the current node.
  int newSlot(llvm::StringRef suffix) {
    slots.push_back({module, suffix.str(), "", ""});
    return int(slots.size()) - 1;
  }
  /// Adds `NAME = text` defining the dynamic value \p out.
  void assign(OnnxValue &out, llvm::StringRef op, const std::string &text) {
    out.nameId = newSlot(op);
    Statement s;
    s.defines = {out.nameId};
    s.text = text;
    statements.push_back(std::move(s));
  }
  void setDynamic(OnnxValue &out, std::vector<int64_t> dims, int batchAxis,
                  bool own) {
    out.dynamic = true;
    out.dimsKnown = true;
    out.dims = std::move(dims);
    out.batchAxis = batchAxis;
    out.batchOwn = own;
  }
  /// \p out is \p in under another name (no statement).
  void alias(OnnxValue &out, const OnnxValue &in) {
    int nameId = in.nameId;
    std::vector<int64_t> dims = in.dims;
    setDynamic(out, dims, in.batchAxis, in.batchOwn);
    out.nameId = nameId;
  }
  /// Declares the initializer or constant \p v as `param NAME: [dims]`
  /// (once) and returns its name slot.
  std::optional<int> declareParam(OnnxValue &v, const std::vector<int64_t> &dims) {
    if (v.nameId >= 0)
      return v.nameId;
    if (!v.tensor || v.tensor->data_type() != onnx::TensorProto::FLOAT)
      return fail("a constant tensor other than a float initializer is used "
                  "as a tensor"),
             std::nullopt;
    if (dims.empty())
      return fail("a scalar constant is used where netc needs a tensor"),
             std::nullopt;
    std::string name = v.initializerName.empty() ? "param" : v.initializerName;
    slots.push_back({"", "param", makeIdentifier(name), ""});
    v.nameId = int(slots.size()) - 1;
    Statement s;
    s.kind = Statement::Param;
    s.defines = {v.nameId};
    s.text = formatShape(dims);
    statements.push_back(std::move(s));
    return v.nameId;
  }
  /// The per-sample shape \p c takes when it is combined element-wise with
  /// the dynamic \p d (right-aligned; the batch axis dropped).
  std::optional<std::vector<int64_t>> alignConstant(const OnnxValue &c,
                                                    const OnnxValue &d) {
    std::vector<int64_t> dims = c.dims;
    int offset = int(d.dims.size()) - int(dims.size());
    int at = d.batchAxis - offset;
    if (d.batchOwn && at >= 0 && size_t(at) < dims.size()) {
      if (dims[at] != 1)
        return fail("a constant of shape " + formatShape(c.dims) +
                    " varies along the batch axis"),
               std::nullopt;
      dims.erase(dims.begin() + at);
    }
    while (dims.size() > 1 && dims[0] == 1 &&
           dims.size() > sampleDims(d).size())
      dims.erase(dims.begin());
    return dims;
  }
  /// A tensor operand: a dynamic value's name, or a declared param.
  std::optional<std::string> operand(OnnxValue &v, const OnnxValue &like) {
    if (v.dynamic)
      return ref(v.nameId);
    std::optional<std::vector<int64_t>> dims = alignConstant(v, like);
    if (!dims)
      return std::nullopt;
    std::optional<int> id = declareParam(v, *dims);
    if (!id)
      return std::nullopt;
    return ref(*id);
  }

  /// Follows the batch axis from \p in to a tensor of shape \p dims with
  /// the same elements (Reshape, Flatten, Squeeze, Unsqueeze) and writes
  /// `reshape`, `flatten`, or nothing when the per-sample shape is kept.
  bool reshapeTo(const OnnxValue &in, std::vector<int64_t> dims,
                 OnnxValue &out) {
    if (product(dims) != product(in.dims))
      return fail("it reshapes " + formatShape(in.dims) + " to " +
                  formatShape(dims) + ", which has another element count");
    int64_t outer = product(llvm::ArrayRef<int64_t>(in.dims).take_front(in.batchAxis));
    int found = -1;
    bool own = false;
    int64_t prefix = 1;
    for (size_t j = 0; j < dims.size(); ++j) {
      if (prefix == outer) {
        if (dims[j] == 1) {
          found = int(j);
          own = true;
          break;
        }
        if (found < 0)
          found = int(j);
      }
      prefix *= dims[j];
    }
    if (found < 0)
      return fail("the batch axis cannot be followed from " +
                  formatShape(in.dims) + " to " + formatShape(dims));
    setDynamic(out, dims, found, own);
    std::vector<int64_t> sample = sampleDims(out);
    if (sample == sampleDims(in)) {
      out.nameId = in.nameId;
      return true;
    }
    if (sample.size() == 1)
      assign(out, "flatten", "flatten(" + ref(in.nameId) + ")");
    else
      assign(out, "reshape",
             "reshape(" + ref(in.nameId) + ", " + formatTuple(sample) + ")");
    return true;
  }

  // --- Steps -------------------------------------------------------------------
  bool readGraphValues();
  void findPatterns();
  bool matchLayerNorm(int index);
  bool matchGelu(int index);
  int singleConsumer(const std::string &value, llvm::StringRef opType);
  bool translateNode();
  bool foldStatic();
  bool translateDynamic();
  bool translateConv(OnnxValue &x);
  bool translatePool(OnnxValue &x, bool isMax);
  bool translateElementwise();
  bool translateMatMul();
  std::string render();
};

bool Translator::readGraphValues() {
  for (const onnx::TensorProto &t : graph.initializer()) {
    OnnxValue &v = values[t.name()];
    v.defined = true;
    v.tensor = &t;
    v.dims.assign(t.dims().begin(), t.dims().end());
    v.dimsKnown = true;
    v.ints = readInts(t);
    v.reals = readReals(t);
    v.initializerName = t.name();
  }
  int inputs = 0;
  for (const onnx::ValueInfoProto &info : graph.input()) {
    if (values.count(info.name()))
      continue; // an initializer listed as an input (IR version 3)
    ++inputs;
    nodeIndex = -1;
    const onnx::TypeProto::Tensor &type = info.type().tensor_type();
    std::optional<std::string> element = elementTypeName(type.elem_type());
    auto inputError = [&](const std::string &reason) {
      diags.report(llvm::SMLoc(), diag::err_onnx_input, path, info.name(),
                   reason);
      return false;
    };
    if (!info.type().has_tensor_type() || !element)
      return inputError("it is not a tensor of a type netc knows (f16, bf16, "
                        "f32, f64, i8, i32, i64, bool)");
    if (type.shape().dim_size() < 2)
      return inputError("it has " + std::to_string(type.shape().dim_size()) +
                        " axes; netc needs the batch axis and at least one "
                        "axis of a sample");
    std::vector<int64_t> dims = {1};
    for (int i = 1; i < type.shape().dim_size(); ++i) {
      const onnx::TensorShapeProto::Dimension &d = type.shape().dim(i);
      if (!d.has_dim_value() || d.dim_value() <= 0)
        return inputError("its axis " + std::to_string(i) + " has no fixed size (" +
                          (d.dim_param().empty() ? std::string("unknown")
                                                 : "'" + d.dim_param() + "'") +
                          "); netc needs every axis but the batch fixed");
      dims.push_back(d.dim_value());
    }
    OnnxValue &v = values[info.name()];
    v.defined = true;
    setDynamic(v, dims, 0, true);
    std::string name = makeIdentifier(info.name());
    if (name.empty() || isReservedName(name))
      name += "_input";
    slots.push_back({"", "input", name, ""});
    v.nameId = int(slots.size()) - 1;
    Statement s;
    s.kind = Statement::Input;
    s.defines = {v.nameId};
    s.text = *element + formatShape(sampleDims(v));
    statements.push_back(std::move(s));
  }
  if (inputs == 0) {
    diags.report(llvm::SMLoc(), diag::err_onnx_parse, path,
                 "its graph has no input");
    return false;
  }
  return true;
}

int Translator::singleConsumer(const std::string &value,
                               llvm::StringRef opType) {
  auto it = consumers.find(value);
  if (it == consumers.end() || it->second.size() != 1)
    return -1;
  for (const onnx::ValueInfoProto &out : graph.output())
    if (out.name() == value)
      return -1;
  int index = it->second[0];
  return graph.node(index).op_type() == opType ? index : -1;
}

/// ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, then Mul by the
/// weight and Add of the bias: torch's layer_norm below opset 17.
bool Translator::matchLayerNorm(int index) {
  const onnx::NodeProto &mean = graph.node(index);
  const std::string &x = mean.input(0);
  int sub = singleConsumer(mean.output(0), "Sub");
  if (sub < 0 || graph.node(sub).input(0) != x)
    return false;
  const std::string &centred = graph.node(sub).output(0);
  auto it = consumers.find(centred);
  if (it == consumers.end() || it->second.size() != 2)
    return false;
  int pow = -1, div = -1;
  for (int c : it->second) {
    const onnx::NodeProto &n = graph.node(c);
    if (n.op_type() == "Pow" && n.input(0) == centred && isScalarConst(n.input(1), 2))
      pow = c;
    else if (n.op_type() == "Div" && n.input(0) == centred)
      div = c;
  }
  if (pow < 0 || div < 0)
    return false;
  int variance = singleConsumer(graph.node(pow).output(0), "ReduceMean");
  if (variance < 0)
    return false;
  int addEps = singleConsumer(graph.node(variance).output(0), "Add");
  if (addEps < 0)
    return false;
  const onnx::NodeProto &addNode = graph.node(addEps);
  std::string epsName = addNode.input(0) == graph.node(variance).output(0)
                            ? addNode.input(1)
                            : addNode.input(0);
  auto epsValue = values.find(epsName);
  if (epsValue == values.end())
    return false;
  std::optional<double> eps = constScalar(&epsValue->second);
  int sqrt = singleConsumer(addNode.output(0), "Sqrt");
  if (!eps || sqrt < 0 || graph.node(div).input(1) != graph.node(sqrt).output(0))
    return false;
  // The axes: the last k of the input.
  std::vector<int64_t> axes;
  for (const onnx::AttributeProto &a : mean.attribute())
    if (a.name() == "axes")
      axes.assign(a.ints().begin(), a.ints().end());
  if (axes.empty())
    return false;
  std::vector<int> nodes = {index, sub, pow, variance, addEps, sqrt, div};
  int last = div;
  bool affine = false;
  int mul = singleConsumer(graph.node(div).output(0), "Mul");
  if (mul >= 0) {
    const onnx::NodeProto &m = graph.node(mul);
    const std::string &w = m.input(0) == graph.node(div).output(0) ? m.input(1) : m.input(0);
    auto wv = values.find(w);
    if (wv != values.end() && wv->second.tensor) {
      int add = singleConsumer(m.output(0), "Add");
      if (add >= 0) {
        const onnx::NodeProto &a = graph.node(add);
        const std::string &b = a.input(0) == m.output(0) ? a.input(1) : a.input(0);
        auto bv = values.find(b);
        if (bv != values.end() && bv->second.tensor) {
          nodes.push_back(mul);
          last = add;
          affine = true;
        }
      }
    }
  }
  for (int n : nodes)
    absorbed[n] = true;
  std::string args;
  if (axes.size() > 1)
    args += ", dims=" + std::to_string(axes.size());
  if (std::fabs(*eps - 1e-5) > 1e-9)
    args += ", eps=" + formatReal(*eps);
  if (!affine)
    args += ", affine=false";
  // Checked when the node is reached: the axes are the last ones.
  fusedAt[last] = {"layernorm", x, args + "\x03" + llvm::join(llvm::map_range(axes, [](int64_t a) { return std::to_string(a); }), ","),
                   graph.node(last).output(0)};
  absorbed[last] = false;
  return true;
}

/// Div by sqrt(2), Erf, Add 1, Mul by the input, Mul by 0.5: torch's exact
/// GELU.
bool Translator::matchGelu(int index) {
  const onnx::NodeProto &erf = graph.node(index);
  auto producer = [&](const std::string &value) -> int {
    for (int i = 0; i < graph.node_size(); ++i)
      for (const std::string &o : graph.node(i).output())
        if (o == value)
          return i;
    return -1;
  };
  int div = producer(erf.input(0));
  if (div < 0 || graph.node(div).op_type() != "Div" ||
      !isScalarConst(graph.node(div).input(1), std::sqrt(2.0)))
    return false;
  const std::string &x = graph.node(div).input(0);
  int add = singleConsumer(erf.output(0), "Add");
  if (add < 0)
    return false;
  const onnx::NodeProto &a = graph.node(add);
  if (!isScalarConst(a.input(0) == erf.output(0) ? a.input(1) : a.input(0), 1))
    return false;
  int mul = singleConsumer(a.output(0), "Mul");
  if (mul < 0)
    return false;
  const onnx::NodeProto &m = graph.node(mul);
  if ((m.input(0) == a.output(0) ? m.input(1) : m.input(0)) != x)
    return false;
  int half = singleConsumer(m.output(0), "Mul");
  if (half < 0)
    return false;
  const onnx::NodeProto &h = graph.node(half);
  if (!isScalarConst(h.input(0) == m.output(0) ? h.input(1) : h.input(0), 0.5))
    return false;
  for (int n : {div, index, add, mul})
    absorbed[n] = true;
  fusedAt[half] = {"gelu", x, "", h.output(0)};
  return true;
}

void Translator::findPatterns() {
  absorbed.assign(graph.node_size(), false);
  for (int i = 0; i < graph.node_size(); ++i)
    for (const std::string &in : graph.node(i).input())
      if (!in.empty())
        consumers[in].push_back(i);
  // The patterns' constants: fold the Constant nodes first.
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &n = graph.node(i);
    if (n.op_type() != "Constant" || n.output_size() != 1)
      continue;
    for (const onnx::AttributeProto &a : n.attribute()) {
      OnnxValue &v = values[n.output(0)];
      if (a.name() == "value") {
        v.tensor = &a.t();
        v.dims.assign(a.t().dims().begin(), a.t().dims().end());
        v.ints = readInts(a.t());
        v.reals = readReals(a.t());
      } else if (a.name() == "value_float") {
        v.reals = std::vector<double>{a.f()};
      } else if (a.name() == "value_int") {
        v.ints = std::vector<int64_t>{a.i()};
        v.reals = std::vector<double>{double(a.i())};
      } else if (a.name() == "value_ints") {
        v.ints = std::vector<int64_t>(a.ints().begin(), a.ints().end());
        v.dims = {int64_t(a.ints_size())};
      } else {
        continue;
      }
      v.dimsKnown = true;
    }
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    if (absorbed[i])
      continue;
    const std::string &op = graph.node(i).op_type();
    if (op == "ReduceMean")
      matchLayerNorm(i);
    else if (op == "Erf")
      matchGelu(i);
  }
}

/// A node whose inputs are all constants: folded when its values are
/// needed (shape arithmetic), its shape kept otherwise.
bool Translator::foldStatic() {
  const std::string &op = node->op_type();
  OnnxValue &out = output();
  out.dimsKnown = false;
  auto setInts = [&](std::vector<int64_t> ints, std::vector<int64_t> dims) {
    out.ints = ints;
    out.reals = std::vector<double>(ints.begin(), ints.end());
    out.dims = std::move(dims);
    out.dimsKnown = true;
  };
  if (op == "Constant") {
    // Folded in findPatterns.
    out.dimsKnown = true;
    return true;
  }
  OnnxValue *a = input(0);
  OnnxValue *b = input(1);
  if (op == "Identity" || op == "Cast" || op == "Dropout") {
    if (a) {
      OnnxValue copy = *a;
      out = copy;
    }
    return true;
  }
  if (op == "Shape") {
    if (!a || !a->dimsKnown)
      return true;
    std::vector<int64_t> dims = a->dims;
    int64_t rank = dims.size();
    int64_t start = intAttribute("start", 0), end = intAttribute("end", rank);
    start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
    end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
    std::vector<int64_t> part(dims.begin() + start,
                              dims.begin() + std::max(start, end));
    setInts(part, {int64_t(part.size())});
    return true;
  }
  if (op == "ConstantOfShape") {
    std::optional<std::vector<int64_t>> shape = constInts(0);
    const onnx::AttributeProto *value = attribute("value");
    double fill = 0;
    if (value) {
      if (std::optional<std::vector<double>> r = readReals(value->t()); r && r->size() == 1)
        fill = (*r)[0];
    }
    if (shape && product(*shape) >= 0 && product(*shape) <= 1024)
      setInts(std::vector<int64_t>(product(*shape), int64_t(fill)), *shape);
    return true;
  }
  if (!a || !a->ints) {
    // Float arithmetic on scalars (a constant's scale) only.
    if (a && b && a->reals && b->reals && a->reals->size() == 1 &&
        b->reals->size() == 1) {
      double x = (*a->reals)[0], y = (*b->reals)[0];
      double r = op == "Mul" ? x * y : op == "Div" ? x / y : op == "Add" ? x + y
               : op == "Sub" ? x - y : op == "Sqrt" ? std::sqrt(x) : NAN;
      if (!std::isnan(r)) {
        out.reals = std::vector<double>{r};
        out.dimsKnown = true;
      }
    }
    return true;
  }
  std::vector<int64_t> x = *a->ints;
  if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" || op == "Flatten") {
    setInts(x, {int64_t(x.size())});
    if (x.size() == 1 && op == "Squeeze")
      out.dims = {};
    return true;
  }
  if (op == "Gather") {
    std::optional<std::vector<int64_t>> idx = constInts(1);
    if (!idx || intAttribute("axis", 0) != 0)
      return true;
    std::vector<int64_t> picked;
    for (int64_t i : *idx) {
      if (i < 0)
        i += x.size();
      if (i < 0 || size_t(i) >= x.size())
        return fail("index " + llvm::Twine(i) + " is out of range");
      picked.push_back(x[i]);
    }
    setInts(picked, b->dims.empty() ? std::vector<int64_t>{}
                                    : std::vector<int64_t>{int64_t(picked.size())});
    return true;
  }
  if (op == "Concat") {
    std::vector<int64_t> all;
    for (int i = 0; i < node->input_size(); ++i) {
      OnnxValue *v = input(i);
      if (!v || !v->ints)
        return true;
      all.insert(all.end(), v->ints->begin(), v->ints->end());
    }
    setInts(all, {int64_t(all.size())});
    return true;
  }
  if (op == "Slice") {
    std::optional<std::vector<int64_t>> starts = constInts(1, "starts"),
                                        ends = constInts(2, "ends");
    if (!starts || !ends || starts->size() != 1 || ends->size() != 1)
      return true;
    int64_t n = x.size();
    int64_t s = (*starts)[0], e = (*ends)[0];
    s = std::clamp(s < 0 ? s + n : s, int64_t(0), n);
    e = std::clamp(e < 0 ? e + n : e, int64_t(0), n);
    std::vector<int64_t> part(x.begin() + s, x.begin() + std::max(s, e));
    setInts(part, {int64_t(part.size())});
    return true;
  }
  if (op == "Where") {
    OnnxValue *c = input(2);
    if (!b || !c || !b->ints || !c->ints)
      return true;
    size_t n = std::max({x.size(), b->ints->size(), c->ints->size()});
    auto at = [&](const std::vector<int64_t> &v, size_t i) {
      return v.size() == 1 ? v[0] : v[i];
    };
    std::vector<int64_t> r;
    for (size_t i = 0; i < n; ++i)
      r.push_back(at(x, i) ? at(*b->ints, i) : at(*c->ints, i));
    setInts(r, {int64_t(n)});
    return true;
  }
  if (b && b->ints &&
      (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Equal")) {
    const std::vector<int64_t> &y = *b->ints;
    if (x.size() != y.size() && x.size() != 1 && y.size() != 1)
      return true;
    size_t n = std::max(x.size(), y.size());
    std::vector<int64_t> r;
    for (size_t i = 0; i < n; ++i) {
      int64_t p = x.size() == 1 ? x[0] : x[i], q = y.size() == 1 ? y[0] : y[i];
      if (op == "Div" && q == 0)
        return fail("it divides by zero");
      r.push_back(op == "Add" ? p + q : op == "Sub" ? p - q : op == "Mul" ? p * q
                  : op == "Div" ? p / q : int64_t(p == q));
    }
    setInts(r, x.size() >= y.size() ? a->dims : b->dims);
    return true;
  }
  return true;
}

bool Translator::translateConv(OnnxValue &x) {
  OnnxValue *w = input(1);
  if (!w || w->dynamic || w->dims.size() < 3)
    return fail("its weight is not a constant of rank 3 to 5");
  size_t spatial = w->dims.size() - 2;
  if (x.batchAxis != 0 || !x.batchOwn || x.dims.size() != spatial + 2)
    return fail("its input is not [batch, channels, spatial...]");
  if (const onnx::AttributeProto *pad = attribute("auto_pad"))
    if (pad->s() != "NOTSET" && pad->s() != "VALID")
      return fail("auto_pad " + pad->s() + " is not translated; give explicit pads");
  std::vector<int64_t> kernel = intsAttribute("kernel_shape")
                                    .value_or(std::vector<int64_t>(w->dims.begin() + 2, w->dims.end()));
  std::vector<int64_t> strides = intsAttribute("strides").value_or(std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> dilations = intsAttribute("dilations").value_or(std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> pads = intsAttribute("pads").value_or(std::vector<int64_t>(2 * spatial, 0));
  int64_t groups = intAttribute("group", 1);
  if (kernel.size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial || pads.size() != 2 * spatial)
    return fail("its attributes do not match its " + llvm::Twine(spatial) + " spatial axes");
  if (!allPositive(kernel) || !allPositive(strides) || !allPositive(dilations) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }) || groups <= 0)
    return fail("its kernel, strides, dilations and group must be positive "
                "and its pads not negative");
  std::vector<int64_t> padding(pads.begin(), pads.begin() + spatial);
  if (!std::equal(padding.begin(), padding.end(), pads.begin() + spatial))
    return fail("its padding " + formatTuple(pads) +
                " differs at the start and the end of an axis, which conv"
                " does not express");
  if (x.dims[1] != w->dims[1] * groups)
    return fail("its input has " + llvm::Twine(x.dims[1]) + " channels, and its " +
                formatShape(w->dims) + " weight in " + llvm::Twine(groups) +
                " groups takes " + llvm::Twine(w->dims[1] * groups));
  int64_t outChannels = w->dims[0];
  std::vector<int64_t> dims = {1, outChannels};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = x.dims[2 + i];
    int64_t span = dilations[i] * (kernel[i] - 1) + 1;
    int64_t o = (in + 2 * padding[i] - span) / strides[i] + 1;
    if (o <= 0)
      return fail("its output would be empty");
    dims.push_back(o);
  }
  std::string text = "conv" + std::to_string(spatial) + "d(" + ref(x.nameId) +
                     ", " + std::to_string(outChannels) +
                     ", kernel=" + formatPerAxis(kernel);
  if (llvm::any_of(strides, [](int64_t s) { return s != 1; }))
    text += ", stride=" + formatPerAxis(strides);
  if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
    text += ", padding=" + formatPerAxis(padding);
  if (llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    text += ", dilation=" + formatPerAxis(dilations);
  if (groups != 1)
    text += ", groups=" + std::to_string(groups);
  if (!input(2))
    text += ", bias=false";
  OnnxValue &out = output();
  setDynamic(out, dims, 0, true);
  assign(out, "conv" + std::to_string(spatial) + "d", text + ")");
  return true;
}

bool Translator::translatePool(OnnxValue &x, bool isMax) {
  std::optional<std::vector<int64_t>> kernel = intsAttribute("kernel_shape");
  if (!kernel || x.dims.size() != kernel->size() + 2 || x.batchAxis != 0)
    return fail("its input is not [batch, channels, spatial...] of its kernel's rank");
  size_t spatial = kernel->size();
  std::vector<int64_t> strides = intsAttribute("strides").value_or(std::vector<int64_t>(spatial, 1));
  std::vector<int64_t> pads = intsAttribute("pads").value_or(std::vector<int64_t>(2 * spatial, 0));
  std::vector<int64_t> dilations = intsAttribute("dilations").value_or(std::vector<int64_t>(spatial, 1));
  bool ceil = intAttribute("ceil_mode", 0) != 0;
  if (strides.size() != spatial || pads.size() != 2 * spatial || dilations.size() != spatial)
    return fail("its attributes do not match its spatial axes");
  if (!allPositive(*kernel) || !allPositive(strides) || !allPositive(dilations) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return fail("its kernel, strides and dilations must be positive and its "
                "pads not negative");
  std::vector<int64_t> padding(pads.begin(), pads.begin() + spatial);
  if (!std::equal(padding.begin(), padding.end(), pads.begin() + spatial))
    return fail("its padding differs at the start and the end of an axis");
  if (!isMax && llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    return fail("average pooling with dilation has no netc op");
  std::vector<int64_t> dims = {1, x.dims[1]};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t span = dilations[i] * ((*kernel)[i] - 1) + 1;
    int64_t extent = x.dims[2 + i] + 2 * padding[i] - span;
    int64_t o = (ceil ? (extent + strides[i] - 1) / strides[i] : extent / strides[i]) + 1;
    if (ceil && (o - 1) * strides[i] >= x.dims[2 + i] + padding[i])
      --o;
    if (o <= 0)
      return fail("its output would be empty");
    dims.push_back(o);
  }
  std::string op = (isMax ? "maxpool" : "avgpool") + std::to_string(spatial) + "d";
  std::string text = op + "(" + ref(x.nameId) + ", " + formatPerAxis(*kernel);
  if (strides != *kernel)
    text += ", stride=" + formatPerAxis(strides);
  if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
    text += ", padding=" + formatPerAxis(padding);
  if (isMax && llvm::any_of(dilations, [](int64_t d) { return d != 1; }))
    text += ", dilation=" + formatPerAxis(dilations);
  if (ceil)
    text += ", ceil_mode=true";
  OnnxValue &out = output();
  setDynamic(out, dims, 0, true);
  assign(out, op, text + ")");
  return true;
}

/// Add, Mul, Sub and Div with a dynamic operand.
bool Translator::translateElementwise() {
  const std::string &op = node->op_type();
  OnnxValue *a = input(0), *b = input(1);
  if (!a || !b)
    return fail("it needs two inputs");
  OnnxValue &d = a->dynamic ? *a : *b;
  OnnxValue &other = a->dynamic ? *b : *a;
  std::optional<double> scalar = constScalar(&other);
  if (!other.dynamic && scalar && product(other.dims) <= 1) {
    if (op == "Mul" || (op == "Div" && a->dynamic)) {
      if (op == "Div" && *scalar == 0)
        return fail("it divides by zero");
      OnnxValue &out = output();
      std::vector<int64_t> dims = d.dims;
      setDynamic(out, dims, d.batchAxis, d.batchOwn);
      if (*scalar == 1) {
        out.nameId = d.nameId;
        return true;
      }
      std::string factor = formatReal(*scalar);
      assign(out, "mul_scalar",
             op == "Mul" ? ref(d.nameId) + " * " + factor
                         : ref(d.nameId) + " / " + factor);
      return true;
    }
    return fail(op + " of a tensor and a number has no netc op (netc has "
                     "x * c and x / c)");
  }
  if (op != "Add" && op != "Mul")
    return fail(op + " of two tensors has no netc op (netc has + and * on "
                     "tensors)");
  std::optional<std::string> left = operand(*a, d), right = operand(*b, d);
  if (!left || !right)
    return false;
  // The broadcast shape.
  size_t rank = std::max(a->dims.size(), b->dims.size());
  std::vector<int64_t> dims(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t p = i < rank - a->dims.size() ? 1 : a->dims[i - (rank - a->dims.size())];
    int64_t q = i < rank - b->dims.size() ? 1 : b->dims[i - (rank - b->dims.size())];
    if (p != q && p != 1 && q != 1)
      return fail("it broadcasts " + formatShape(a->dims) + " with " +
                  formatShape(b->dims) + ", which do not fit");
    dims[i] = std::max(p, q);
  }
  int batch = d.batchAxis + int(rank - d.dims.size());
  OnnxValue &out = output();
  setDynamic(out, dims, batch, d.batchOwn);
  assign(out, op == "Add" ? "add" : "mul",
         *left + (op == "Add" ? " + " : " * ") + *right);
  return true;
}

/// MatMul: by a constant 2-D weight a dense layer (with the Add of its
/// bias when one follows), of two dynamic tensors matmul.
bool Translator::translateMatMul() {
  OnnxValue *a = input(0), *b = input(1);
  if (!a || !b || !a->dynamic)
    return fail("its first input is not computed from the network's input");
  if (a->dims.empty() || b->dims.empty())
    return fail("it multiplies a scalar");
  if (!b->dynamic) {
    if (b->dims.size() != 2)
      return fail("its constant operand has rank " + llvm::Twine(b->dims.size()) +
                  "; a dense layer's weight has rank 2");
    if (a->batchOwn && a->batchAxis == int(a->dims.size()) - 1)
      return fail("it contracts the batch axis");
    if (a->dims.back() != b->dims[0])
      return fail("it multiplies " + formatShape(a->dims) + " by a " +
                  formatShape(b->dims) + " weight, whose rows differ");
    int64_t units = b->dims[1];
    std::vector<int64_t> dims = a->dims;
    dims.back() = units;
    std::string bias = ", bias=false";
    int add = singleConsumer(node->output(0), "Add");
    const onnx::NodeProto *addNode = nullptr;
    if (add >= 0) {
      const onnx::NodeProto &n = graph.node(add);
      const std::string &other = n.input(0) == node->output(0) ? n.input(1) : n.input(0);
      auto it = values.find(other);
      if (it != values.end() && !it->second.dynamic && it->second.tensor &&
          product(it->second.dims) == units) {
        bias = "";
        addNode = &n;
        absorbed[add] = true;
      }
    }
    OnnxValue &out = addNode ? values[addNode->output(0)] : output();
    out.defined = true;
    setDynamic(out, dims, a->batchAxis, a->batchOwn);
    assign(out, "dense",
           "dense(" + ref(a->nameId) + ", " + std::to_string(units) + bias + ")");
    return true;
  }
  if (a->dims.size() < 2 || b->dims.size() < 2)
    return fail("matmul of a vector has no netc op");
  std::vector<int64_t> dims = a->dims.size() >= b->dims.size() ? a->dims : b->dims;
  dims[dims.size() - 2] = a->dims[a->dims.size() - 2];
  dims.back() = b->dims.back();
  int batch = a->batchAxis + int(dims.size() - a->dims.size());
  if (batch >= int(dims.size()) - 2 && a->batchOwn)
    return fail("it multiplies along the batch axis");
  OnnxValue &out = output();
  setDynamic(out, dims, batch, a->batchOwn);
  assign(out, "matmul", "matmul(" + ref(a->nameId) + ", " + ref(b->nameId) + ")");
  return true;
}

bool Translator::translateDynamic() {
  const std::string &op = node->op_type();
  OnnxValue *xp = input(0);
  if (!xp || !xp->dynamic) {
    // Expand of a constant over the batch (ViT's class token) and a
    // constant first operand of Add or Mul.
    if (op == "Expand" && xp && xp->tensor) {
      std::optional<std::vector<int64_t>> shape = constInts(1);
      if (!shape || shape->size() != xp->dims.size() || xp->dims.empty() ||
          xp->dims[0] != 1)
        return fail("it expands a constant other than over the batch axis");
      std::vector<int64_t> sample(xp->dims.begin() + 1, xp->dims.end());
      std::optional<int> id = declareParam(*xp, sample);
      if (!id)
        return false;
      OnnxValue &out = output();
      setDynamic(out, xp->dims, 0, true);
      out.nameId = *id;
      return true;
    }
    if (op == "Add" || op == "Mul" || op == "Sub" || op == "Div")
      return translateElementwise();
    if (op == "Concat") {
      for (int i = 0; i < node->input_size(); ++i)
        if (input(i) && input(i)->dynamic) {
          xp = input(i);
          break;
        }
      if (!xp || !xp->dynamic)
        return fail("none of its inputs comes from the network's input");
    } else {
      return fail("its first input is a constant, not a value computed from "
                  "the network's input");
    }
  }
  OnnxValue &x = *xp;
  std::string in = ref(x.nameId);
  auto sameShape = [&](llvm::StringRef netcOp, const std::string &text) {
    OnnxValue &out = output();
    std::vector<int64_t> dims = x.dims;
    setDynamic(out, dims, x.batchAxis, x.batchOwn);
    assign(out, netcOp, text);
    return true;
  };

  if (op == "Conv")
    return translateConv(x);
  if (op == "BatchNormalization") {
    if (x.batchAxis != 0 || !x.batchOwn || x.dims.size() < 2)
      return fail("its input is not [batch, channels, ...]");
    double eps = realAttribute("epsilon", 1e-5);
    std::string args;
    if (std::fabs(eps - 1e-5) > 1e-9)
      args = ", eps=" + formatReal(eps);
    return sameShape("batchnorm", "batchnorm(" + in + args + ")");
  }
  if (op == "Relu")
    return sameShape("relu", "relu(" + in + ")");
  if (op == "Sigmoid")
    return sameShape("sigmoid", "sigmoid(" + in + ")");
  if (op == "Tanh")
    return sameShape("tanh", "tanh(" + in + ")");
  if (op == "Clip") {
    std::optional<double> low = input(1) ? constScalar(input(1))
                                          : std::optional<double>(realAttribute("min", -INFINITY));
    std::optional<double> high = input(2) ? constScalar(input(2))
                                           : std::optional<double>(realAttribute("max", INFINITY));
    if (!attribute("min") && node->input_size() < 2)
      low = -INFINITY;
    if (!attribute("max") && node->input_size() < 3)
      high = INFINITY;
    if (low && high && *low == 0 && *high == 6)
      return sameShape("relu6", "relu6(" + in + ")");
    if (low && high && *low == 0 && std::isinf(*high))
      return sameShape("relu", "relu(" + in + ")");
    return fail("only Clip to [0, 6] (relu6) and [0, inf) (relu) have netc ops");
  }
  if (op == "Dropout") {
    std::optional<double> ratio = input(1) ? constScalar(input(1))
                                           : std::optional<double>(realAttribute("ratio", 0.5));
    if (!ratio)
      return fail("its ratio is not a constant");
    if (*ratio == 0) {
      alias(output(), x);
      return true;
    }
    return sameShape("dropout", "dropout(" + in + ", " + formatReal(*ratio) + ")");
  }
  if (op == "Identity" || op == "Cast") {
    alias(output(), x);
    return true;
  }
  if (op == "MaxPool" || op == "AveragePool")
    return translatePool(x, op == "MaxPool");
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    if (x.batchAxis != 0 || !x.batchOwn || x.dims.size() < 3)
      return fail("its input is not [batch, channels, spatial...]");
    OnnxValue &out = output();
    std::vector<int64_t> dims(x.dims.size(), 1);
    dims[1] = x.dims[1];
    setDynamic(out, dims, 0, true);
    std::string netcOp = op == "GlobalAveragePool" ? "global_avgpool" : "global_maxpool";
    assign(out, netcOp, netcOp + "(" + in + ", keepdims=true)");
    return true;
  }
  if (op == "Flatten") {
    std::optional<int> axis = normaliseAxis(x, intAttribute("axis", 1));
    if (!axis && intAttribute("axis", 1) != int64_t(x.dims.size()))
      return fail("its axis is out of range");
    int split = axis ? *axis : int(x.dims.size());
    llvm::ArrayRef<int64_t> dims(x.dims);
    return reshapeTo(x, {product(dims.take_front(split)), product(dims.drop_front(split))},
                     output());
  }
  if (op == "Reshape") {
    std::optional<std::vector<int64_t>> shape = constInts(1);
    if (!shape)
      return fail("its target shape is not a constant netc import can compute");
    std::vector<int64_t> dims = *shape;
    int infer = -1;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == 0 && intAttribute("allowzero", 0) == 0) {
        if (i >= x.dims.size())
          return fail("its shape copies axis " + llvm::Twine(i) + ", which the input lacks");
        dims[i] = x.dims[i];
      } else if (dims[i] == -1) {
        if (infer >= 0)
          return fail("its shape has two -1 entries");
        infer = int(i);
      } else if (dims[i] <= 0) {
        return fail("its shape " + formatTuple(*shape) + " has an entry below -1 or 0");
      }
    }
    if (infer >= 0) {
      dims[infer] = 1;
      int64_t known = product(dims), total = product(x.dims);
      if (known <= 0 || total % known)
        return fail("its shape " + formatTuple(*shape) + " does not fit " + formatShape(x.dims));
      dims[infer] = total / known;
    }
    return reshapeTo(x, dims, output());
  }
  if (op == "Squeeze" || op == "Unsqueeze") {
    std::optional<std::vector<int64_t>> axes = constInts(1, "axes");
    std::vector<int64_t> dims = x.dims;
    if (op == "Squeeze") {
      std::vector<bool> drop(dims.size(), !axes);
      if (axes)
        for (int64_t a : *axes) {
          std::optional<int> n = normaliseAxis(x, a);
          if (!n)
            return fail("axis " + llvm::Twine(a) + " is out of range");
          drop[*n] = true;
        }
      std::vector<int64_t> kept;
      for (size_t i = 0; i < dims.size(); ++i)
        if (!drop[i] || dims[i] != 1)
          kept.push_back(dims[i]);
      dims = kept;
    } else {
      if (!axes)
        return fail("its axes are not constant");
      int64_t rank = dims.size() + axes->size();
      std::vector<int64_t> sorted;
      for (int64_t a : *axes)
        sorted.push_back(a < 0 ? a + rank : a);
      llvm::sort(sorted);
      for (int64_t a : sorted) {
        if (a < 0 || a > int64_t(dims.size()))
          return fail("axis " + llvm::Twine(a) + " is out of range");
        dims.insert(dims.begin() + a, 1);
      }
    }
    return reshapeTo(x, dims, output());
  }
  if (op == "Transpose") {
    std::vector<int64_t> perm = intsAttribute("perm").value_or(std::vector<int64_t>());
    if (perm.empty())
      for (int64_t i = int64_t(x.dims.size()) - 1; i >= 0; --i)
        perm.push_back(i);
    std::vector<int64_t> sortedPerm = perm;
    llvm::sort(sortedPerm);
    for (size_t i = 0; i < sortedPerm.size(); ++i)
      if (sortedPerm[i] != int64_t(i) || perm.size() != x.dims.size())
        return fail("its perm " + formatTuple(perm) + " is not a permutation "
                    "of the " + llvm::Twine(x.dims.size()) + " axes");
    std::vector<int64_t> dims;
    int batch = -1;
    std::vector<int64_t> samplePerm;
    for (size_t i = 0; i < perm.size(); ++i) {
      if (perm[i] < 0 || perm[i] >= int64_t(x.dims.size()))
        return fail("its permutation is not one");
      dims.push_back(x.dims[perm[i]]);
      if (perm[i] == x.batchAxis)
        batch = int(i);
      if (x.batchOwn && perm[i] == x.batchAxis)
        continue;
      samplePerm.push_back(x.batchOwn && perm[i] > x.batchAxis ? perm[i] - 1 : perm[i]);
    }
    OnnxValue &out = output();
    setDynamic(out, dims, batch, x.batchOwn);
    std::vector<int> moved;
    for (size_t i = 0; i < samplePerm.size(); ++i)
      if (samplePerm[i] != int64_t(i))
        moved.push_back(int(i));
    if (moved.empty()) {
      out.nameId = x.nameId;
      return true;
    }
    int rank = int(samplePerm.size());
    if (moved.size() == 2 && samplePerm[moved[0]] == moved[1]) {
      std::string text = "transpose(" + in;
      if (!(moved[0] == rank - 2 && moved[1] == rank - 1))
        text += ", " + std::to_string(moved[0]) + ", " + std::to_string(moved[1]);
      assign(out, "transpose", text + ")");
    } else {
      assign(out, "permute", "permute(" + in + ", " + formatTuple(samplePerm) + ")");
    }
    return true;
  }
  if (op == "Add" || op == "Mul" || op == "Sub" || op == "Div")
    return translateElementwise();
  if (op == "MatMul")
    return translateMatMul();
  if (op == "Gemm") {
    OnnxValue *w = input(1);
    if (!w || w->dynamic || w->dims.size() != 2 || x.dims.size() != 2)
      return fail("it is not a dense layer: a [batch, features] input and a constant 2-D weight");
    if (intAttribute("transA", 0) != 0 || realAttribute("alpha", 1) != 1 ||
        realAttribute("beta", 1) != 1)
      return fail("transA, alpha or beta other than a dense layer's");
    int64_t units = intAttribute("transB", 0) ? w->dims[0] : w->dims[1];
    int64_t features = intAttribute("transB", 0) ? w->dims[1] : w->dims[0];
    if (x.dims[1] != features)
      return fail("its input " + formatShape(x.dims) + " does not fit its " +
                  formatShape(w->dims) + " weight");
    OnnxValue &out = output();
    setDynamic(out, {x.dims[0], units}, x.batchAxis, x.batchOwn);
    assign(out, "dense", "dense(" + in + ", " + std::to_string(units) +
                             (input(2) ? "" : ", bias=false") + ")");
    return true;
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    std::optional<int> axis = sampleAxis(x, intAttribute("axis", -1));
    if (!axis)
      return false;
    std::string netcOp = op == "Softmax" ? "softmax" : "log_softmax";
    return sameShape(netcOp, netcOp + "(" + in +
                                 axisArgument(*axis, sampleDims(x).size(), -1) + ")");
  }
  if (op == "ReduceMean") {
    std::optional<std::vector<int64_t>> axes = constInts(1, "axes");
    if (!axes)
      return fail("its axes are not constant");
    bool keep = intAttribute("keepdims", 1) != 0;
    std::vector<int64_t> dims = x.dims;
    std::vector<int64_t> sampleAxes;
    for (int64_t a : *axes) {
      std::optional<int> s = sampleAxis(x, a);
      if (!s)
        return false;
      sampleAxes.push_back(*s);
      dims[*normaliseAxis(x, a)] = keep ? 1 : 0;
    }
    std::vector<int64_t> outDims;
    int batch = x.batchAxis;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == 0) {
        if (int(i) < x.batchAxis)
          --batch;
        continue;
      }
      outDims.push_back(dims[i]);
    }
    OnnxValue &out = output();
    setDynamic(out, outDims, batch, x.batchOwn);
    std::string axisText = sampleAxes.size() == 1 ? std::to_string(sampleAxes[0])
                                                  : formatTuple(sampleAxes);
    assign(out, "mean", "mean(" + in + ", axis=" + axisText +
                            (keep ? ", keepdims=true" : "") + ")");
    return true;
  }
  if (op == "LayerNormalization") {
    std::optional<int> axis = normaliseAxis(x, intAttribute("axis", -1));
    if (!axis || (x.batchOwn && *axis <= x.batchAxis))
      return fail("it normalises over the batch axis");
    double eps = realAttribute("epsilon", 1e-5);
    std::string args;
    if (int(x.dims.size()) - *axis > 1)
      args += ", dims=" + std::to_string(int(x.dims.size()) - *axis);
    if (std::fabs(eps - 1e-5) > 1e-9)
      args += ", eps=" + formatReal(eps);
    return sameShape("layernorm", "layernorm(" + in + args + ")");
  }
  if (op == "Concat") {
    std::optional<int> axis = sampleAxis(x, intAttribute("axis", 0));
    if (!axis)
      return false;
    std::vector<int64_t> dims = x.dims;
    int64_t onnxAxis = *normaliseAxis(x, intAttribute("axis", 0));
    dims[onnxAxis] = 0;
    std::string text = "concat(";
    for (int i = 0; i < node->input_size(); ++i) {
      OnnxValue *v = input(i);
      if (!v || v->dims.size() != x.dims.size())
        return fail("its inputs differ in rank");
      dims[onnxAxis] += v->dims[onnxAxis];
      std::optional<std::string> name;
      if (v->dynamic) {
        name = ref(v->nameId);
      } else {
        std::vector<int64_t> sample = v->dims;
        if (x.batchOwn) {
          if (sample[x.batchAxis] != 1)
            return fail("a constant input varies along the batch axis");
          sample.erase(sample.begin() + x.batchAxis);
        }
        std::optional<int> id = declareParam(*v, sample);
        if (!id)
          return false;
        name = ref(*id);
      }
      text += (i ? ", " : "") + *name;
    }
    OnnxValue &out = output();
    setDynamic(out, dims, x.batchAxis, x.batchOwn);
    assign(out, "concat", text + axisArgument(*axis, sampleDims(x).size(), 0) + ")");
    return true;
  }
  if (op == "Gather") {
    OnnxValue *indices = input(1);
    std::optional<std::vector<int64_t>> index = constInts(1);
    if (!indices || !index || !indices->dims.empty() || index->size() != 1)
      return fail("only Gather of one constant index (x[:, i]) is translated");
    std::optional<int> axis = sampleAxis(x, intAttribute("axis", 0));
    if (!axis)
      return false;
    int onnxAxis = *normaliseAxis(x, intAttribute("axis", 0));
    int64_t i = (*index)[0];
    if (sampleDims(x).size() < 2)
      return fail("it selects from a per-sample vector, which would leave a scalar");
    std::vector<int64_t> dims = x.dims;
    dims.erase(dims.begin() + onnxAxis);
    OnnxValue &out = output();
    setDynamic(out, dims, x.batchAxis - (onnxAxis < x.batchAxis ? 1 : 0), x.batchOwn);
    if (*axis == 0)
      assign(out, "select", in + "[" + std::to_string(i) + "]");
    else
      assign(out, "select", "select(" + in + ", " + std::to_string(i) +
                                ", axis=" + std::to_string(*axis) + ")");
    return true;
  }
  if (op == "Slice") {
    std::optional<std::vector<int64_t>> starts = constInts(1, "starts"),
                                        ends = constInts(2, "ends");
    std::optional<std::vector<int64_t>> axes = constInts(3, "axes");
    std::optional<std::vector<int64_t>> steps = constInts(4);
    if (!starts || !ends || starts->size() != 1 || ends->size() != 1)
      return fail("only a Slice of one axis with constant bounds is translated");
    if (steps && (steps->size() != 1 || (*steps)[0] != 1))
      return fail("a Slice with a step other than 1 has no netc op");
    int64_t onnxAxisArg = axes && !axes->empty() ? (*axes)[0] : 0;
    std::optional<int> axis = sampleAxis(x, onnxAxisArg);
    if (!axis)
      return false;
    int onnxAxis = *normaliseAxis(x, onnxAxisArg);
    int64_t n = x.dims[onnxAxis];
    int64_t s = (*starts)[0], e = (*ends)[0];
    s = std::clamp(s < 0 ? s + n : s, int64_t(0), n);
    e = std::clamp(e < 0 ? e + n : e, int64_t(0), n);
    if (e <= s)
      return fail("the slice is empty");
    std::vector<int64_t> dims = x.dims;
    dims[onnxAxis] = e - s;
    OnnxValue &out = output();
    setDynamic(out, dims, x.batchAxis, x.batchOwn);
    if (s == 0 && e == n) {
      out.nameId = x.nameId;
      return true;
    }
    int rank = sampleDims(x).size();
    if (*axis == 0)
      assign(out, "slice", in + "[" + std::to_string(s) + ":" + std::to_string(e) + "]");
    else
      assign(out, "slice", "slice(" + in + ", " + std::to_string(s) + ", " +
                               std::to_string(e) +
                               axisArgument(*axis, rank, 0) + ")");
    return true;
  }
  if (op == "Split") {
    int64_t axisArg = intAttribute("axis", 0);
    std::optional<int> axis = sampleAxis(x, axisArg);
    if (!axis)
      return false;
    int onnxAxis = *normaliseAxis(x, axisArg);
    std::optional<std::vector<int64_t>> sizes = constInts(1, "split");
    if (!sizes) {
      int64_t parts = node->output_size();
      if (parts <= 0 || x.dims[onnxAxis] % parts)
        return fail("its axis does not divide into equal parts");
      sizes = std::vector<int64_t>(parts, x.dims[onnxAxis] / parts);
    }
    if (!allPositive(*sizes))
      return fail("its sizes must be positive");
    if (int(sizes->size()) != node->output_size())
      return fail("it has " + llvm::Twine(node->output_size()) + " outputs and " +
                  llvm::Twine(sizes->size()) + " sizes");
    Statement s;
    for (int i = 0; i < node->output_size(); ++i) {
      OnnxValue &out = output(i);
      std::vector<int64_t> dims = x.dims;
      dims[onnxAxis] = (*sizes)[i];
      setDynamic(out, dims, x.batchAxis, x.batchOwn);
      out.nameId = newSlot("split");
      s.defines.push_back(out.nameId);
    }
    s.text = "split(" + in + ", " + formatTuple(*sizes) +
             axisArgument(*axis, sampleDims(x).size(), 0) + ")";
    statements.push_back(std::move(s));
    return true;
  }
  if (op == "Expand") {
    std::optional<std::vector<int64_t>> shape = constInts(1);
    if (!shape)
      return fail("its shape is not constant");
    if (llvm::all_of(*shape, [](int64_t d) { return d == 1 || d == -1; }) &&
        shape->size() <= x.dims.size()) {
      alias(output(), x);
      return true;
    }
    return fail("it broadcasts a value computed from the input, which netc "
                "does not write as an op");
  }
  if (op == "Erf" || op == "Pow" || op == "Sqrt" || op == "Sub")
    return fail("it is not part of a pattern netc import recognises (layer "
                "norm, GELU), and netc has no op of its own for it");
  return unsupported();
}

bool Translator::translateNode() {
  module = modulePath(node->name());
  // A node outside any module: its output's name, unless torch made it
  // ("/Flatten_output_0", "onnx::Gemm_12"); then the netc op names it.
  if (module.empty() && node->output_size() > 0 &&
      !llvm::StringRef(node->output(0)).startswith("/") &&
      !llvm::StringRef(node->output(0)).startswith("onnx::"))
    module = makeIdentifier(node->output(0));
  auto fused = fusedAt.find(nodeIndex);
  // Every input must exist (no node may use a value made later); a
  // pattern's inner values are never made.
  if (fused == fusedAt.end())
    for (const std::string &in : node->input())
      if (!in.empty() && (!values.count(in) || !values[in].defined))
        return fail("it uses '" + in + "', which no earlier node, input or "
                    "initializer makes");
  if (fused != fusedAt.end()) {
    OnnxValue &x = values[fused->second.input];
    if (!x.dynamic)
      return fail("its pattern's input is a constant");
    std::string args = fused->second.args;
    if (fused->second.op == "layernorm") {
      auto [text, axesText] = llvm::StringRef(args).split('\x03');
      llvm::SmallVector<llvm::StringRef, 4> parts;
      axesText.split(parts, ',');
      for (llvm::StringRef part : parts) {
        int64_t a = 0;
        part.getAsInteger(10, a);
        std::optional<int> n = normaliseAxis(x, a);
        if (!n || *n < int(x.dims.size()) - int(parts.size()) ||
            (x.batchOwn && *n == x.batchAxis))
          return fail("it ends a layer norm over axes other than the last ones");
      }
      args = text.str();
    }
    OnnxValue &out = values[fused->second.output];
    out.defined = true;
    std::vector<int64_t> dims = x.dims;
    setDynamic(out, dims, x.batchAxis, x.batchOwn);
    assign(out, fused->second.op,
           fused->second.op + "(" + ref(x.nameId) + args + ")");
    return true;
  }
  bool anyDynamic = llvm::any_of(node->input(), [&](const std::string &in) {
    return !in.empty() && values[in].dynamic;
  });
  // The shape of a dynamic value is a constant (the batch is 1).
  if ((!anyDynamic && node->op_type() != "Expand") || node->op_type() == "Shape")
    return foldStatic();
  return translateDynamic();
}

std::string Translator::render() {
  // Names: a module's own name when it makes one statement, else with the
  // op as a suffix; then unique.
  std::map<std::string, int> perModule;
  for (const NameSlot &s : slots)
    if (s.fixed.empty())
      ++perModule[s.module];
  llvm::StringSet<> used;
  std::map<std::string, int> nextSuffix;
  for (NameSlot &s : slots) {
    std::string base = s.fixed;
    if (base.empty())
      base = s.module.empty() ? s.suffix
             : perModule[s.module] == 1 ? s.module
                                        : s.module + "_" + s.suffix;
    base = makeIdentifier(base);
    if (base.empty())
      base = "v";
    if (isReservedName(base))
      base += "_out";
    std::string name = base;
    while (used.contains(name))
      name = base + "_" + std::to_string(++nextSuffix[base]);
    used.insert(name);
    s.name = name;
  }
  auto resolve = [&](const std::string &text) {
    std::string result;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != RefOpen) {
        result += text[i];
        continue;
      }
      size_t end = text.find(RefClose, i);
      result += slots[std::stoi(text.substr(i + 1, end - i - 1))].name;
      i = end;
    }
    return result;
  };
  std::string out;
  llvm::raw_string_ostream os(out);
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += " " + model.producer_version();
  int64_t opset = 0;
  for (const onnx::OperatorSetIdProto &set : model.opset_import())
    if (set.domain().empty() || set.domain() == "ai.onnx")
      opset = set.version();
  os << "# Imported by netc import from " << llvm::sys::path::filename(path)
     << " (" << (producer.empty() ? "unknown producer" : producer)
     << ", ONNX opset " << opset << ", " << graph.node_size() << " nodes).\n"
     << "# Shapes are one sample's: the ONNX batch axis is dropped "
        "(docs/import.md).\n";
  std::string name = makeIdentifier(llvm::sys::path::stem(path));
  if (name.empty() || isReservedName(name))
    name = "Imported";
  os << "network " << name << " {\n";
  for (const Statement &s : statements) {
    os << "  ";
    switch (s.kind) {
    case Statement::Input:
      os << "input " << slots[s.defines[0]].name << ": " << s.text << "\n";
      break;
    case Statement::Param:
      os << "param " << slots[s.defines[0]].name << ": " << s.text << "\n";
      break;
    case Statement::Assign: {
      if (s.isOutput)
        os << "output ";
      for (size_t i = 0; i < s.defines.size(); ++i)
        os << (i ? ", " : "") << slots[s.defines[i]].name;
      os << " = " << resolve(s.text) << "\n";
      break;
    }
    }
  }
  os << "}\n";
  return os.str();
}

std::optional<std::string> Translator::run() {
  if (!readGraphValues())
    return std::nullopt;
  findPatterns();
  for (nodeIndex = 0; nodeIndex < graph.node_size(); ++nodeIndex) {
    node = &graph.node(nodeIndex);
    if (absorbed[nodeIndex])
      continue;
    if (!translateNode())
      return std::nullopt;
  }
  // The graph's outputs: their statements become `output NAME = ...`.
  for (const onnx::ValueInfoProto &info : graph.output()) {
    auto it = values.find(info.name());
    if (it == values.end() || !it->second.defined || !it->second.dynamic ||
        it->second.nameId < 0) {
      diags.report(llvm::SMLoc(), diag::err_onnx_output, path, info.name());
      return std::nullopt;
    }
    int nameId = it->second.nameId;
    Statement *defining = nullptr;
    for (Statement &s : statements)
      if (s.kind == Statement::Assign && s.defines.size() == 1 &&
          s.defines[0] == nameId)
        defining = &s;
    if (!defining || defining->isOutput) {
      diags.report(llvm::SMLoc(), diag::err_onnx_output, path, info.name());
      return std::nullopt;
    }
    defining->isOutput = true;
    std::string name = makeIdentifier(info.name());
    if (!name.empty() && !llvm::StringRef(info.name()).startswith("/") &&
        !llvm::StringRef(info.name()).startswith("onnx::"))
      slots[nameId].fixed = name;
  }
  return render();
}

} // namespace

std::optional<std::string> netc::translateOnnxGraph(const onnx::ModelProto &model,
                                                    llvm::StringRef path,
                                                    DiagnosticEngine &diags) {
  return Translator(model, path, diags).run();
}
