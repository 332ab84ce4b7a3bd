//===- OpRulesTest.cpp - every op's shape and parameter rule vs PyTorch ---===//
//
// Each case compiles a one-layer network from source text and compares the
// layer's output shape (per sample, no batch axis) and its trainable and
// non-trainable (buffer) parameter counts with PyTorch.
//
// The expected figures were produced by torch 1.13.1 (Debian's
// python3-torch 1.13.1+dfsg-4, which reports torch.__version__ 1.13.0a0),
// not by netc: a throwaway script built each torch.nn module, put it in
// eval mode, ran torch.zeros(1, *input) through it and printed the output
// shape without the batch axis, sum(p.numel() for p in m.parameters()) and
// the numel of its buffers without num_batches_tracked. The modules:
//   conv1d/2d/3d             torch.nn.Conv1d / Conv2d / Conv3d
//   conv_transpose1d/2d/3d   torch.nn.ConvTranspose1d / 2d / 3d
//   maxpool1d/2d/3d          torch.nn.MaxPool1d / 2d / 3d
//   avgpool1d/2d/3d          torch.nn.AvgPool1d / 2d / 3d
//   global_avgpool           torch.nn.AdaptiveAvgPoolNd(1), then
//                            torch.nn.Flatten() unless keepdims=true
//   global_maxpool           torch.nn.AdaptiveMaxPoolNd(1), likewise
//   adaptive_avgpool2d       torch.nn.AdaptiveAvgPool2d
//   adaptive_maxpool2d       torch.nn.AdaptiveMaxPool2d
//   dense                    torch.nn.Linear
//   embedding                torch.nn.Embedding, on int64 (or int32) indices
//   matmul                   torch.matmul on [1, *a] and [1, *b]
//   rope                     Llama's apply_rotary_pos_emb on [1, heads,
//                            tokens, d]: the same shape, no parameters
//   attention                torch 1.13 has no scaled_dot_product_attention:
//                            q, k, v reshaped to [1, heads, tokens, d] (k
//                            and v repeat_interleave'd to heads), softmax(q
//                            k^T / sqrt(d)) v, transposed and reshaped back
//   transpose                Tensor.transpose, each axis + 1
//   flatten                  torch.nn.Flatten (start_dim=1)
//   reshape                  Tensor.reshape(1, *shape)
//   batchnorm                torch.nn.BatchNorm1d on [C] and [C, L],
//                            BatchNorm2d on [C, H, W], BatchNorm3d on
//                            [C, D, H, W]
//   layernorm                torch.nn.LayerNorm(input[-dims:],
//                            elementwise_affine=affine)
//   groupnorm                torch.nn.GroupNorm(groups, C)
//   dropout                  torch.nn.Dropout
//   activations              torch.nn.ReLU, ReLU6, GELU, Sigmoid, Tanh,
//                            SiLU, Hardswish, Hardsigmoid, LeakyReLU, ELU,
//                            Softmax(dim = axis + 1 for axis >= 0, else
//                            axis: netc's axes exclude the batch)
//   zero_pad2d               torch.nn.ZeroPad2d; netc's (h, w) form has no
//                            torch spelling and is compared with
//                            ZeroPad2d((w, w, h, h)), as netc documents it
//   upsample                 torch.nn.Upsample(scale_factor=scale, mode=mode)
// Every error case is a configuration that made torch raise (at
// construction or in forward) with that script; the expected text is a
// fragment of netc's own message for that class of mistake.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"
#include "netc/Check/Checker.h"
#include "netc/Graph/Graph.h"
#include "netc/Ops/OpRegistry.h"
#include "netc/Parse/Parser.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

using namespace netc;

namespace {

/// Keeps every diagnostic it is handed.
class RecordingConsumer : public DiagnosticConsumer {
public:
  void handle(const Diagnostic &diagnostic) override {
    diagnostics.push_back(diagnostic);
  }
  std::vector<Diagnostic> diagnostics;
};

/// What compiling one layer produced.
struct CompiledLayer {
  /// Every diagnostic, with its notes.
  std::vector<Diagnostic> diagnostics;
  unsigned numErrors = 0;
  /// True when the network has an output layer (the layer under test).
  bool found = false;
  std::string opName;
  std::vector<int64_t> shape;
  ParamCount params;

  /// "error: ...\nwarning: ..." for failure messages.
  std::string describeDiagnostics() const {
    std::string s;
    for (const Diagnostic &d : diagnostics) {
      s += d.severity == Severity::Error     ? "  error: "
           : d.severity == Severity::Warning ? "  warning: "
                                             : "  note: ";
      s += d.message + "\n";
    }
    return s.empty() ? "  (no diagnostics)\n" : s;
  }
};

/// Compiles `input x: INPUT` followed by `output y = CALL` and returns the
/// output layer's op, shape and parameter counts with every diagnostic.
CompiledLayer compileLayer(llvm::StringRef input, llvm::StringRef call) {
  std::string source = "network OpRules {\n  input x: " + input.str() +
                       "\n  output y = " + call.str() + "\n}\n";
  llvm::SourceMgr sourceMgr;
  unsigned bufferId = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, "op_rules_test.net"),
      llvm::SMLoc());
  RecordingConsumer consumer;
  DiagnosticEngine diags(sourceMgr, consumer);

  CompiledLayer result;
  if (std::unique_ptr<ast::Module> module = parseModule(bufferId, diags)) {
    CheckedModule checked = checkModule(*module, diags);
    if (checked.graphs.size() == 1 && checked.graphs[0].outputs.size() == 1) {
      const Graph &graph = checked.graphs[0];
      LayerId id = graph.outputs[0].layer;
      if (id < graph.layers.size()) {
        const Layer &layer = graph.layers[id];
        result.found = true;
        result.opName = layer.op ? layer.op->name : "";
        result.shape.assign(layer.type.dims.begin(), layer.type.dims.end());
        result.params = layer.params;
      }
    }
  }
  result.numErrors = diags.getNumErrors();
  result.diagnostics = std::move(consumer.diagnostics);
  return result;
}

/// The op name a call starts with: "conv2d" for "conv2d(x, ...)".
std::string calleeOf(llvm::StringRef call) {
  return call.take_until([](char c) { return c == '('; }).trim().str();
}

/// Succeeds when compiling CALL on INPUT reports an error whose message
/// contains FRAGMENT.
::testing::AssertionResult reportsError(llvm::StringRef input,
                                        llvm::StringRef call,
                                        llvm::StringRef fragment) {
  CompiledLayer r = compileLayer(input, call);
  for (const Diagnostic &d : r.diagnostics)
    if (d.severity == Severity::Error &&
        llvm::StringRef(d.message).contains(fragment))
      return ::testing::AssertionSuccess();
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << "`" << call.str() << "` on " << input.str()
          << " reported no error containing \"" << fragment.str() << "\"";
  if (r.numErrors == 0 && r.found) {
    failure << "; netc accepted it: output [";
    for (size_t i = 0; i < r.shape.size(); ++i)
      failure << (i ? ", " : "") << r.shape[i];
    failure << "], " << r.params.trainable << " trainable, " << r.params.buffers
            << " buffers";
  }
  return failure << "\n" << r.describeDiagnostics();
}

//===----------------------------------------------------------------------===//
// Shapes and parameters
//===----------------------------------------------------------------------===//

/// One layer and PyTorch's figures for it.
struct ShapeCase {
  const char *name;
  /// The input's per-sample dims, as written after `input x:`.
  const char *input;
  /// The call, on the input `x`.
  const char *call;
  /// PyTorch's output shape without the batch axis.
  std::vector<int64_t> shape;
  /// sum(p.numel() for p in module.parameters()).
  int64_t trainable;
  /// Buffer elements, without num_batches_tracked.
  int64_t buffers;
};

