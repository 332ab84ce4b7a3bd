//===- Transport.cpp - JSON-RPC messages over a byte stream ---------------===//
#include "Transport.h"

#include "llvm/ADT/StringExtras.h"

#include <poll.h>

using namespace netc::lsp;

bool JsonTransport::readLine(std::string &line) {
  line.clear();
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n')
      break;
    // A header line is short; a line of a delimited message may be long.
    if (style == InputStyle::Standard && line.size() > 4096)
      continue;
    line += static_cast<char>(c);
  }
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return any;
}

JsonTransport::Read JsonTransport::readMessage(std::string &text,
                                               std::string &problem) {
  return style == InputStyle::Standard ? readFramed(text, problem)
                                       : readDelimited(text, problem);
}

JsonTransport::Read JsonTransport::readFramed(std::string &text,
                                              std::string &problem) {
  std::string line;
  uint64_t length = 0;
  bool haveLength = false;
  bool sawHeader = false;
  while (true) {
    if (!readLine(line))
      return sawHeader ? (problem = "an unfinished message (the input "
                                    "ended inside its headers)",
                          Read::Skipped)
                       : Read::End;
    if (resyncing) {
      // After a message without a length, its body and what follows are
      // read as lines up to the next Content-Length header, which may
      // follow the body on its line.
      size_t at = llvm::StringRef(line).find_insensitive("content-length:");
      if (at == llvm::StringRef::npos)
        continue;
      line.erase(0, at);
      resyncing = false;
    }
    if (line.empty()) {
      if (!sawHeader)
        continue; // blank lines between messages
      break;
    }
    sawHeader = true;
    llvm::StringRef header(line);
    if (header.consume_front_insensitive("content-length:")) {
      header = header.trim();
      if (header.getAsInteger(10, length)) {
        problem = "a Content-Length header that is not a number: '" +
                  header.take_front(40).str() + "'";
        haveLength = false;
        length = 0;
        continue;
      }
      haveLength = true;
    }
    // Other headers (Content-Type) are read and ignored.
  }
  if (!haveLength) {
    if (problem.empty())
      problem = "a message without a Content-Length header";
    resyncing = true;
    return Read::Skipped;
  }
  if (length > maxMessageBytes) {
    problem = "a message of " + std::to_string(length) +
              " bytes, more than the limit of " +
              std::to_string(maxMessageBytes) + " (--max-message-size)";
    for (uint64_t i = 0; i < length; ++i)
      if (std::fgetc(in) == EOF)
        break;
    return Read::Skipped;
  }
  text.resize(length);
  size_t got = length ? std::fread(&text[0], 1, length, in) : 0;
  if (got != length) {
    problem = "an unfinished message (the input ended inside its body)";
    return Read::Skipped;
  }
  return Read::Message;
}

JsonTransport::Read JsonTransport::readDelimited(std::string &text,
                                                 std::string &problem) {
  text.clear();
  std::string line;
  bool any = false;
  while (readLine(line)) {
    if (line == "---") {
      if (llvm::StringRef(text).trim().empty()) {
        text.clear();
        continue;
      }
      return Read::Message;
    }
    if (llvm::StringRef(line).ltrim().startswith("#"))
      continue;
    text += line;
    text += '\n';
    any = true;
    if (text.size() > maxMessageBytes) {
      problem = "a message of more than " + std::to_string(maxMessageBytes) +
                " bytes (--max-message-size)";
      while (readLine(line) && line != "---")
        ;
      text.clear();
      return Read::Skipped;
    }
  }
  if (any && !llvm::StringRef(text).trim().empty())
    return Read::Message;
  return Read::End;
}

void JsonTransport::send(const llvm::json::Value &message) {
  std::string body;
  llvm::raw_string_ostream os(body);
  os << message;
  os.flush();
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
  if (out.has_error())
    failed = true;
}

bool JsonTransport::hasPendingInput() {
  // Transcripts are checked message by message, each change at once.
  if (style == InputStyle::Delimited)
    return false;
  // Bytes already buffered by stdio count as pending.
#if defined(__GLIBC__)
  if (in->_IO_read_ptr < in->_IO_read_end)
    return true;
#endif
  struct pollfd p = {fileno(in), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}
