//===- LanguageServer.h - netc lsp: the language server ----------*- C++ -*-===//
//
// `netc lsp` speaks the Language Server Protocol 3.17 over standard input
// and output (docs/editors.md): diagnostics as you type, hovers with each
// layer's shape and figures, inlay hints, definitions and references,
// symbols, completion and signature help, formatting, fix-its as code
// actions, and the memory report of the network under the cursor. Every
// answer comes from the same stages as the command line.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace llvm {
class raw_ostream;
class raw_fd_ostream;
}

namespace netc {

struct LanguageServerOptions {
  /// Messages separated by "---" lines instead of Content-Length headers
  /// (transcript tests).
  bool delimitedInput = false;
  /// The largest message read; a larger one is skipped (the default is
  /// netc's largest source file, 256 MiB, with room for JSON escapes).
  uint64_t maxMessageBytes = uint64_t(512) << 20;
  /// Log each message's method and time to the log stream.
  bool verbose = false;
  /// netc's version, for the client's serverInfo.
  std::string version;
};

/// Serves until the client says exit or the input ends. Returns the exit
/// status: 0 after shutdown and exit, 1 when the input ended or exit came
/// without shutdown (as LSP specifies).
int runLanguageServer(std::FILE *in, llvm::raw_fd_ostream &out,
                      llvm::raw_ostream &log,
                      const LanguageServerOptions &options);

} // namespace netc