void PrintTo(const ShapeCase &c, std::ostream *os) {
  *os << c.call << " on " << c.input;
}

std::string shapeCaseName(const ::testing::TestParamInfo<ShapeCase> &info) {
  return info.param.name;
}

// The tables below are pasted from the reference script's output.

// clang-format off
const ShapeCase ConvCases[] = {
    {"Conv1dBasic", "[4, 50]", "conv1d(x, 8, kernel=5)", {8, 46}, 168, 0},
    {"Conv1dStridePadDilation", "[4, 50]",
     "conv1d(x, 8, kernel=3, stride=3, padding=2, dilation=2)",
     {8, 17}, 104, 0},
    {"Conv1dPaddingTuple", "[4, 50]",
     "conv1d(x, 8, kernel=3, padding=(4,))", {8, 56}, 104, 0},
    {"Conv1dSameEvenKernel", "[4, 50]",
     "conv1d(x, 8, kernel=4, padding=\"same\")", {8, 50}, 136, 0},
    {"Conv1dSameDilated", "[4, 50]",
     "conv1d(x, 8, kernel=3, dilation=3, padding=\"same\")", {8, 50}, 104, 0},
    {"Conv1dValid", "[4, 50]",
     "conv1d(x, 8, kernel=7, padding=\"valid\")", {8, 44}, 232, 0},
    {"Conv1dGroupsNoBias", "[4, 50]",
     "conv1d(x, 6, kernel=3, groups=2, bias=false)", {6, 48}, 36, 0},
    {"Conv1dDepthwise", "[16, 40]",
     "conv1d(x, 16, kernel=3, groups=16)", {16, 38}, 64, 0},
    {"Conv1dKernelEqualsInput", "[2, 9]",
     "conv1d(x, 3, kernel=9)", {3, 1}, 57, 0},
    {"Conv1dSameKernelWiderThanInput", "[2, 5]",
     "conv1d(x, 3, kernel=7, padding=\"same\")", {3, 5}, 45, 0},
    {"Conv2dLeNetC1", "[1, 32, 32]",
     "conv2d(x, 6, kernel=5)", {6, 28, 28}, 156, 0},
    {"Conv2dResNetStem", "[3, 224, 224]",
     "conv2d(x, 64, kernel=7, stride=2, padding=3, bias=false)",
     {64, 112, 112}, 9408, 0},
    {"Conv2dStride2Pad1", "[16, 15, 15]",
     "conv2d(x, 32, kernel=3, stride=2, padding=1)", {32, 8, 8}, 4640, 0},
    {"Conv2dRectKernel1x7", "[64, 17, 17]",
     "conv2d(x, 96, kernel=(1, 7), padding=(0, 3))", {96, 17, 17}, 43104, 0},
    {"Conv2dRectAll", "[8, 20, 31]",
     "conv2d(x, 12, kernel=(3, 5), stride=(2, 1), padding=(1, 0), "
     "dilation=(1, 2))",
     {12, 10, 23}, 1452, 0},
    {"Conv2dStrideTuple", "[3, 33, 40]",
     "conv2d(x, 4, kernel=3, stride=(3, 4), padding=2)", {4, 12, 11}, 112, 0},
    {"Conv2dDilation2", "[3, 32, 32]",
     "conv2d(x, 4, kernel=3, dilation=2)", {4, 28, 28}, 112, 0},
    {"Conv2dSameRect", "[5, 11, 12]",
     "conv2d(x, 7, kernel=(3, 4), dilation=(2, 1), padding=\"same\")",
     {7, 11, 12}, 427, 0},
    {"Conv2dSameStrideOneTuple", "[5, 11, 12]",
     "conv2d(x, 7, kernel=5, stride=(1, 1), padding=\"same\")",
     {7, 11, 12}, 882, 0},
    {"Conv2dValid", "[5, 11, 12]",
     "conv2d(x, 7, kernel=(2, 6), padding=\"valid\")", {7, 10, 7}, 427, 0},
    {"Conv2dGroups4", "[32, 28, 28]",
     "conv2d(x, 64, kernel=3, padding=1, groups=4)", {64, 28, 28}, 4672, 0},
    {"Conv2dDepthwise", "[32, 56, 56]",
     "conv2d(x, 32, kernel=3, stride=2, padding=1, groups=32, bias=false)",
     {32, 28, 28}, 288, 0},
    {"Conv2dDepthwiseMultiplier2", "[32, 14, 14]",
     "conv2d(x, 64, kernel=3, groups=32)", {64, 12, 12}, 640, 0},
    {"Conv2dPointwise", "[96, 14, 14]",
     "conv2d(x, 24, kernel=1, bias=false)", {24, 14, 14}, 2304, 0},
    {"Conv2dStrideLargerThanKernel", "[8, 15, 15]",
     "conv2d(x, 16, kernel=1, stride=2)", {16, 8, 8}, 144, 0},
    {"Conv2dKernelFitsOnlyWithPadding", "[3, 3, 3]",
     "conv2d(x, 4, kernel=5, padding=1)", {4, 1, 1}, 304, 0},
    {"Conv3dC3D", "[3, 16, 112, 112]",
     "conv3d(x, 64, kernel=3, padding=1)", {64, 16, 112, 112}, 5248, 0},
    {"Conv3dRectStride", "[3, 16, 112, 112]",
     "conv3d(x, 64, kernel=(3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3), "
     "bias=false)",
     {64, 16, 56, 56}, 28224, 0},
    {"Conv3dGroupsDilation", "[8, 9, 10, 11]",
     "conv3d(x, 4, kernel=(2, 3, 2), dilation=(2, 1, 3), groups=2, bias=false)",
     {4, 7, 8, 8}, 192, 0},
    {"Conv3dSame", "[4, 6, 7, 8]",
     "conv3d(x, 2, kernel=(2, 3, 4), padding=\"same\")", {2, 6, 7, 8}, 194, 0},
    {"Conv3dDepthwiseStride2", "[6, 8, 9, 10]",
     "conv3d(x, 6, kernel=3, stride=2, groups=6)", {6, 3, 4, 4}, 168, 0},
};
const ShapeCase ConvTransposeCases[] = {
    {"ConvT1dStride2Pad1", "[16, 10]",
     "conv_transpose1d(x, 8, kernel=4, stride=2, padding=1)", {8, 20}, 520, 0},
    {"ConvT1dOutputPadding", "[16, 10]",
     "conv_transpose1d(x, 8, kernel=3, stride=2, padding=1, output_padding=1)",
     {8, 20}, 392, 0},
    {"ConvT1dDilation", "[4, 7]",
     "conv_transpose1d(x, 3, kernel=3, dilation=2)", {3, 11}, 39, 0},
    {"ConvT1dGroupsNoBias", "[8, 7]",
     "conv_transpose1d(x, 12, kernel=5, stride=3, groups=4, bias=false)",
     {12, 23}, 120, 0},
    {"ConvT2dDCGANFirst", "[100, 1, 1]",
     "conv_transpose2d(x, 512, kernel=4, bias=false)", {512, 4, 4}, 819200, 0},
    {"ConvT2dDCGANUp", "[512, 4, 4]",
     "conv_transpose2d(x, 256, kernel=4, stride=2, padding=1, bias=false)",
     {256, 8, 8}, 2097152, 0},
    {"ConvT2dRectAll", "[6, 5, 7]",
     "conv_transpose2d(x, 4, kernel=(3, 5), stride=(2, 3), padding=(1, 2), "
     "output_padding=(1, 2))",
     {4, 10, 21}, 364, 0},
    {"ConvT2dOutputPaddingBelowDilation", "[3, 6, 6]",
     "conv_transpose2d(x, 5, kernel=3, dilation=2, output_padding=1)",
     {5, 11, 11}, 140, 0},
    {"ConvT2dGroups2", "[4, 8, 8]",
     "conv_transpose2d(x, 6, kernel=2, stride=2, groups=2)",
     {6, 16, 16}, 54, 0},
    {"ConvT2dDepthwise", "[8, 5, 5]",
     "conv_transpose2d(x, 8, kernel=3, stride=2, padding=1, "
     "output_padding=1, groups=8)",
     {8, 10, 10}, 80, 0},
    {"ConvT3dStride2", "[8, 4, 5, 6]",
     "conv_transpose3d(x, 4, kernel=2, stride=2)", {4, 8, 10, 12}, 260, 0},
    {"ConvT3dPadOutputPadding", "[8, 4, 5, 6]",
     "conv_transpose3d(x, 4, kernel=3, stride=2, padding=1, output_padding=1)",
     {4, 8, 10, 12}, 868, 0},
    {"ConvT3dTuplesGroups", "[6, 3, 4, 5]",
     "conv_transpose3d(x, 9, kernel=(1, 2, 3), stride=(1, 2, 3), "
     "padding=(0, 1, 1), dilation=(1, 1, 2), groups=3, bias=false)",
     {9, 3, 6, 15}, 108, 0},
};
const ShapeCase PoolCases[] = {
    {"MaxPool1dDefaultStride", "[8, 50]", "maxpool1d(x, 3)", {8, 16}, 0, 0},
    {"MaxPool1dStridePad", "[8, 50]",
     "maxpool1d(x, 3, stride=2, padding=1)", {8, 25}, 0, 0},
    {"MaxPool1dDilation", "[8, 50]",
     "maxpool1d(x, 3, stride=1, dilation=2)", {8, 46}, 0, 0},
    {"MaxPool1dCeil", "[8, 7]",
     "maxpool1d(x, 2, ceil_mode=true)", {8, 4}, 0, 0},
    {"MaxPool1dCeilDropsPaddingWindow", "[8, 5]",
     "maxpool1d(x, 2, stride=2, padding=1, ceil_mode=true)", {8, 3}, 0, 0},
    {"MaxPool2dResNet", "[64, 112, 112]",
     "maxpool2d(x, 3, stride=2, padding=1)", {64, 56, 56}, 0, 0},
    {"MaxPool2dDefaultStride", "[16, 10, 10]",
     "maxpool2d(x, 2)", {16, 5, 5}, 0, 0},
    {"MaxPool2dDefaultStrideOdd", "[16, 11, 11]",
     "maxpool2d(x, 3)", {16, 3, 3}, 0, 0},
    {"MaxPool2dRectKernel", "[4, 10, 12]",
     "maxpool2d(x, (2, 3))", {4, 5, 4}, 0, 0},
    {"MaxPool2dDilation", "[4, 20, 20]",
     "maxpool2d(x, 3, stride=1, dilation=(2, 1))", {4, 16, 18}, 0, 0},
    {"MaxPool2dDilationPadding", "[4, 20, 20]",
     "maxpool2d(x, 3, stride=2, padding=1, dilation=2)", {4, 9, 9}, 0, 0},
    {"MaxPool2dCeilGoogLeNet", "[64, 112, 112]",
     "maxpool2d(x, 3, stride=2, ceil_mode=true)", {64, 56, 56}, 0, 0},
    {"MaxPool2dCeilDropsPaddingWindow", "[3, 5, 5]",
     "maxpool2d(x, 2, stride=2, padding=1, ceil_mode=true)", {3, 3, 3}, 0, 0},
    {"MaxPool2dCeilDropsOneAxis", "[3, 3, 6]",
     "maxpool2d(x, 2, stride=2, padding=1, ceil_mode=true)", {3, 2, 4}, 0, 0},
    {"MaxPool2dCeilStrideTuple", "[3, 9, 10]",
     "maxpool2d(x, 3, stride=(2, 4), padding=1, ceil_mode=true)",
     {3, 5, 3}, 0, 0},
    {"MaxPool2dKernelFitsOnlyWithPadding", "[3, 1, 1]",
     "maxpool2d(x, 3, padding=1)", {3, 1, 1}, 0, 0},
    {"MaxPool3dDefaultStride", "[8, 8, 9, 10]",
     "maxpool3d(x, 2)", {8, 4, 4, 5}, 0, 0},
    {"MaxPool3dI3D", "[64, 16, 56, 56]",
     "maxpool3d(x, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))",
     {64, 16, 28, 28}, 0, 0},
    {"MaxPool3dDilation", "[2, 9, 9, 9]",
     "maxpool3d(x, 2, stride=1, dilation=3)", {2, 6, 6, 6}, 0, 0},
    {"MaxPool3dCeilDropsPaddingWindow", "[2, 3, 5, 7]",
     "maxpool3d(x, 2, stride=2, padding=1, ceil_mode=true)",
     {2, 2, 3, 4}, 0, 0},
    {"AvgPool1dDefaultStride", "[8, 50]", "avgpool1d(x, 4)", {8, 12}, 0, 0},
    {"AvgPool1dStridePad", "[8, 50]",
     "avgpool1d(x, 5, stride=3, padding=2)", {8, 17}, 0, 0},
    {"AvgPool1dCeil", "[8, 7]",
     "avgpool1d(x, 2, ceil_mode=true)", {8, 4}, 0, 0},
    {"AvgPool1dCeilDropsPaddingWindow", "[8, 3]",
     "avgpool1d(x, 2, stride=2, padding=1, ceil_mode=true)", {8, 2}, 0, 0},
    {"AvgPool2dLeNetS2", "[6, 28, 28]", "avgpool2d(x, 2)", {6, 14, 14}, 0, 0},
    {"AvgPool2dDefaultStrideOdd", "[6, 7, 7]",
     "avgpool2d(x, 2)", {6, 3, 3}, 0, 0},
    {"AvgPool2dStridePad", "[6, 28, 28]",
     "avgpool2d(x, 3, stride=2, padding=1)", {6, 14, 14}, 0, 0},
    {"AvgPool2dRect", "[6, 12, 20]",
     "avgpool2d(x, (3, 5), stride=(1, 2))", {6, 10, 8}, 0, 0},
    {"AvgPool2dCeil", "[6, 7, 8]",
     "avgpool2d(x, 3, stride=2, ceil_mode=true)", {6, 3, 4}, 0, 0},
    {"AvgPool2dCeilDropsPaddingWindow", "[3, 5, 5]",
     "avgpool2d(x, 2, stride=2, padding=1, ceil_mode=true)", {3, 3, 3}, 0, 0},
    {"AvgPool3dDefaultStride", "[4, 6, 7, 8]",
     "avgpool3d(x, 2)", {4, 3, 3, 4}, 0, 0},
    {"AvgPool3dTuples", "[4, 6, 7, 8]",
     "avgpool3d(x, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))",
     {4, 6, 4, 4}, 0, 0},
    {"AvgPool3dCeilDropsPaddingWindow", "[4, 3, 5, 6]",
     "avgpool3d(x, 2, stride=2, padding=1, ceil_mode=true)",
     {4, 2, 3, 4}, 0, 0},
    {"GlobalAvgPool2d", "[512, 7, 7]", "global_avgpool(x)", {512}, 0, 0},
    {"GlobalAvgPool2dKeepdims", "[512, 7, 7]",
     "global_avgpool(x, keepdims=true)", {512, 1, 1}, 0, 0},
    {"GlobalAvgPool1d", "[64, 30]", "global_avgpool(x)", {64}, 0, 0},
    {"GlobalAvgPool3dKeepdims", "[32, 4, 5, 6]",
     "global_avgpool(x, keepdims=true)", {32, 1, 1, 1}, 0, 0},
    {"GlobalMaxPool2d", "[256, 13, 13]", "global_maxpool(x)", {256}, 0, 0},
    {"GlobalMaxPool1dKeepdims", "[64, 30]",
     "global_maxpool(x, keepdims=true)", {64, 1}, 0, 0},
    {"GlobalMaxPool3d", "[32, 4, 5, 6]", "global_maxpool(x)", {32}, 0, 0},
    {"AdaptiveAvgPool2dInt", "[512, 14, 14]",
     "adaptive_avgpool2d(x, 7)", {512, 7, 7}, 0, 0},
    {"AdaptiveAvgPool2dAlexNet", "[256, 13, 13]",
     "adaptive_avgpool2d(x, (6, 6))", {256, 6, 6}, 0, 0},
    {"AdaptiveAvgPool2dLarger", "[3, 5, 5]",
     "adaptive_avgpool2d(x, (8, 9))", {3, 8, 9}, 0, 0},
    {"AdaptiveMaxPool2dInt", "[64, 9, 9]",
     "adaptive_maxpool2d(x, 1)", {64, 1, 1}, 0, 0},
    {"AdaptiveMaxPool2dRect", "[8, 17, 20]",
     "adaptive_maxpool2d(x, (3, 5))", {8, 3, 5}, 0, 0},
    // torch.mean(x, dim) on [1, *input], each axis >= 0 plus 1 for the
    // batch: x.mean(-1) gives [1, 4, 6], x.mean((1, 2)) [1, 8],
    // x.mean(1, keepdim=True) [1, 1, 6, 8], x.mean((-1, 1), keepdim=True)
    // [1, 1, 6, 1], and on [1, 197, 768] x.mean(1) [1, 768].
    {"MeanLastAxis", "[4, 6, 8]", "mean(x)", {4, 6}, 0, 0},
    {"MeanTwoAxes", "[4, 6, 8]", "mean(x, (0, 1))", {8}, 0, 0},
    {"MeanKeepdims", "[4, 6, 8]", "mean(x, 0, keepdims=true)", {1, 6, 8}, 0,
     0},
    {"MeanKeepdimsFromTheEnd", "[4, 6, 8]",
     "mean(x, axis=(-1, 0), keepdims=true)", {1, 6, 1}, 0, 0},
    {"MeanOverTokens", "[197, 768]", "mean(x, 0)", {768}, 0, 0},
};
const ShapeCase DenseCases[] = {
    {"DenseLeNetC5", "[400]", "dense(x, 120)", {120}, 48120, 0},
    {"DenseNoBias", "[84]", "dense(x, 10, bias=false)", {10}, 840, 0},
    {"DenseOneUnit", "[7]", "dense(x, 1)", {1}, 8, 0},
    {"DenseRank2", "[6, 32]", "dense(x, 10)", {6, 10}, 330, 0},
    {"DenseRank3", "[4, 6, 32]", "dense(x, 10)", {4, 6, 10}, 330, 0},
    {"DenseRank3NoBias", "[4, 6, 32]",
     "dense(x, 5, bias=false)", {4, 6, 5}, 160, 0},
    // torch.nn.Embedding(vocab, dim) on int64 indices.
    {"Embedding", "i64 [16]", "embedding(x, 1000, 64)", {16, 64}, 64000, 0},
    {"EmbeddingRank2", "i32 [4, 6]", "embedding(x, 50, 8)", {4, 6, 8}, 400, 0},
    // transformers' MixtralSparseMoeBlock (tools/torch_moe_reference.py):
    // gate [8, 64] and 8 experts of 3 x 64 x 224; 344,576 parameters.
    {"Moe", "[32, 64]", "moe(x, 8, 2, 224)", {32, 64}, 344576, 0},
    {"MoeOneAxis", "[48]", "moe(x, experts=4, top_k=3, hidden=80)", {48},
     46272, 0},
    // torch.matmul on [1, *a] and [1, *b].
    {"MatmulByTranspose", "[3, 4]", "matmul(x, transpose(x))", {3, 3}, 0, 0},
    {"MatmulStacks", "[2, 3, 4]", "matmul(x, reshape(x, (2, 4, 3)))",
     {2, 3, 3}, 0, 0},
    {"MatmulBroadcastStack", "[2, 3, 4]",
     "matmul(x, reshape(flatten(x), (4, 6)))", {2, 3, 6}, 0, 0},
};
const ShapeCase AttentionCases[] = {
    {"Rope", "[16, 64]", "rope(x, 4)", {16, 64}, 0, 0},
    {"RopeBatched", "[2, 16, 64]", "rope(x, heads=8, base=500000.0)",
     {2, 16, 64}, 0, 0},
    {"SelfAttention", "[16, 64]", "attention(x, x, x, heads=4)", {16, 64}, 0,
     0},
    {"CausalFlash", "[16, 64]",
     "attention(x, x, x, heads=8, causal=true, impl=\"flash\")", {16, 64},
     0, 0},
    // Grouped-query: 4 query heads of 16 share 1 key and value head.
    {"GroupedQuery", "[16, 64]",
     "attention(x, reshape(x, (64, 16)), reshape(x, (64, 16)), heads=4, "
     "kv_heads=1)",
     {16, 64}, 0, 0},
    // torch.tril(torch.ones(5, 5, dtype=torch.bool)): [5, 5] (the whole
    // constant, made once: no batch axis), no parameters or buffers.
    {"CausalMask", "[4]", "causal_mask(5)", {5, 5}, 0, 0},
    // torch.nn.MultiheadAttention(dim, heads, bias=bias, batch_first=True)
    // as self-attention: [1, 16, 64] to [1, 16, 64]; parameters 16,640 for
    // (64, 4), 16,384 without bias, 2,362,368 for (768, 12). torch has no
    // grouped variant: with 8 heads sharing 2, q and out are 64 x 64 and k,
    // v 16 x 64 each, with biases 64 + 16 + 16 + 64 (10,400 by hand).
    {"MultiheadAttention", "[16, 64]", "multihead_attention(x, 64, 4)",
     {16, 64}, 16640, 0},
    {"MultiheadAttentionNoBias", "[16, 64]",
     "multihead_attention(x, 64, 4, bias=false)", {16, 64}, 16384, 0},
    {"MultiheadAttentionBase", "[197, 768]",
     "multihead_attention(x, 768, 12)", {197, 768}, 2362368, 0},
    {"MultiheadAttentionGrouped", "[16, 64]",
     "multihead_attention(x, 64, 8, kv_heads=2, causal=true)", {16, 64},
     10400, 0},
    // Values of another width: 4 heads of 8 values each.
    {"ValueWidth", "[2, 16, 32]",
     "attention(x, x, dense(x, 64), heads=4)", {2, 16, 64}, 0, 0},
};
const ShapeCase ReshapeCases[] = {
    {"FlattenCHW", "[16, 5, 5]", "flatten(x)", {400}, 0, 0},
    {"FlattenRank1", "[10]", "flatten(x)", {10}, 0, 0},
    {"FlattenCL", "[8, 9]", "flatten(x)", {72}, 0, 0},
    {"FlattenCDHW", "[2, 3, 4, 5]", "flatten(x)", {120}, 0, 0},
    // Tensor.transpose(axis0 + 1, axis1 + 1) for axes counted from the front.
    {"ScaleByNumber", "[2, 3, 4]", "mul_scalar(x, 0.125)", {2, 3, 4}, 0, 0},
    {"TransposeLastTwo", "[2, 3, 4]", "transpose(x)", {2, 4, 3}, 0, 0},
    // Tensor.permute(0, *(axis + 1 for axis in axes)).
    {"Permute", "[2, 3, 4]", "permute(x, (2, 0, 1))", {4, 2, 3}, 0, 0},
    {"PermuteFromTheEnd", "[2, 3, 4]", "permute(x, (-1, 1, 0))", {4, 3, 2}, 0,
     0},
    {"TransposeAxes", "[2, 3, 4]", "transpose(x, 0, 2)", {4, 3, 2}, 0, 0},
    {"ReshapeExplicit", "[16, 5, 5]", "reshape(x, (16, 25))", {16, 25}, 0, 0},
    {"ReshapeInferFirst", "[16, 5, 5]", "reshape(x, (-1, 5))", {80, 5}, 0, 0},
    {"ReshapeInferMiddle", "[16, 5, 5]",
     "reshape(x, (4, -1, 5))", {4, 20, 5}, 0, 0},
    {"ReshapeInferLast", "[6, 4]", "reshape(x, (3, 2, -1))", {3, 2, 4}, 0, 0},
    {"ReshapeInferOnly", "[16, 5, 5]", "reshape(x, -1)", {400}, 0, 0},
    {"ReshapeAddAxes", "[12]", "reshape(x, (1, 3, 4))", {1, 3, 4}, 0, 0},
    // x.select(axis + 1, index) with the batch first: x[:, 0] for x[0].
    {"SelectClassToken", "[197, 768]", "select(x, 0)", {768}, 0, 0},
    {"SelectLastOfAxis", "[2, 3, 4]", "select(x, -1, axis=1)", {2, 4}, 0, 0},
    // Python slicing with the batch first: on [1, 197, 768], x[:, 1:] is
    // [1, 196, 768], x[:, :5] [1, 5, 768], x[:, -3:-1] [1, 2, 768] and
    // x[:, :, 0:10] [1, 197, 10] (torch keeps nothing for backward).
    {"SliceFromOne", "[197, 768]", "slice(x, 1, 197)", {196, 768}, 0, 0},
    {"SliceFromTheEnd", "[197, 768]", "slice(x, -3, -1)", {2, 768}, 0, 0},
    {"SliceAxis1", "[197, 768]", "slice(x, 0, 10, axis=1)", {197, 10}, 0,
     0},
};
const ShapeCase NormCases[] = {
    {"BatchNormC", "[64]", "batchnorm(x)", {64}, 128, 128},
    {"BatchNormCL", "[32, 100]", "batchnorm(x)", {32, 100}, 64, 64},
    {"BatchNormCHW", "[64, 56, 56]", "batchnorm(x)", {64, 56, 56}, 128, 128},
    {"BatchNormCDHW", "[16, 4, 5, 6]", "batchnorm(x)", {16, 4, 5, 6}, 32, 32},
    {"BatchNormEpsMomentum", "[6, 7, 7]",
     "batchnorm(x, eps=0.001, momentum=0.01)", {6, 7, 7}, 12, 12},
    {"LayerNormVector", "[768]", "layernorm(x)", {768}, 1536, 0},
    {"LayerNormDims1", "[10, 64]", "layernorm(x, dims=1)", {10, 64}, 128, 0},
    {"LayerNormDims2", "[10, 64]", "layernorm(x, dims=2)", {10, 64}, 1280, 0},
    {"LayerNormDims3", "[4, 8, 9]", "layernorm(x, dims=3)", {4, 8, 9}, 576, 0},
    {"LayerNormDims2OfRank3", "[4, 8, 9]",
     "layernorm(x, dims=2)", {4, 8, 9}, 144, 0},
    // torch 1.13 has no RMSNorm: Hugging Face's LlamaRMSNorm(hidden) has a
    // weight of the normalised shape and no bias (torch.nn.RMSNorm, torch
    // 2.4, likewise with elementwise_affine).
    {"RmsNorm", "[10, 64]", "rmsnorm(x)", {10, 64}, 64, 0},
    {"RmsNormTwoAxes", "[10, 64]", "rmsnorm(x, dims=2)", {10, 64}, 640, 0},
    {"RmsNormNoAffine", "[10, 64]", "rmsnorm(x, affine=false)", {10, 64}, 0,
     0},
    {"LayerNormNoAffine", "[10, 64]",
     "layernorm(x, affine=false)", {10, 64}, 0, 0},
    {"LayerNormDims2NoAffine", "[10, 64]",
     "layernorm(x, dims=2, affine=false)", {10, 64}, 0, 0},
    {"GroupNorm32", "[64, 28, 28]", "groupnorm(x, 32)", {64, 28, 28}, 128, 0},
    {"GroupNormOneGroup", "[12, 5, 5]", "groupnorm(x, 1)", {12, 5, 5}, 24, 0},
    {"GroupNormPerChannel", "[12, 5]",
     "groupnorm(x, groups=12)", {12, 5}, 24, 0},
    {"GroupNormCDHW", "[8, 2, 3, 4]", "groupnorm(x, 4)", {8, 2, 3, 4}, 16, 0},
    {"GroupNormRank1", "[12]", "groupnorm(x, 3)", {12}, 24, 0},
    {"DropoutDefault", "[128]", "dropout(x)", {128}, 0, 0},
    {"DropoutCHW", "[16, 8, 8]", "dropout(x, 0.2)", {16, 8, 8}, 0, 0},
    {"DropoutKeyword", "[4, 9]", "dropout(x, p=0.0)", {4, 9}, 0, 0},
};
const ShapeCase ActivationCases[] = {
    {"Relu", "[16, 8, 8]", "relu(x)", {16, 8, 8}, 0, 0},
    {"Relu6", "[16, 8, 8]", "relu6(x)", {16, 8, 8}, 0, 0},
    {"Gelu", "[10, 64]", "gelu(x)", {10, 64}, 0, 0},
    {"GeluTanh", "[10, 64]", "gelu(x, approximate=\"tanh\")", {10, 64}, 0, 0},
    {"Sigmoid", "[5]", "sigmoid(x)", {5}, 0, 0},
    {"Tanh", "[6, 14, 14]", "tanh(x)", {6, 14, 14}, 0, 0},
    {"Silu", "[16, 8, 8]", "silu(x)", {16, 8, 8}, 0, 0},
    {"Hardswish", "[16, 8, 8]", "hardswish(x)", {16, 8, 8}, 0, 0},
    {"Hardsigmoid", "[16, 1, 1]", "hardsigmoid(x)", {16, 1, 1}, 0, 0},
    {"LeakyRelu", "[4, 3, 2, 2]", "leaky_relu(x)", {4, 3, 2, 2}, 0, 0},
    {"LeakyReluSlope", "[8, 8]", "leaky_relu(x, slope=0.2)", {8, 8}, 0, 0},
    {"Elu", "[8, 8]", "elu(x)", {8, 8}, 0, 0},
    {"EluAlpha", "[8, 8]", "elu(x, alpha=0.5)", {8, 8}, 0, 0},
    {"SoftmaxDefaultAxis", "[10]", "softmax(x)", {10}, 0, 0},
    // torch.nn.LogSoftmax(dim).
    {"LogSoftmax", "[3, 4, 5]", "log_softmax(x)", {3, 4, 5}, 0, 0},
    {"LogSoftmaxAxis0", "[3, 4, 5]", "log_softmax(x, axis=0)", {3, 4, 5}, 0,
     0},
    {"SoftmaxAxis0", "[3, 4, 5]", "softmax(x, axis=0)", {3, 4, 5}, 0, 0},
    {"SoftmaxAxis1", "[3, 4, 5]", "softmax(x, axis=1)", {3, 4, 5}, 0, 0},
    {"SoftmaxAxisMinus2", "[3, 4, 5]", "softmax(x, axis=-2)", {3, 4, 5}, 0, 0},
    {"SoftmaxAxisMinus3", "[3, 4, 5]", "softmax(x, axis=-3)", {3, 4, 5}, 0, 0},
};
const ShapeCase ResizeCases[] = {
    {"ZeroPad2dInt", "[3, 5, 6]", "zero_pad2d(x, 2)", {3, 9, 10}, 0, 0},
    {"ZeroPad2dSymmetricAsFour", "[3, 5, 6]", "zero_pad2d(x, (3, 3, 1, 1))",
     {3, 7, 12}, 0, 0},
    {"ZeroPad2dLRTB", "[3, 5, 6]",
     "zero_pad2d(x, (1, 2, 3, 4))", {3, 12, 9}, 0, 0},
    {"ZeroPad2dLRTBAsym", "[3, 5, 6]",
     "zero_pad2d(x, (0, 1, 0, 1))", {3, 6, 7}, 0, 0},
    {"UpsampleInt", "[16, 7, 9]", "upsample(x, 2)", {16, 14, 18}, 0, 0},
    {"UpsampleTuple", "[16, 7, 9]", "upsample(x, (2, 3))", {16, 14, 27}, 0, 0},
    {"UpsampleBilinear", "[16, 7, 9]",
     "upsample(x, 4, mode=\"bilinear\")", {16, 28, 36}, 0, 0},
    {"UpsampleBilinearTuple", "[16, 7, 9]",
     "upsample(x, (3, 1), mode=\"bilinear\")", {16, 21, 9}, 0, 0},
    {"UpsampleRank1", "[4, 10]", "upsample(x, 3)", {4, 30}, 0, 0},
    {"UpsampleRank3Tuple", "[2, 3, 4, 5]",
     "upsample(x, (1, 2, 3))", {2, 3, 8, 15}, 0, 0},
};
// clang-format on

