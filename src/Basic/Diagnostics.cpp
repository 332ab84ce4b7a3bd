//===- Diagnostics.cpp - the diagnostics engine and text printer ----------===//
//
// Implements DiagnosticEngine (severity options, counting) and the clang-style
// TextDiagnosticPrinter on top of llvm::SourceMgr::PrintMessage (for lines
// of at most MaxShownLineLength bytes; longer ones are windowed here).
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"
#include "netc/Basic/WarningOptions.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/WithColor.h"

using namespace netc;

static const DiagnosticInfo diagnosticInfos[] = {
#define DIAG(ID, SEVERITY, GROUP, FORMAT)                                      \
  {#ID, Severity::SEVERITY, GROUP, FORMAT},
#include "netc/Basic/DiagnosticKinds.def"
};

const DiagnosticInfo &netc::getDiagnosticInfo(diag::Kind kind) {
  return diagnosticInfos[kind];
}

DiagnosticConsumer::~DiagnosticConsumer() = default;

uint64_t netc::getQuotedArguments(llvm::StringRef format) {
  uint64_t quoted = 0;
  for (size_t at = format.find("'{"); at != llvm::StringRef::npos;
       at = format.find("'{", at + 2)) {
    llvm::StringRef rest = format.drop_front(at + 2);
    size_t digits = rest.find_first_not_of("0123456789");
    unsigned index;
    if (digits != 0 && digits != llvm::StringRef::npos &&
        rest.substr(digits).startswith("}'") &&
        !rest.take_front(digits).getAsInteger(10, index) && index < 64)
      quoted |= uint64_t(1) << index;
  }
  return quoted;
}

std::string netc::shortenMessageArgument(llvm::StringRef text) {
  if (text.size() <= MaxMessageArgumentBytes)
    return text.str();
  // Back to the start of a character (UTF-8 continuation bytes are
  // 10xxxxxx).
  size_t cut = MaxMessageArgumentBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return (text.take_front(cut) + "... (" + llvm::Twine(text.size()) +
          " bytes)")
      .str();
}

llvm::StringRef netc::getSeverityName(Severity severity) {
  switch (severity) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

DiagnosticBuilder::~DiagnosticBuilder() {
  if (engine)
    engine->emit(std::move(diagnostic));
}

void DiagnosticEngine::emit(Diagnostic diagnostic) {
  const DiagnosticInfo &info = getDiagnosticInfo(diagnostic.kind);
  if (diagnostic.severity != Severity::Note && diagnostic.loc.isValid() &&
      !emitted.insert({diagnostic.loc.getPointer(), diagnostic.message}).second)
    return;
  // One note per context, innermost first; a deep chain shows its innermost
  // and outermost ContextNotesShown / 2 and one note for the rest (as C++
  // compilers elide long instantiation backtraces).
  const size_t shown = ContextNotesShown / 2;
  for (size_t i = 0, n = contexts.size(); i < n; ++i) {
    const Context &context = contexts[n - 1 - i];
    Diagnostic note;
    note.severity = Severity::Note;
    note.loc = context.loc;
    if (n > ContextNotesShown && i == shown) {
      note.kind = diag::note_contexts_skipped;
      note.message = llvm::formatv(getDiagnosticInfo(note.kind).format.data(),
                                   n - 2 * shown)
                         .str();
      diagnostic.notes.push_back(std::move(note));
      i = n - shown - 1;
      continue;
    }
    note.kind = context.kind;
    note.message =
        formatMessage(getDiagnosticInfo(context.kind).format, context.argument);
    diagnostic.notes.push_back(std::move(note));
  }
  if (diagnostic.severity == Severity::Warning) {
    // -w, -Werror and the per-group -W options (WarningOptions.h).
    WarningTreatment treatment = classifyWarning(options, info.group);
    if (treatment == WarningTreatment::Ignore)
      return;
    bool asError = treatment == WarningTreatment::Error;
    if (asError)
      diagnostic.severity = Severity::Error;
    diagnostic.flag = getWarningFlag(info.group, asError);
    if (!diagnostic.flag.empty())
      diagnostic.message += " [" + diagnostic.flag + "]";
  }
  // Past the error limit, errors still count (callers compare counts to
  // know whether something failed) but nothing more is shown; the first
  // one past it says so, as clang's -ferror-limit does.
  if (options.errorLimit != 0 && numErrors >= options.errorLimit) {
    if (diagnostic.severity == Severity::Error)
      ++numErrors;
    if (diagnostic.severity == Severity::Error && !errorLimitReported) {
      errorLimitReported = true;
      Diagnostic limit;
      limit.kind = diag::err_too_many_errors;
      limit.severity = Severity::Error;
      limit.message =
          llvm::formatv(getDiagnosticInfo(limit.kind).format.data(),
                        options.errorLimit)
              .str();
      consumer->handle(limit);
    }
    return;
  }
  if (diagnostic.severity == Severity::Error)
    ++numErrors;
  else if (diagnostic.severity == Severity::Warning)
    ++numWarnings;
  consumer->handle(diagnostic);
}

static llvm::SourceMgr::DiagKind toDiagKind(Severity severity) {
  switch (severity) {
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  }
  return llvm::SourceMgr::DK_Error;
}

/// Prints \p d with \p window, a part of its source line, as the excerpt
/// (or no excerpt when \p window is empty). LLVM's SMDiagnostic shows no
/// caret for lines with non-ASCII characters and counts columns from the
/// start of the text it is given, so this prints the location, the excerpt
/// and the caret line itself, one column per code point (tabs to 8).
void TextDiagnosticPrinter::printExcerpt(llvm::raw_ostream &os,
                                         const Diagnostic &d,
                                         llvm::StringRef window) {
  unsigned id = sourceMgr.FindBufferContainingLoc(d.loc);
  auto [lineNo, column] = lines.getLineAndColumn(d.loc, id);
  {
    llvm::WithColor bold(os, llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true,
                         /*BG=*/false,
                         showColors ? llvm::ColorMode::Enable
                                    : llvm::ColorMode::Disable);
    bold << sourceMgr.getMemoryBuffer(id)->getBufferIdentifier() << ":"
         << lineNo << ":" << column << ": ";
  }
  // The kind label and message, without location or source line.
  llvm::SMDiagnostic(sourceMgr, d.loc, "", -1, -1, toDiagKind(d.severity),
                     d.message, "", {}, {})
      .print(nullptr, os, showColors);
  if (window.empty())
    return;

  // Display column of every byte offset of the window.
  std::vector<unsigned> columnOf(window.size() + 1, 0);
  std::string shown;
  unsigned col = 0;
  for (size_t i = 0; i < window.size();) {
    unsigned char c = window[i];
    unsigned length = c < 0x80 ? 1 : llvm::getNumBytesForUTF8(c);
    length = std::max(1u, std::min<unsigned>(length, window.size() - i));
    for (unsigned k = 0; k < length; ++k)
      columnOf[i + k] = col;
    if (c == '\t') {
      unsigned next = (col / 8 + 1) * 8;
      shown.append(next - col, ' ');
      col = next;
    } else {
      shown.append(window.data() + i, length);
      ++col;
    }
    i += length;
  }
  columnOf[window.size()] = col;
  auto columnAt = [&](const char *p) {
    if (p < window.begin())
      return 0u;
    if (p > window.end())
      return col;
    return columnOf[p - window.begin()];
  };

  std::string caret(col + 1, ' ');
  for (llvm::SMRange r : d.ranges)
    if (r.isValid())
      for (unsigned c = columnAt(r.Start.getPointer());
           c < columnAt(r.End.getPointer()) && c < caret.size(); ++c)
        caret[c] = '~';
  caret[std::min<unsigned>(columnAt(d.loc.getPointer()), col)] = '^';
  while (!caret.empty() && caret.back() == ' ')
    caret.pop_back();
  os << shown << "\n";
  if (showColors)
    os.changeColor(llvm::raw_ostream::GREEN, /*Bold=*/true);
  os << caret << "\n";
  if (!d.fixIts.empty()) {
    std::string fixLine;
    for (const FixIt &f : d.fixIts) {
      unsigned at = columnAt(f.range.Start.getPointer());
      if (fixLine.size() < at)
        fixLine.resize(at, ' ');
      fixLine.replace(at, std::min(fixLine.size() - at, f.replacement.size()),
                      f.replacement);
    }
    os << fixLine << "\n";
  }
  if (showColors)
    os.resetColor();
}

void TextDiagnosticPrinter::print(const Diagnostic &d) {
  // One write per diagnostic: standard error is unbuffered, and a write per
  // piece made printing many diagnostics cost system calls, not text.
  std::string text;
  llvm::raw_string_ostream buffer(text);
  buffer.enable_colors(os.colors_enabled());
  printTo(buffer, d);
  buffer.flush();
  os << text;
}

void TextDiagnosticPrinter::printTo(llvm::raw_ostream &os,
                                    const Diagnostic &d) {
  if (!d.loc.isValid()) {
    // No place in a file: "netc: error: ...", as tool errors print.
    bool noColors = !showColors;
    if (d.severity == Severity::Error)
      llvm::WithColor::error(os, "netc", noColors) << d.message << "\n";
    else if (d.severity == Severity::Warning)
      llvm::WithColor::warning(os, "netc", noColors) << d.message << "\n";
    else
      llvm::WithColor::note(os, "netc", noColors) << d.message << "\n";
    return;
  }
  llvm::StringRef line = lines.getLineContaining(d.loc);
  if (!d.showSourceLine)
    return printExcerpt(os, d, llvm::StringRef());
  if (line.size() > MaxShownLineLength) {
    // Show a window of the line around the location.
    size_t column = d.loc.getPointer() - line.data();
    size_t start = column > MaxShownLineLength / 2
                       ? column - MaxShownLineLength / 2
                       : 0;
    // Do not cut a UTF-8 sequence in two.
    while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80)
      --start;
    return printExcerpt(os, d, line.substr(start, MaxShownLineLength));
  }
  if (llvm::any_of(line, [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return printExcerpt(os, d, line);
  std::vector<llvm::SMFixIt> fixIts;
  for (const FixIt &f : d.fixIts)
    fixIts.emplace_back(f.range, f.replacement);
  std::vector<llvm::SMRange> ranges;
  for (llvm::SMRange r : d.ranges)
    if (r.isValid())
      ranges.push_back(r);
  sourceMgr.PrintMessage(os, d.loc, toDiagKind(d.severity), d.message, ranges,
                         fixIts, showColors);
}

void TextDiagnosticPrinter::handle(const Diagnostic &diagnostic) {
  print(diagnostic);
  for (const Diagnostic &note : diagnostic.notes)
    print(note);
}
