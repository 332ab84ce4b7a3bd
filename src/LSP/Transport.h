//===- Transport.h - JSON-RPC messages over a byte stream --------*- C++ -*-===//
//
// The language server's transport, in the style of clangd's JSONTransport:
// messages are JSON-RPC 2.0 objects framed by a Content-Length header
// (LSP's base protocol). A message larger than the limit is skipped without
// being read into memory; after a message without a usable Content-Length,
// the input is skipped to the next Content-Length header. The delimited style, for transcript tests, reads
// messages separated by lines of "---" instead of headers (lines starting
// with '#' are comments), as clangd's -input-style=delimited does; replies
// are always framed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace netc::lsp {

/// How messages are read.
enum class InputStyle { Standard, Delimited };

class JsonTransport {
public:
  JsonTransport(std::FILE *in, llvm::raw_fd_ostream &out, InputStyle style,
                uint64_t maxMessageBytes)
      : in(in), out(out), style(style), maxMessageBytes(maxMessageBytes) {}

  /// What readMessage found.
  enum class Read {
    Message, ///< the text of one message (not yet parsed)
    Skipped, ///< a message that could not be read; \p problem says why
    End,     ///< the end of the input
  };
  /// Reads the next message's text into \p text.
  Read readMessage(std::string &text, std::string &problem);
  /// Sends \p message, framed, and flushes.
  void send(const llvm::json::Value &message);
  /// True when input is waiting to be read (a message may follow at once):
  /// the server then holds back work that a following change would undo.
  bool hasPendingInput();
  /// True once a message could not be written (the client is gone).
  bool hasFailed() const { return failed; }

private:
  Read readFramed(std::string &text, std::string &problem);
  Read readDelimited(std::string &text, std::string &problem);
  /// Reads one line without its line end; false at the end of the input.
  bool readLine(std::string &line);

  std::FILE *in;
  llvm::raw_fd_ostream &out;
  InputStyle style;
  uint64_t maxMessageBytes;
  bool failed = false;
  /// Looking for the next Content-Length after a message without one.
  bool resyncing = false;
};

} // namespace netc::lsp