class OpShapeTest : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(OpShapeTest, MatchesPyTorch) {
  const ShapeCase &c = GetParam();
  CompiledLayer r = compileLayer(c.input, c.call);
  ASSERT_EQ(r.numErrors, 0u) << "`" << c.call << "` on " << c.input << ":\n"
                             << r.describeDiagnostics();
  ASSERT_TRUE(r.found) << r.describeDiagnostics();
  EXPECT_EQ(r.opName, calleeOf(c.call));
  EXPECT_EQ(r.shape, c.shape)
      << "output shape of `" << c.call << "` on " << c.input;
  EXPECT_EQ(r.params.trainable, c.trainable)
      << "trainable parameters of `" << c.call << "` on " << c.input;
  EXPECT_EQ(r.params.buffers, c.buffers)
      << "non-trainable buffers of `" << c.call << "` on " << c.input;
}

INSTANTIATE_TEST_SUITE_P(Convolution, OpShapeTest,
                         ::testing::ValuesIn(ConvCases), shapeCaseName);
INSTANTIATE_TEST_SUITE_P(ConvTranspose, OpShapeTest,
                         ::testing::ValuesIn(ConvTransposeCases),
                         shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Pooling, OpShapeTest, ::testing::ValuesIn(PoolCases),
                         shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Attention, OpShapeTest,
                         ::testing::ValuesIn(AttentionCases), shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Dense, OpShapeTest, ::testing::ValuesIn(DenseCases),
                         shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Reshape, OpShapeTest,
                         ::testing::ValuesIn(ReshapeCases), shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Normalization, OpShapeTest,
                         ::testing::ValuesIn(NormCases), shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Activation, OpShapeTest,
                         ::testing::ValuesIn(ActivationCases), shapeCaseName);
