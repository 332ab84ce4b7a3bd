//===- PyTorchRules.cpp - each op as PyTorch code, for --emit=pytorch -----===//
//
// The generation rule of every op in the registry: the torch.nn module a
// layer of it owns (made in __init__), if any, and the expression forward()
// computes it with. Tensors in the generated code carry torch's batch axis
// first, which netc's do not: an axis a >= 0 of netc is a + 1 in torch, and
// declared params, buffers and constants get a leading axis of 1, which
// broadcasts over the batch. docs/pytorch.md lists every rule.
//
//===----------------------------------------------------------------------===//
#include "PyTorchRules.h"

#include "netc/Ops/OpRegistry.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <sstream>

using namespace netc;
using namespace netc::emit;

//===----------------------------------------------------------------------===//
// Python literals from netc values
//===----------------------------------------------------------------------===//

std::string emit::pythonNumber(double v) {
  if (std::isinf(v))
    return v > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  if (std::isnan(v))
    return "float(\"nan\")";
  std::ostringstream os;
  os.precision(17);
  os << v;
  std::string s = os.str();
  // Shortest form that reads back as the same double.
  for (int digits = 1; digits <= 17; ++digits) {
    std::ostringstream shortest;
    shortest.precision(digits);
    shortest << v;
    if (std::stod(shortest.str()) == v) {
      s = shortest.str();
      break;
    }
  }
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

std::string emit::pythonValue(const Value &v) {
  if (v.isInt())
    return std::to_string(v.getInt());
  if (v.isFloat())
    return pythonNumber(v.getFloat());
  if (v.isBool())
    return v.getBool() ? "True" : "False";
  if (v.isString()) {
    std::string s = "\"";
    for (char c : v.getString()) {
      if (c == '"' || c == '\\')
        s += '\\';
      s += c;
    }
    return s + "\"";
  }
  if (v.isTuple()) {
    std::vector<std::string> parts;
    for (const Value &e : v.getElements())
      parts.push_back(pythonValue(e));
    return "(" + llvm::join(parts, ", ") + (parts.size() == 1 ? ",)" : ")");
  }
  return "None";
}

//===----------------------------------------------------------------------===//
// The rules
//===----------------------------------------------------------------------===//

namespace {

/// What a rule sees of one layer.
class LayerView {
public:
  LayerView(const Graph &graph, const Layer &layer) : graph(graph), layer(layer) {}

  const Layer &get() const { return layer; }
  const TensorType &input(unsigned i = 0) const {
    return graph.layers[layer.inputs[i]].type;
  }
  const Value *attr(llvm::StringRef name) const {
    const Attribute *a = layer.getAttribute(name);
    return a && !a->value.isUnknown() ? &a->value : nullptr;
  }
  int64_t integer(llvm::StringRef name, int64_t otherwise = 0) const {
    const Value *v = attr(name);
    return v && v->isInt() ? v->getInt() : otherwise;
  }
  bool flag(llvm::StringRef name, bool otherwise = false) const {
    const Value *v = attr(name);
    return v && v->isBool() ? v->getBool() : otherwise;
  }
  double number(llvm::StringRef name, double otherwise = 0) const {
    const Value *v = attr(name);
    return v && (v->isInt() || v->isFloat()) ? v->getNumber() : otherwise;
  }
  std::string string(llvm::StringRef name) const {
    const Value *v = attr(name);
    return v && v->isString() ? v->getString().str() : std::string();
  }
  /// The attribute as a Python literal ("None" when absent).
  std::string literal(llvm::StringRef name) const {
    const Value *v = attr(name);
    return v ? pythonValue(*v) : "None";
  }
  /// True when the attribute was written (not the signature's default).
  bool given(llvm::StringRef name) const {
    const Attribute *a = layer.getAttribute(name);
    return a && !a->isDefault && !a->value.isUnknown();
  }
  /// netc's axis attribute \p name (\p otherwise when absent) as torch's
  /// dim.
  int64_t dim(llvm::StringRef name, int64_t otherwise) const {
    return torchDim(integer(name, otherwise));
  }
  static int64_t torchDim(int64_t axis) { return axis >= 0 ? axis + 1 : axis; }
  bool inPlace() const { return layer.storage == OutputStorage::InPlace; }

private:
  const Graph &graph;
  const Layer &layer;
};

using RuleFn = std::function<PyTorchCode(const LayerView &)>;

/// `, name=value` for each attribute written in the call.
std::string keywordsIfGiven(const LayerView &l,
                            llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>> names) {
  std::string s;
  for (auto [netcName, torchName] : names)
    if (l.given(netcName))
      s += ", " + torchName.str() + "=" + l.literal(netcName);
  return s;
}

PyTorchCode functional(std::string expr) {
  PyTorchCode code;
  code.forward = std::move(expr);
  return code;
}

PyTorchCode withModule(std::string module, std::string forward = "{m}({0})") {
  PyTorchCode code;
  code.module = std::move(module);
  code.forward = std::move(forward);
  return code;
}

std::string inplaceArg(const LayerView &l) {
  return l.inPlace() ? ", inplace=True" : "";
}

/// The spatial dims of input 0 in torch: 2 .. rank (channels first).
std::string spatialDims(const TensorType &t) {
  std::vector<std::string> dims;
  for (size_t i = 1; i < t.dims.size(); ++i)
    dims.push_back(std::to_string(i + 1));
  return "(" + llvm::join(dims, ", ") + (dims.size() == 1 ? ",)" : ")");
}

PyTorchCode convolution(const LayerView &l, llvm::StringRef kind,
                        unsigned rank, bool transposed) {
  std::string s = "nn." + kind.str() + std::to_string(rank) + "d(" +
                  std::to_string(l.input().dims[0]) + ", " +
                  l.literal("out_channels") + ", " + l.literal("kernel");
  s += keywordsIfGiven(l, {{"stride", "stride"},
                           {"padding", "padding"}});
  if (transposed)
    s += keywordsIfGiven(l, {{"output_padding", "output_padding"}});
  s += keywordsIfGiven(l, {{"groups", "groups"}, {"dilation", "dilation"}});
  if (!l.flag("bias", true))
    s += ", bias=False";
  return withModule(s + ")");
}

PyTorchCode pooling(const LayerView &l, llvm::StringRef kind, unsigned rank,
                    bool dilation) {
  std::string s = "nn." + kind.str() + std::to_string(rank) + "d(" +
                  l.literal("kernel");
  s += keywordsIfGiven(l, {{"stride", "stride"}, {"padding", "padding"}});
  if (dilation)
    s += keywordsIfGiven(l, {{"dilation", "dilation"}});
  s += keywordsIfGiven(l, {{"ceil_mode", "ceil_mode"}});
  return withModule(s + ")");
}

/// The Python index of axis `axis` (a torch dim >= 1): "[:, :, a:b]".
std::string indexOnDim(int64_t dim, const std::string &index) {
  std::string s = "[";
  for (int64_t i = 0; i < dim; ++i)
    s += ":, ";
  return s + index + "]";
}

/// netc's non-negative axis on a tensor of rank \p rank.
int64_t normalizeAxis(int64_t axis, size_t rank) {
  return axis < 0 ? axis + static_cast<int64_t>(rank) : axis;
}

const llvm::StringMap<RuleFn> &getRules() {
  static const llvm::StringMap<RuleFn> rules = [] {
    llvm::StringMap<RuleFn> r;
    for (unsigned rank : {1u, 2u, 3u}) {
      std::string n = std::to_string(rank);
      r["conv" + n + "d"] = [rank](const LayerView &l) {
        return convolution(l, "Conv", rank, false);
      };
      r["conv_transpose" + n + "d"] = [rank](const LayerView &l) {
        return convolution(l, "ConvTranspose", rank, true);
      };
      r["maxpool" + n + "d"] = [rank](const LayerView &l) {
        return pooling(l, "MaxPool", rank, true);
      };
      r["avgpool" + n + "d"] = [rank](const LayerView &l) {
        return pooling(l, "AvgPool", rank, false);
      };
    }
    r["global_avgpool"] = [](const LayerView &l) {
      return functional("{0}.mean(dim=" + spatialDims(l.input()) +
                        (l.flag("keepdims") ? ", keepdim=True" : "") + ")");
    };
    // Adaptive max pooling to 1, as netc's model counts it (the input and
    // int64 indices kept for backward); more than 3 spatial axes are
    // flattened into one first.
    r["global_maxpool"] = [](const LayerView &l) {
      size_t spatial = l.input().getRank() - 1;
      std::string code =
          spatial <= 3 ? "F.adaptive_max_pool" + std::to_string(spatial) +
                             "d({0}, 1)"
                       : "F.adaptive_max_pool1d({0}.flatten(2), 1)";
      if (!l.flag("keepdims"))
        code += ".flatten(1)";
      else if (spatial > 3)
        for (size_t i = 1; i < spatial; ++i)
          code += ".unsqueeze(-1)";
      return functional(code);
    };
    r["adaptive_avgpool2d"] = [](const LayerView &l) {
      return withModule("nn.AdaptiveAvgPool2d(" + l.literal("output_size") + ")");
    };
    r["adaptive_maxpool2d"] = [](const LayerView &l) {
      return withModule("nn.AdaptiveMaxPool2d(" + l.literal("output_size") + ")");
    };
    r["mean"] = [](const LayerView &l) {
      const Value *axis = l.attr("axis");
      std::string dims;
      if (axis && axis->isTuple()) {
        std::vector<std::string> parts;
        for (const Value &e : axis->getElements())
          parts.push_back(std::to_string(LayerView::torchDim(e.getInt())));
        dims = "(" + llvm::join(parts, ", ") + (parts.size() == 1 ? ",)" : ")");
      } else {
        dims = std::to_string(l.dim("axis", -1));
      }
      return functional("{0}.mean(dim=" + dims +
                        (l.flag("keepdims") ? ", keepdim=True" : "") + ")");
    };
    r["dense"] = [](const LayerView &l) {
      return withModule("nn.Linear(" + std::to_string(l.input().dims.back()) +
                        ", " + l.literal("units") +
                        (l.flag("bias", true) ? "" : ", bias=False") + ")");
    };
    r["embedding"] = [](const LayerView &l) {
      return withModule("nn.Embedding(" + l.literal("vocab") + ", " +
                        l.literal("dim") + ")");
    };
    r["moe"] = [](const LayerView &l) {
      PyTorchCode code =
          withModule("MixtralSparseMoeBlock(" +
                     std::to_string(l.input().dims.back()) + ", " +
                     l.literal("hidden") + ", " + l.literal("experts") + ", " +
                     l.literal("top_k") + ")");
      code.helpers.push_back(PyTorchHelper::Moe);
      return code;
    };
    r["matmul"] = [](const LayerView &) {
      return functional("torch.matmul({0}, {1})");
    };
    r["batchnorm"] = [](const LayerView &l) {
      size_t rank = l.input().getRank();
      std::string kind = rank <= 2 ? "1" : std::to_string(rank - 1);
      return withModule("nn.BatchNorm" + kind + "d(" +
                        std::to_string(l.input().dims[0]) +
                        keywordsIfGiven(l, {{"eps", "eps"},
                                            {"momentum", "momentum"}}) +
                        ")");
    };
    auto normalizedShape = [](const LayerView &l) {
      int64_t dims = l.integer("dims", 1);
      const TensorType &t = l.input();
      std::vector<std::string> parts;
      for (size_t i = t.dims.size() - dims; i < t.dims.size(); ++i)
        parts.push_back(std::to_string(t.dims[i]));
      return "(" + llvm::join(parts, ", ") + (parts.size() == 1 ? ",)" : ")");
    };
    r["layernorm"] = [normalizedShape](const LayerView &l) {
      return withModule("nn.LayerNorm(" + normalizedShape(l) +
                        keywordsIfGiven(l, {{"eps", "eps"}}) +
                        (l.flag("affine", true) ? ""
                                                : ", elementwise_affine=False") +
                        ")");
    };
    r["rmsnorm"] = [normalizedShape](const LayerView &l) {
      PyTorchCode code = withModule(
          "RMSNorm(" + normalizedShape(l) + ", eps=" +
          pythonNumber(l.number("eps", 1e-6)) +
          (l.flag("affine", true) ? "" : ", affine=False") + ")");
      code.helpers.push_back(PyTorchHelper::RMSNorm);
      return code;
    };
    r["groupnorm"] = [](const LayerView &l) {
      return withModule("nn.GroupNorm(" + l.literal("groups") + ", " +
                        std::to_string(l.input().dims[0]) +
                        keywordsIfGiven(l, {{"eps", "eps"}}) + ")");
    };
    r["dropout"] = [](const LayerView &l) {
      return functional("F.dropout({0}, p=" + pythonNumber(l.number("p", 0.5)) +
                        ", training=self.training" + inplaceArg(l) + ")");
    };
    auto activation = [](const char *fn, bool inplace) {
      return [fn, inplace](const LayerView &l) {
        return functional(std::string(fn) + "({0}" +
                          (inplace ? inplaceArg(l) : "") + ")");
      };
    };
    r["relu"] = activation("F.relu", true);
    r["relu6"] = activation("F.relu6", true);
    r["silu"] = activation("F.silu", true);
    r["hardswish"] = activation("F.hardswish", true);
    r["hardsigmoid"] = activation("F.hardsigmoid", true);
    r["sigmoid"] = [](const LayerView &l) {
      return functional(l.inPlace() ? "{0}.sigmoid_()" : "torch.sigmoid({0})");
    };
    r["tanh"] = [](const LayerView &l) {
      return functional(l.inPlace() ? "{0}.tanh_()" : "torch.tanh({0})");
    };
    r["gelu"] = [](const LayerView &l) {
      std::string approximate = l.string("approximate");
      // F.gelu has no inplace=; aten's gelu_ is the in-place kernel, whose
      // backward keeps a copy of the input as netc counts it.
      return functional(std::string(l.inPlace() ? "torch.ops.aten.gelu_"
                                                : "F.gelu") +
                        "({0}" +
                        (approximate.empty() || approximate == "none"
                             ? std::string()
                             : ", approximate=\"" + approximate + "\"") +
                        ")");
    };
    r["leaky_relu"] = [](const LayerView &l) {
      return functional("F.leaky_relu({0}, negative_slope=" +
                        pythonNumber(l.number("slope", 0.01)) + inplaceArg(l) +
                        ")");
    };
    r["elu"] = [](const LayerView &l) {
      return functional("F.elu({0}, alpha=" + pythonNumber(l.number("alpha", 1)) +
                        inplaceArg(l) + ")");
    };
    r["softmax"] = [](const LayerView &l) {
      return functional("F.softmax({0}, dim=" +
                        std::to_string(l.dim("axis", -1)) + ")");
    };
    r["log_softmax"] = [](const LayerView &l) {
      return functional("F.log_softmax({0}, dim=" +
                        std::to_string(l.dim("axis", -1)) + ")");
    };
    r["flatten"] = [](const LayerView &) {
      return functional("torch.flatten({0}, 1)");
    };
    r["transpose"] = [](const LayerView &l) {
      return functional("{0}.transpose(" +
                        std::to_string(l.dim("axis0", -2)) + ", " +
                        std::to_string(l.dim("axis1", -1)) + ")");
    };
    r["permute"] = [](const LayerView &l) {
      std::vector<std::string> dims{"0"};
      if (const Value *axes = l.attr("axes"); axes && axes->isTuple())
        for (const Value &e : axes->getElements())
          dims.push_back(std::to_string(LayerView::torchDim(
              normalizeAxis(e.getInt(), l.input().getRank()))));
      return functional("{0}.permute(" + llvm::join(dims, ", ") + ")");
    };
    r["reshape"] = [](const LayerView &l) {
      std::string shape = l.literal("shape");
      if (!shape.empty() && shape.front() == '(')
        shape = shape.substr(1, shape.size() - 2);
      if (!shape.empty() && shape.back() == ',')
        shape.pop_back();
      return functional("{0}.reshape({0}.shape[0], " + shape + ")");
    };
    r["slice"] = [](const LayerView &l) {
      int64_t axis = normalizeAxis(l.integer("axis", 0), l.input().getRank());
      return functional("{0}" + indexOnDim(axis + 1, l.literal("start") + ":" +
                                                         l.literal("end")));
    };
    r["select"] = [](const LayerView &l) {
      int64_t axis = normalizeAxis(l.integer("axis", 0), l.input().getRank());
      return functional("{0}.select(" + std::to_string(axis + 1) + ", " +
                        l.literal("index") + ")");
    };
    r["split"] = [](const LayerView &l) {
      int64_t axis = normalizeAxis(l.integer("axis", 0), l.input().getRank());
      std::string sizes = l.literal("sizes");
      if (sizes.front() == '(')
        sizes = "[" + sizes.substr(1, sizes.size() - 2) + "]";
      if (sizes.size() > 2 && sizes[sizes.size() - 2] == ',')
        sizes.erase(sizes.size() - 2, 1);
      return functional("torch.split({0}, " + sizes + ", dim=" +
                        std::to_string(axis + 1) + ")[" +
                        std::to_string(l.integer("output")) + "]");
    };
    r["chunk"] = [](const LayerView &l) {
      int64_t axis = normalizeAxis(l.integer("axis", 0), l.input().getRank());
      return functional("torch.chunk({0}, " + l.literal("n") + ", dim=" +
                        std::to_string(axis + 1) + ")[" +
                        std::to_string(l.integer("output")) + "]");
    };
    r["center_crop"] = [](const LayerView &l) {
      // torchvision's center_crop: offset round((in - out) / 2) per axis.
      const TensorType &in = l.input();
      const TensorType &out = l.get().type;
      std::string index = "[:, :";
      for (size_t i = 1; i < in.dims.size(); ++i) {
        int64_t offset = static_cast<int64_t>(
            std::lround((in.dims[i] - out.dims[i]) / 2.0));
        index += ", " + std::to_string(offset) + ":" +
                 std::to_string(offset + out.dims[i]);
      }
      return functional("{0}" + index + "]");
    };
    r["zero_pad2d"] = [](const LayerView &l) {
      return functional("F.pad({0}, " + [&] {
        const Value *pad = l.attr("pad");
        if (pad && pad->isInt()) {
          std::string p = std::to_string(pad->getInt());
          return "(" + p + ", " + p + ", " + p + ", " + p + ")";
        }
        return l.literal("pad");
      }() + ")");
    };
    r["upsample"] = [](const LayerView &l) {
      std::string mode = l.string("mode");
      if (mode.empty())
        mode = "nearest";
      return functional("F.interpolate({0}, scale_factor=" + l.literal("scale") +
                        ", mode=\"" + mode + "\"" +
                        (mode == "bilinear" ? ", align_corners=False" : "") +
                        ")");
    };
    r["add"] = [](const LayerView &) { return functional("{0} + {1}"); };
    r["mul"] = [](const LayerView &) { return functional("{0} * {1}"); };
    r["mul_scalar"] = [](const LayerView &l) {
      return functional("{0} * " + l.literal("factor"));
    };
    r["where"] = [](const LayerView &l) {
      // A number given for a or b is an attribute, not an input.
      std::string args = "{0}";
      unsigned next = 1;
      for (llvm::StringRef name : {"a", "b"}) {
        const Value *v = l.attr(name);
        if (v && (v->isInt() || v->isFloat()))
          args += ", torch.tensor(" + pythonNumber(v->getNumber()) + ")";
        else
          args += ", {" + std::to_string(next++) + "}";
      }
      return functional("torch.where(" + args + ")");
    };
    r["concat"] = [](const LayerView &l) {
      int64_t axis = normalizeAxis(l.integer("axis", 0), l.input().getRank());
      return functional("torch.cat([{*}], dim=" + std::to_string(axis + 1) +
                        ")");
    };
    r["rope"] = [](const LayerView &l) {
      PyTorchCode code = functional("rope({0}, " + l.literal("heads") +
                                    ", base=" +
                                    pythonNumber(l.number("base", 10000)) + ")");
      code.helpers.push_back(PyTorchHelper::NotAView);
      code.helpers.push_back(PyTorchHelper::Rope);
      return code;
    };
    r["attention"] = [](const LayerView &l) {
      std::string args = "{0}, {1}, {2}, heads=" + l.literal("heads");
      if (l.attr("kv_heads"))
        args += ", kv_heads=" + l.literal("kv_heads");
      if (l.flag("causal"))
        args += ", causal=True";
      if (l.number("dropout") > 0)
        args += ", dropout=" + pythonNumber(l.number("dropout")) +
                ", training=self.training";
      if (l.attr("scale"))
        args += ", scale=" + pythonNumber(l.number("scale"));
      if (l.string("impl") == "flash")
        args += ", impl=\"flash\"";
      PyTorchCode code = functional("attention(" + args + ")");
      code.helpers.push_back(PyTorchHelper::NotAView);
      code.helpers.push_back(PyTorchHelper::Attention);
      return code;
    };
    r["multihead_attention"] = [](const LayerView &l) {
      int64_t heads = l.integer("heads", 1);
      int64_t kvHeads = l.integer("kv_heads", heads);
      std::string common = l.literal("dim") + ", " + std::to_string(heads);
      double dropout = l.number("dropout");
      std::string causal = l.flag("causal") ? "True" : "False";
      PyTorchCode code;
      if (kvHeads == heads) {
        code.module = "nn.MultiheadAttention(" + common +
                      (dropout > 0 ? ", dropout=" + pythonNumber(dropout) : "") +
                      (l.flag("bias", true) ? "" : ", bias=False") +
                      ", batch_first=True)";
        code.forward = "self_attention({m}, {0}, causal=" + causal + ")";
        code.helpers.push_back(PyTorchHelper::SelfAttention);
      } else {
        code.module = "GroupedSelfAttention(" + common + ", " +
                      std::to_string(kvHeads) +
                      (l.flag("bias", true) ? "" : ", bias=False") +
                      (dropout > 0 ? ", dropout=" + pythonNumber(dropout) : "") +
                      ")";
        code.forward = "{m}({0}, causal=" + causal + ")";
        code.helpers.push_back(PyTorchHelper::NotAView);
        code.helpers.push_back(PyTorchHelper::Attention);
        code.helpers.push_back(PyTorchHelper::GroupedSelfAttention);
      }
      return code;
    };
    r["causal_mask"] = [](const LayerView &l) {
      return functional("torch.ones(1, " + l.literal("n") + ", " +
                        l.literal("n") + ", dtype=torch.bool).tril()");
    };
    return r;
  }();
  return rules;
}

} // namespace

bool emit::hasPyTorchRule(llvm::StringRef op) {
  return getRules().count(op) != 0;
}

std::optional<PyTorchCode> emit::getPyTorchCode(const Graph &graph,
                                                const Layer &layer) {
  auto it = getRules().find(layer.op->name);
  if (it == getRules().end())
    return std::nullopt;
  return it->second(LayerView(graph, layer));
}

llvm::StringRef emit::getPyTorchHelperSource(PyTorchHelper helper) {
  switch (helper) {
  case PyTorchHelper::NotAView:
    return R"py(def _not_a_view(t):
    """t, or a copy of it when it is a view: an autograd.Function's output
    may not be a view of its own temporaries if later layers are to write
    into it in place."""
    return t.clone() if t._base is not None else t
)py";
  case PyTorchHelper::RMSNorm:
    return R"py(class _RMSNormFunction(torch.autograd.Function):
    """RMSNorm as one fused step: keeps the input and one reciprocal root
    mean square per normalised slice (netc's pytorch memory model), and
    recomputes the rest in backward."""

    @staticmethod
    def forward(ctx, x, weight, dims, eps):
        # In f32 at the least, as Hugging Face's (f16 and bf16 inputs).
        wide = torch.promote_types(x.dtype, torch.float32)
        rstd = torch.rsqrt(x.to(wide).pow(2).mean(dim=dims, keepdim=True) + eps)
        ctx.save_for_backward(x, rstd, weight)
        ctx.dims = dims
        y = (x.to(wide) * rstd).to(x.dtype)
        return y * weight if weight is not None else y

    @staticmethod
    def backward(ctx, grad):
        x, rstd, weight = ctx.saved_tensors
        y = x.to(rstd.dtype) * rstd
        grad = grad.to(rstd.dtype)
        grad_weight = None
        if weight is not None:
            if ctx.needs_input_grad[1]:
                grad_weight = (grad * y).sum(
                    dim=tuple(range(grad.dim() - weight.dim()))).to(weight.dtype)
            grad = grad * weight.to(rstd.dtype)
        grad_x = rstd * (grad - y * (grad * y).mean(dim=ctx.dims, keepdim=True))
        return grad_x.to(x.dtype), grad_weight, None, None


class RMSNorm(nn.Module):
    """Root-mean-square normalisation over the last axes (Hugging Face's
    LlamaRMSNorm computed as one fused step; torch 1.13 has no
    nn.RMSNorm)."""

    def __init__(self, shape, eps=1e-6, affine=True):
        super().__init__()
        self.dims = tuple(range(-len(shape), 0))
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(shape)) if affine else None

    def forward(self, x):
        return _RMSNormFunction.apply(x, self.weight, self.dims, self.eps)
)py";
  case PyTorchHelper::Rope:
    return R"py(def _rotate(x, heads, base, sign):
    """x cos + sign * rotate_half(x) sin per head of [..., L, heads * d]."""
    length, d = x.shape[-2], x.shape[-1] // heads
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float32) / d))
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inv_freq)
    cos = torch.cat([angles.cos(), angles.cos()], dim=-1).to(x.dtype)
    sin = torch.cat([angles.sin(), angles.sin()], dim=-1).to(x.dtype)
    y = x.reshape(*x.shape[:-1], heads, d).transpose(-3, -2)
    rotated = torch.cat([-y[..., d // 2:], y[..., :d // 2]], dim=-1)
    y = y * cos + rotated * (sign * sin)
    return y.transpose(-3, -2).reshape(x.shape)


class _RopeFunction(torch.autograd.Function):
    """The rotation keeps nothing for backward: its gradient is the inverse
    rotation of the incoming gradient."""

    @staticmethod
    def forward(ctx, x, heads, base):
        ctx.heads, ctx.base = heads, base
        return _not_a_view(_rotate(x, heads, base, 1.0))

    @staticmethod
    def backward(ctx, grad):
        return _rotate(grad, ctx.heads, ctx.base, -1.0), None, None


def rope(x, heads, base=10000.0):
    """Rotary position embedding of [..., L, heads * d] (rotate_half form,
    as Hugging Face's Llama)."""
    return _RopeFunction.apply(x, heads, base)
)py";
  case PyTorchHelper::Attention:
    return R"py(def _heads(t, n):
    """[..., L, n * d] as [..., n, L, d] (a view)."""
    return t.reshape(*t.shape[:-1], n, t.shape[-1] // n).transpose(-3, -2)


def _merge_heads(t):
    """[..., n, L, d] as [..., L, n * d]."""
    t = t.transpose(-3, -2)
    return t.reshape(*t.shape[:-2], -1)


class _AttentionFunction(torch.autograd.Function):
    """Scaled dot-product attention with the tensors netc's pytorch memory
    model counts kept for backward: the math path keeps the probabilities,
    with dropout also the dropped ones and a 1-byte mask, and each of q, k
    and v (grouped keys and values repeated per query head) when another of
    them needs a gradient, as a product keeps a factor for the other's; the
    flash path keeps q, k, v, the output and one f32 log-sum-exp per query
    row and head, and recomputes the probabilities (and redraws the dropout
    mask from its seed) in backward."""

    @staticmethod
    def forward(ctx, q, k, v, heads, kv_heads, causal, dropout, scale, flash):
        repeat = heads // kv_heads
        qh, kh, vh = _heads(q, heads), _heads(k, kv_heads), _heads(v, kv_heads)
        if repeat > 1:
            kh = kh.repeat_interleave(repeat, dim=-3)
            vh = vh.repeat_interleave(repeat, dim=-3)
        scores = _AttentionFunction._scores(qh, kh, scale, causal)
        probs = torch.softmax(scores, dim=-1)
        seed = mask = None
        dropped = probs
        if dropout > 0:
            seed = int(torch.randint(2 ** 62, ()))
            mask = _AttentionFunction._mask(probs, dropout, seed)
            dropped = probs * mask / (1.0 - dropout)
        out = _not_a_view(_merge_heads(torch.matmul(dropped, vh)))
        ctx.setup = (heads, kv_heads, causal, dropout, scale, flash, seed)
        ctx.shapes = (k.shape, v.shape)
        if flash:
            ctx.save_for_backward(q, k, v, out,
                                  torch.logsumexp(scores.float(), dim=-1))
            return out
        need = ctx.needs_input_grad[:3]
        keep = [any(need[:i] + need[i + 1:]) for i in range(3)]
        if repeat == 1:
            kh, vh = k, v
        ctx.save_for_backward(q if keep[0] else None, kh if keep[1] else None,
                              vh if keep[2] else None, probs, dropped, mask)
        return out

    @staticmethod
    def _scores(qh, kh, scale, causal):
        scores = torch.matmul(qh, kh.transpose(-2, -1)) * scale
        if causal:
            keep = torch.ones(scores.shape[-2:], dtype=torch.bool,
                              device=scores.device).tril()
            scores = scores.masked_fill(~keep, float("-inf"))
        return scores

    @staticmethod
    def _mask(probs, dropout, seed):
        generator = torch.Generator(device=probs.device).manual_seed(seed)
        return torch.rand(probs.shape, generator=generator,
                          device=probs.device) >= dropout

    @staticmethod
    def backward(ctx, grad):
        heads, kv_heads, causal, dropout, scale, flash, seed = ctx.setup
        need = ctx.needs_input_grad[:3]
        repeat = heads // kv_heads
        saved = ctx.saved_tensors
        q, kh, vh = saved[:3]
        qh = _heads(q, heads) if q is not None else None
        if flash or repeat == 1:
            kh = _heads(kh, kv_heads) if kh is not None else None
            vh = _heads(vh, kv_heads) if vh is not None else None
        if flash:
            if repeat > 1:
                kh = kh.repeat_interleave(repeat, dim=-3)
                vh = vh.repeat_interleave(repeat, dim=-3)
            lse = saved[4].unsqueeze(-1)
            scores = _AttentionFunction._scores(qh, kh, scale, causal)
            probs = torch.exp(scores.float() - lse).to(q.dtype)
            mask, dropped = None, probs
            if dropout > 0:
                mask = _AttentionFunction._mask(probs, dropout, seed)
                dropped = probs * mask / (1.0 - dropout)
        else:
            probs, dropped, mask = saved[3], saved[4], saved[5]
        k_shape, v_shape = ctx.shapes
        grad_out = _heads(grad, heads)
        grad_q = grad_k = grad_v = None
        if need[2]:
            grad_vh = torch.matmul(dropped.transpose(-2, -1), grad_out)
            if repeat > 1:
                grad_vh = grad_vh.unflatten(-3, (kv_heads, repeat)).sum(dim=-3)
            grad_v = _merge_heads(grad_vh).reshape(v_shape)
        if need[0] or need[1]:
            grad_probs = torch.matmul(grad_out, vh.transpose(-2, -1))
            if dropout > 0:
                grad_probs = grad_probs * mask / (1.0 - dropout)
            grad_scores = probs * (grad_probs -
                                   (grad_probs * probs).sum(dim=-1, keepdim=True))
            grad_scores = grad_scores * scale
            if need[0]:
                grad_q = _merge_heads(torch.matmul(grad_scores, kh))
            if need[1]:
                grad_kh = torch.matmul(grad_scores.transpose(-2, -1), qh)
                if repeat > 1:
                    grad_kh = grad_kh.unflatten(-3, (kv_heads, repeat)).sum(dim=-3)
                grad_k = _merge_heads(grad_kh).reshape(k_shape)
        return grad_q, grad_k, grad_v, None, None, None, None, None, None


def attention(q, k, v, heads, kv_heads=None, causal=False, dropout=0.0,
              training=False, scale=None, impl="math"):
    """Scaled dot-product attention of tokens-major [..., L, heads * d]
    queries and [..., S, kv_heads * d] keys and values, each key and value
    head shared by heads // kv_heads query heads (torch's
    scaled_dot_product_attention, which torch 1.13 does not have; impl is
    "math" or "flash", which differ in what they keep for backward)."""
    kv_heads = kv_heads or heads
    scale = scale or (q.shape[-1] // heads) ** -0.5
    return _AttentionFunction.apply(q, k, v, heads, kv_heads, causal,
                                    dropout if training else 0.0, scale,
                                    impl == "flash")
)py";
  case PyTorchHelper::SelfAttention:
    return R"py(def self_attention(module, x, causal=False):
    """nn.MultiheadAttention (batch_first) as self-attention on [..., L, dim]."""
    shape = x.shape
    x = x.reshape(-1, shape[-2], shape[-1])
    mask = None
    if causal:
        mask = torch.ones(shape[-2], shape[-2], dtype=torch.bool,
                          device=x.device).triu(1)
    y = module(x, x, x, attn_mask=mask, need_weights=False)[0]
    return y.reshape(shape)
)py";
  case PyTorchHelper::GroupedSelfAttention:
    return R"py(class GroupedSelfAttention(nn.Module):
    """Self-attention with projections whose key and value heads are shared
    by groups of query heads (torch has no grouped nn.MultiheadAttention)."""

    def __init__(self, dim, heads, kv_heads, bias=True, dropout=0.0):
        super().__init__()
        kv_dim = kv_heads * (dim // heads)
        self.heads, self.kv_heads, self.dropout = heads, kv_heads, dropout
        self.q_proj = nn.Linear(dim, dim, bias=bias)
        self.k_proj = nn.Linear(dim, kv_dim, bias=bias)
        self.v_proj = nn.Linear(dim, kv_dim, bias=bias)
        self.out_proj = nn.Linear(dim, dim, bias=bias)

    def forward(self, x, causal=False):
        y = attention(self.q_proj(x), self.k_proj(x), self.v_proj(x),
                      self.heads, self.kv_heads, causal=causal,
                      dropout=self.dropout, training=self.training)
        return self.out_proj(y)
)py";
  case PyTorchHelper::Moe:
    return R"py(class MixtralExpert(nn.Module):
    """One SwiGLU expert, w2(silu(w1(x)) * w3(x)), scaled by its routing
    weight, as transformers' MixtralBlockSparseTop2MLP."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x, routing_weights):
        return routing_weights * self.w2(F.silu(self.w1(x)) * self.w3(x))


class MixtralSparseMoeBlock(nn.Module):
    """A router sends each token to top_k experts (transformers'
    MixtralSparseMoeBlock, step for step): their outputs weighted by the
    renormalised softmax of the router's scores."""

    def __init__(self, dim, hidden, experts, top_k):
        super().__init__()
        self.top_k = top_k
        self.gate = nn.Linear(dim, experts, bias=False)
        self.experts = nn.ModuleList(
            [MixtralExpert(dim, hidden) for _ in range(experts)])

    def forward(self, x):
        tokens = x.reshape(-1, x.shape[-1])
        weights = F.softmax(self.gate(tokens), dim=1, dtype=torch.float)
        weights, chosen = torch.topk(weights, self.top_k, dim=-1)
        weights /= weights.sum(dim=-1, keepdim=True)
        weights = weights.to(x.dtype)
        out = torch.zeros_like(tokens)
        routed = F.one_hot(chosen, num_classes=len(self.experts)).permute(2, 1, 0)
        for e, expert in enumerate(self.experts):
            slot, token = torch.where(routed[e])
            if token.shape[0] == 0:
                continue
            token_list, slot_list = token.tolist(), slot.tolist()
            y = expert(tokens[None, token_list].reshape(-1, tokens.shape[-1]),
                       weights[token_list, slot_list, None])
            out.index_add_(0, token, y.to(x.dtype))
        return out.reshape(x.shape)
)py";
  }
  return "";
}
