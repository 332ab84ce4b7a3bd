//===- PyTorchNames.cpp - the table of PyTorch's spellings ---------------===//
#include "netc/Basic/PyTorchNames.h"

#include <utility>

using namespace netc;

/// The netc op of a PyTorch name that is not one: torch.nn's modules
/// (Conv2d, Linear) and torch's functions (cat, linear, view).
std::optional<llvm::StringRef>
netc::findPyTorchSpelling(llvm::StringRef name) {
  static const std::pair<llvm::StringLiteral, llvm::StringLiteral> names[] = {
      {"Linear", "dense"},           {"linear", "dense"},
      {"cat", "concat"},             {"concatenate", "concat"},
      {"view", "reshape"},
      {"Conv1d", "conv1d"},          {"Conv2d", "conv2d"},
      {"Conv3d", "conv3d"},          {"ConvTranspose2d", "conv_transpose2d"},
      {"BatchNorm1d", "batchnorm"},  {"BatchNorm2d", "batchnorm"},
      {"BatchNorm3d", "batchnorm"},  {"LayerNorm", "layernorm"},
      {"layer_norm", "layernorm"},   {"batch_norm", "batchnorm"},
      {"GroupNorm", "groupnorm"},    {"group_norm", "groupnorm"},
      {"RMSNorm", "rmsnorm"},        {"rms_norm", "rmsnorm"},
      {"MaxPool2d", "maxpool2d"},    {"max_pool2d", "maxpool2d"},
      {"AvgPool2d", "avgpool2d"},    {"avg_pool2d", "avgpool2d"},
      {"AdaptiveAvgPool2d", "adaptive_avgpool2d"},
      {"adaptive_avg_pool2d", "adaptive_avgpool2d"},
      {"Embedding", "embedding"},    {"Dropout", "dropout"},
      {"ReLU", "relu"},              {"GELU", "gelu"},
      {"SiLU", "silu"},              {"Softmax", "softmax"},
      {"LogSoftmax", "log_softmax"}, {"Flatten", "flatten"},
      {"scaled_dot_product_attention", "attention"},
      {"bmm", "matmul"},             {"mm", "matmul"},
      {"Upsample", "upsample"},      {"interpolate", "upsample"},
  };
  for (const auto &[torchName, op] : names)
    if (name == torchName)
      return llvm::StringRef(op);
  return std::nullopt;
}