INSTANTIATE_TEST_SUITE_P(Resize, OpShapeTest, ::testing::ValuesIn(ResizeCases),
                         shapeCaseName);

/// Every callable op has at least one PyTorch case above.
// torch: x + x.mean((2, 3), keepdim=True), x * torch.zeros(1, 5),
// torch.cat, torch.split, torch.chunk, torchvision's F.center_crop.
const ShapeCase MergeCases[] = {
    {"AddBroadcastKeepdims", "[4, 5, 5]",
     "add(x, global_avgpool(x, keepdims=true))", {4, 5, 5}, 0, 0},
    {"MulBroadcastLowerRank", "[4, 5, 5]",
     "mul(x, reshape(global_avgpool(x), (4, 1, 1)))", {4, 5, 5}, 0, 0},
    {"ConcatAxis1", "[3, 4, 5]", "concat(x, x, axis=1)", {3, 8, 5}, 0, 0},
    {"ConcatChannels", "[3, 4, 5]", "concat(x, x, x)", {9, 4, 5}, 0, 0},
    {"SplitSizes", "[4, 6]", "split(x, (1, 3))[1]", {3, 6}, 0, 0},
    {"ChunkLastSmaller", "[10, 2]", "chunk(x, 4)[3]", {1, 2}, 0, 0},
    {"ChunkFewerParts", "[6, 2]", "chunk(x, 4)[2]", {2, 2}, 0, 0},
    {"CenterCrop", "[3, 8, 9]", "center_crop(x, (4, 6))", {3, 4, 6}, 0, 0},
    // torch.where(c, a, b) broadcasts all three: with c = tril(ones(4, 4,
    // dtype=bool)), torch.where(c, s, -1e9) on s [1, 2, 4, 4] gives [1, 2,
    // 4, 4] float32, torch.where(c, 1.0, 0.0) [4, 4] float32 (netc: one
    // [4, 4] per sample), torch.where(c, ones(1, 3, 1, 1), zeros(4)) [1, 3,
    // 4, 4].
    {"WhereNumber", "bool [4, 4]",
     "where(x, reshape(concat(x, x), (2, 4, 4)), -1e9)", {2, 4, 4}, 0, 0},
    {"WhereTwoNumbers", "bool [4, 4]", "where(x, 1.0, 0.0)", {4, 4}, 0, 0},
    {"WhereBroadcastValues", "bool [4, 4]",
     "where(x, reshape(select(x, 0), (4, 1)), select(x, 1))", {4, 4}, 0, 0},
};
INSTANTIATE_TEST_SUITE_P(Merge, OpShapeTest, ::testing::ValuesIn(MergeCases),
                         shapeCaseName);

