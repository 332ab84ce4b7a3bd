//===- OnnxImport.cpp - reading an ONNX model for netc import -------------===//
//
// The file half of `netc import`: loads the file, refuses what is not an
// ONNX model with a located reason (a folder, an empty file, a .net
// source, bytes protobuf cannot parse, with the byte where parsing
// stopped), and hands the parsed ModelProto to translateOnnxGraph
// (OnnxTranslate.cpp).
//
//===----------------------------------------------------------------------===//
#include "netc/Import/OnnxImport.h"

#include "OnnxTranslate.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <onnx/onnx_pb.h>

#include <climits>

using namespace netc;

/// Whether \p text looks like a .net source rather than a binary model: its
/// first word (after comments and blank lines) is one a .net file starts
/// with.
static bool looksLikeNetSource(llvm::StringRef text) {
  text = text.take_front(4096);
  while (!text.empty()) {
    text = text.ltrim();
    if (text.startswith("#")) {
      text = text.drop_until([](char c) { return c == '\n'; });
      continue;
    }
    return text.startswith("network ") || text.startswith("import ") ||
           text.startswith("block ") || text.startswith("const ");
  }
  return false;
}

std::optional<std::string> netc::importOnnxModel(llvm::StringRef path,
                                                 DiagnosticEngine &diags,
                                                 bool &fileProblem) {
  fileProblem = true;
  if (llvm::sys::fs::is_directory(path)) {
    diags.report(llvm::SMLoc(), diag::err_onnx_directory, path);
    return std::nullopt;
  }
  // A device or a pipe (/dev/zero, /dev/full) never ends: reading it whole
  // would exhaust memory. Models are regular files.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file) {
    diags.report(llvm::SMLoc(), diag::err_file_read, path,
                 "not a regular file (a device, a pipe or a socket)");
    return std::nullopt;
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer) {
    diags.report(llvm::SMLoc(), diag::err_file_read, path,
                 buffer.getError().message());
    return std::nullopt;
  }
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.empty()) {
    diags.report(llvm::SMLoc(), diag::err_onnx_empty, path);
    return std::nullopt;
  }
  if (llvm::sys::path::extension(path) == ".net" || looksLikeNetSource(bytes)) {
    diags.report(llvm::SMLoc(), diag::err_onnx_net_source, path);
    return std::nullopt;
  }
  if (bytes.size() > size_t(INT_MAX)) {
    diags.report(llvm::SMLoc(), diag::err_onnx_parse, path,
                 "the file is larger than protobuf's 2 GiB limit (a model "
                 "with external data keeps its weights in other files)");
    return std::nullopt;
  }

  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  bool parsed = model.MergePartialFromCodedStream(&stream) &&
                stream.ConsumedEntireMessage();
  if (!parsed) {
    std::string reason = "protobuf parse failed at or before byte " +
                         std::to_string(stream.CurrentPosition()) + " of " +
                         std::to_string(bytes.size());
    if (stream.CurrentPosition() >= int(bytes.size()))
      reason += " (the file ends inside a field: is it truncated?)";
    diags.report(llvm::SMLoc(), diag::err_onnx_parse, path, reason);
    return std::nullopt;
  }
  if (!model.has_graph() || model.ir_version() <= 0 ||
      model.graph().node_size() == 0) {
    diags.report(llvm::SMLoc(), diag::err_onnx_parse, path,
                 !model.has_graph() || model.ir_version() <= 0
                     ? "the bytes parse, but hold no ONNX graph or IR version"
                     : "its graph has no nodes");
    return std::nullopt;
  }
  fileProblem = false;
  return translateOnnxGraph(model, path, diags);
}