// torch.promote_types, for the pairs a network can make.
TEST(ElementTypes, PromotedAsTorchDoes) {
  EXPECT_EQ(promoteTypes(DType::F16, DType::F32), DType::F32);
  EXPECT_EQ(promoteTypes(DType::F32, DType::F16), DType::F32);
  EXPECT_EQ(promoteTypes(DType::F16, DType::BF16), DType::F32);
  EXPECT_EQ(promoteTypes(DType::BF16, DType::BF16), DType::BF16);
  EXPECT_EQ(promoteTypes(DType::F64, DType::F32), DType::F64);
  EXPECT_EQ(promoteTypes(DType::I64, DType::F16), DType::F16);
  EXPECT_EQ(promoteTypes(DType::Bool, DType::I8), DType::I8);
  EXPECT_EQ(promoteTypes(DType::I8, DType::I64), DType::I64);
  EXPECT_EQ(promoteTypes(DType::Bool, DType::Bool), DType::Bool);
  EXPECT_EQ(promoteTypes(DType::Bool, DType::F32), DType::F32);
}

// The ops that take integer or boolean tensors, as torch 1.13's CPU kernels
// do (checked there on an int64 and a bool tensor); every other callable
// op needs floats.
TEST(ElementTypes, OpsTakeTheTypesTorchTakes) {
  std::map<std::string, InputTypes> notFloat;
  for (const OpDef &op : getAllOps())
    if (op.callable && op.inputTypes != InputTypes::Float)
      notFloat[op.name] = op.inputTypes;
  std::map<std::string, InputTypes> expected;
  for (const char *name :
       {"flatten", "reshape", "permute", "transpose", "select", "slice", "split", "chunk",
        "center_crop", "zero_pad2d", "concat", "add", "mul", "where"})
    expected[name] = InputTypes::Any;
  for (const char *name :
       {"relu", "relu6", "avgpool1d", "avgpool2d", "avgpool3d"})
    expected[name] = InputTypes::FloatOrInteger;
  expected["embedding"] = InputTypes::Index; // torch: Long or Int only
  EXPECT_EQ(notFloat, expected);
}

TEST(OpRulesCoverage, EveryOpHasAPyTorchCase) {
  llvm::StringSet<> covered;
  auto add = [&](llvm::ArrayRef<ShapeCase> cases) {
    for (const ShapeCase &c : cases)
      covered.insert(calleeOf(c.call));
  };
  add(ConvCases);
  add(ConvTransposeCases);
  add(PoolCases);
  add(DenseCases);
  add(AttentionCases);
  add(ReshapeCases);
  add(NormCases);
  add(ActivationCases);
  add(ResizeCases);
  add(MergeCases);
  for (const OpDef &op : getAllOps()) {
    if (op.callable) {
      EXPECT_TRUE(covered.count(op.name)) << op.name << " has no case";
    }
  }
}

//===----------------------------------------------------------------------===//
// Configurations PyTorch rejects
//===----------------------------------------------------------------------===//

/// A configuration torch raises on, and a fragment of netc's error.
struct ErrorCase {
  const char *name;
  const char *input;
  const char *call;
  const char *fragment;
};

void PrintTo(const ErrorCase &c, std::ostream *os) {
  *os << c.call << " on " << c.input;
}

std::string errorCaseName(const ::testing::TestParamInfo<ErrorCase> &info) {
  return info.param.name;
}

// torch: "Kernel size can't be greater than actual input size" (conv),
// "Output size is too small" / "smaller than kernel size" (pooling).
const ErrorCase KernelTooLargeCases[] = {
    {"Conv2dKernelLargerThanInput", "[3, 4, 4]", "conv2d(x, 8, kernel=5)",
     "conv2d kernel 5x5 is larger than the 4x4 input"},
    {"Conv1dDilatedKernelLargerThanInput", "[3, 10]",
     "conv1d(x, 8, kernel=4, dilation=4)",
     "conv1d dilated kernel 13 (kernel 4, dilation 4) is larger than the 10 "
     "input"},
    {"Conv3dKernelLargerOnOneAxis", "[3, 2, 8, 8]", "conv3d(x, 8, kernel=3)",
     "is larger than the"},
    {"Conv2dRectKernelLargerThanInput", "[3, 8, 4]",
     "conv2d(x, 8, kernel=(3, 5), padding=(0, 0))", "is larger than the"},
    {"MaxPool2dKernelLargerThanInput", "[3, 4, 4]", "maxpool2d(x, 5)",
     "maxpool2d kernel 5x5 is larger than the 4x4 input"},
    {"MaxPool2dDilatedKernelLargerThanInput", "[3, 6, 6]",
     "maxpool2d(x, 3, dilation=3)",
     "maxpool2d dilated kernel 7x7 (kernel 3x3, dilation 3x3) is larger than "
     "the 6x6 input"},
    {"AvgPool1dKernelLargerThanInput", "[3, 4]", "avgpool1d(x, 5)",
     "is larger than the"},
    {"AvgPool3dKernelLargerThanInput", "[3, 4, 4, 1]", "avgpool3d(x, 2)",
     "is larger than the"},
};

// torch: "in_channels must be divisible by groups", "out_channels must be
// divisible by groups", "num_channels must be divisible by num_groups".
const ErrorCase GroupsCases[] = {
    {"Conv2dGroupsNotDividingInChannels", "[6, 8, 8]",
     "conv2d(x, 8, kernel=3, groups=4)",
     "conv2d in_channels 6 is not divisible by groups 4"},
    {"Conv2dGroupsNotDividingOutChannels", "[8, 8, 8]",
     "conv2d(x, 6, kernel=3, groups=4)",
     "conv2d out_channels 6 is not divisible by groups 4"},
    {"Conv1dGroupsNotDividingInChannels", "[5, 8]",
     "conv1d(x, 10, kernel=3, groups=2)",
     "in_channels 5 is not divisible by groups 2"},
    {"ConvT2dGroupsNotDividingInChannels", "[6, 8, 8]",
     "conv_transpose2d(x, 8, kernel=3, groups=4)",
     "in_channels 6 is not divisible by groups 4"},
    {"ConvT3dGroupsNotDividingOutChannels", "[8, 3, 3, 3]",
     "conv_transpose3d(x, 6, kernel=3, groups=4)",
     "out_channels 6 is not divisible by groups 4"},
    {"GroupNormGroupsNotDividingChannels", "[6, 8, 8]", "groupnorm(x, 4)",
     "channels 6 is not divisible by groups 4"},
};

// torch: "padding='same' is not supported for strided convolutions".
const ErrorCase SamePaddingStrideCases[] = {
    {"Conv2dSameStride2", "[3, 16, 16]",
     "conv2d(x, 8, kernel=3, stride=2, padding=\"same\")",
     "padding=\"same\" needs stride 1, got stride 2"},
    {"Conv1dSameStride2", "[3, 16]",
     "conv1d(x, 8, kernel=3, stride=2, padding=\"same\")", "needs stride 1"},
    {"Conv3dSameStrideOnOneAxis", "[3, 8, 8, 8]",
     "conv3d(x, 8, kernel=3, stride=(1, 2, 1), padding=\"same\")",
     "needs stride 1"},
};

// torch: "pad should be at most half of kernel size". torch compares the
// padding with kernel_size / 2 (the undilated kernel), also for max pooling
// with a dilation.
const ErrorCase PoolPaddingCases[] = {
    {"MaxPool2dPaddingOverHalfKernel", "[3, 8, 8]",
     "maxpool2d(x, 2, padding=2)", "must be at most half the kernel size"},
    {"MaxPool1dPaddingOverHalfKernel", "[3, 8]", "maxpool1d(x, 3, padding=2)",
     "must be at most half the kernel size"},
    {"MaxPool3dPaddingOverHalfKernelOneAxis", "[3, 8, 8, 8]",
     "maxpool3d(x, 3, padding=(1, 2, 1))",
     "must be at most half the kernel size"},
    {"AvgPool2dPaddingOverHalfKernel", "[3, 8, 8]",
     "avgpool2d(x, 3, padding=2)", "must be at most half the kernel size"},
    {"AvgPool1dPaddingOverHalfKernel", "[3, 8]", "avgpool1d(x, 1, padding=1)",
     "must be at most half the kernel size"},
    {"MaxPool2dDilatedPaddingOverHalfKernel", "[3, 10, 10]",
     "maxpool2d(x, 3, dilation=2, padding=2)",
     "must be at most half the kernel size"},
    {"MaxPool1dDilatedPaddingOverHalfKernel", "[3, 10]",
     "maxpool1d(x, 2, dilation=3, padding=2)",
     "must be at most half the kernel size"},
};

// torch: "output padding must be smaller than either stride or dilation".
const ErrorCase OutputPaddingCases[] = {
    {"ConvT2dOutputPaddingEqualsStride", "[4, 5, 5]",
     "conv_transpose2d(x, 8, kernel=3, stride=2, output_padding=2)",
     "must be smaller than the stride ("},
    {"ConvT1dOutputPaddingWithStride1", "[4, 5]",
     "conv_transpose1d(x, 8, kernel=3, output_padding=1)",
     "must be smaller than the stride ("},
    {"ConvT3dOutputPaddingOneAxis", "[4, 3, 3, 3]",
     "conv_transpose3d(x, 8, kernel=3, stride=2, output_padding=(1, 2, 1))",
     "must be smaller than the stride ("},
};

// Other configurations torch rejects.
const ErrorCase OtherErrorCases[] = {
    // torch: "Output size is too small" (output length 0).
    {"ConvT1dNonPositiveOutput", "[4, 2]",
     "conv_transpose1d(x, 4, kernel=1, padding=1)", "would be 0"},
    // torch.nn.LayerNorm: a normalized_shape with more axes than the sample
    // (netc's dims counts per-sample axes; torch raised on a
    // normalized_shape longer than the batched input).
    {"LayerNormDimsOverRank", "[10, 64]", "layernorm(x, dims=3)",
     "must be at most the input's rank 2"},
    // torch: "Dimension out of range".
    {"SoftmaxAxisOutOfRange", "[3, 4]", "softmax(x, axis=2)",
     "axis 2 is out of range"},
    // torch: "shape '[1, 3, -1]' is invalid for input of size 400".
    {"ReshapeWrongElementCount", "[16, 5, 5]", "reshape(x, (3, -1))",
     "cannot reshape"},
    // torch: "Got 3D input, but bilinear mode needs 4D input" (and 5D).
    {"UpsampleBilinearOnRank1", "[4, 10]", "upsample(x, 2, mode=\"bilinear\")",
     "bilinear"},
    {"UpsampleBilinearOnRank3", "[4, 3, 4, 5]",
     "upsample(x, 2, mode=\"bilinear\")", "bilinear"},
    // torch: conv_transpose2d(): argument 'padding' must be tuple of ints.
    {"ConvT2dSamePadding", "[3, 5, 5]",
     "conv_transpose2d(x, 8, kernel=3, padding=\"same\")",
     "must be an integer or a tuple of integers"},
    // torch: "Expected tensor for argument #1 'indices' to have one of the
    // following scalar types: Long, Int".
    {"EmbeddingOfFloats", "[16]", "embedding(x, 1000, 64)",
     "embedding needs an i32 or i64 tensor, but 'x' holds f32 elements"},
    // torch: "Expected size for first two dimensions of batch2 tensor to
    // be: [1, 4] but got: [1, 5]".
    {"MatmulInnerMismatch", "[3, 4]", "matmul(x, reshape(x, (6, 2)))",
     "the last axis of the first (4) must equal the second-to-last axis of "
     "the second (6)"},
    // torch: "The size of tensor a (2) must match the size of tensor b (3)
    // at non-singleton dimension 1".
    {"MatmulStacksDiffer", "[2, 3, 4]",
     "matmul(x, reshape(x, (3, 4, 2)))", "dimensions 2 and 3 differ"},
    // torch.topk: "selected index k out of range".
    {"MoeTopKAboveExperts", "[16, 64]", "moe(x, 4, 5, 128)",
     "moe cannot route each token to top_k=5 of its experts=4"},
    // A rank-1 operand would be a matrix across the batch in torch.
    {"MatmulVector", "[3, 4]", "matmul(x, flatten(x))",
     "matmul expects inputs with at least two axes"},
    // torch: "Dimension out of range (expected to be in range of [-3, 2],
    // but got 3)".
    {"TransposeAxisOutOfRange", "[3, 4]", "transpose(x, 0, 2)",
     "axis 2 is out of range"},
    // torch: AvgPool2d() got an unexpected keyword argument 'dilation'.
    {"AvgPool2dDilation", "[3, 5, 5]", "avgpool2d(x, 2, dilation=2)",
     "unknown keyword argument 'dilation'"},
    // torch: "where expected condition to be a boolean tensor, but got a
    // tensor with dtype Float".
    {"WhereFloatCondition", "[4, 4]", "where(x, x, 0.0)",
     "where needs a bool tensor, but 'x' holds f32 elements"},
    // torch: "The size of tensor a (4) must match the size of tensor b (3)
    // at non-singleton dimension 2".
    {"WhereValuesDiffer", "bool [3, 4]", "where(x, x, reshape(x, (4, 3)))",
     "cannot choose between [3, 4] and [4, 3]"},
    // torch: "The size of tensor a (5) must match the size of tensor b (25)
    // at non-singleton dimension 2".
    {"WhereConditionDiffers", "bool [5, 5]", "where(x, flatten(x), 0.0)",
     "cannot broadcast the condition [5, 5] and [25]"},
    // Python clamps x[:, 1:300] to [1, 196, 768] and gives x[:, 5:2] an
    // empty [1, 0, 768]; netc reports both, as mistakes.
    {"SliceEndPastTheAxis", "[197, 768]", "slice(x, 1, 300)",
     "slice end 300 is out of range for axis 0 of [197, 768]"},
    {"SliceEmpty", "[197, 768]", "slice(x, 5, 2)",
     "slice 5:2 of axis 0 of [197, 768] is empty"},
    // torch: "dim 1 appears multiple times in the list of dims".
    {"MeanAxisTwice", "[4, 6, 8]", "mean(x, (0, -3))",
     "mean names axis 0 of [4, 6, 8] twice in (0, -3)"},
    // torch: "Dimension out of range (expected to be in range of [-4, 3],
    // but got 4)".
    {"MeanAxisOutOfRange", "[4, 6, 8]", "mean(x, 3)",
     "axis 3 is out of range for [4, 6, 8] (rank 3)"},
    // torch gives one number per sample ([1]), which netc has no type for.
    {"MeanEveryAxis", "[4, 6]", "mean(x, (0, 1))",
     "mean over every axis of [4, 6] leaves one number per sample"},
    // torch: "mean(): could not infer output dtype. Input dtype must be
    // either a floating point or complex dtype. Got: Long".
    {"MeanOfIntegers", "i64 [4, 6]", "mean(x)",
     "mean needs a floating-point tensor"},
};

class OpErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(OpErrorTest, RejectedLikePyTorch) {
  const ErrorCase &c = GetParam();
  EXPECT_TRUE(reportsError(c.input, c.call, c.fragment));
}

INSTANTIATE_TEST_SUITE_P(KernelTooLarge, OpErrorTest,
                         ::testing::ValuesIn(KernelTooLargeCases),
                         errorCaseName);
INSTANTIATE_TEST_SUITE_P(Groups, OpErrorTest, ::testing::ValuesIn(GroupsCases),
                         errorCaseName);
INSTANTIATE_TEST_SUITE_P(SamePaddingStride, OpErrorTest,
                         ::testing::ValuesIn(SamePaddingStrideCases),
                         errorCaseName);
INSTANTIATE_TEST_SUITE_P(PoolPadding, OpErrorTest,
                         ::testing::ValuesIn(PoolPaddingCases), errorCaseName);
INSTANTIATE_TEST_SUITE_P(OutputPadding, OpErrorTest,
                         ::testing::ValuesIn(OutputPaddingCases),
                         errorCaseName);
INSTANTIATE_TEST_SUITE_P(Other, OpErrorTest,
                         ::testing::ValuesIn(OtherErrorCases), errorCaseName);

} // namespace
