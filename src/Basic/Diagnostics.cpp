//===- Diagnostics.cpp - the diagnostics engine and text printer ----------===//
//
// Implements DiagnosticEngine (severity options, counting) and the clang-style
// TextDiagnosticPrinter on top of llvm::SourceMgr::PrintMessage.
//
//===----------------------------------------------------------------------===//
#include "netc/Basic/Diagnostics.h"

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

DiagnosticBuilder::~DiagnosticBuilder() {
  if (engine)
    engine->emit(std::move(diagnostic));
}

void DiagnosticEngine::emit(Diagnostic diagnostic) {
  const DiagnosticInfo &info = getDiagnosticInfo(diagnostic.kind);
  if (diagnostic.severity == Severity::Warning) {
    if (options.suppressWarnings)
      return;
    if (options.warningsAsErrors) {
      diagnostic.severity = Severity::Error;
      diagnostic.message += (" [-Werror,-W" + info.group + "]").str();
    } else if (!info.group.empty()) {
      diagnostic.message += (" [-W" + info.group + "]").str();
    }
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

/// The source line that contains \p loc (without its line end).
static llvm::StringRef getLineContaining(llvm::SourceMgr &sm, llvm::SMLoc loc) {
  unsigned id = sm.FindBufferContainingLoc(loc);
  llvm::StringRef buffer = sm.getMemoryBuffer(id)->getBuffer();
  size_t offset = loc.getPointer() - buffer.data();
  size_t start = buffer.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = (start == llvm::StringRef::npos || offset == 0) ? 0 : start + 1;
  if (offset > 0 && buffer[offset - 1] == '\n')
    start = offset;
  size_t end = buffer.find_first_of("\r\n", offset);
  if (end == llvm::StringRef::npos)
    end = buffer.size();
  return buffer.slice(start, end);
}

/// Prints "file:line:col: " and then the diagnostic built on \p window, a
/// part of \p line (empty to show no source at all). SMDiagnostic counts
/// columns from the start of the text it is given, so the location prefix
/// is printed here with the real column.
void TextDiagnosticPrinter::printExcerpt(const Diagnostic &d,
                                         llvm::StringRef line,
                                         llvm::StringRef window) {
  unsigned id = sourceMgr.FindBufferContainingLoc(d.loc);
  auto [lineNo, column] = sourceMgr.getLineAndColumn(d.loc, id);
  {
    llvm::WithColor bold(os, llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true,
                         /*BG=*/false,
                         showColors ? llvm::ColorMode::Enable
                                    : llvm::ColorMode::Disable);
    bold << sourceMgr.getMemoryBuffer(id)->getBufferIdentifier() << ":"
         << lineNo << ":" << column << ": ";
  }
  const char *windowStart = window.data();
  unsigned windowColumn = d.loc.getPointer() - windowStart;
  std::vector<std::pair<unsigned, unsigned>> ranges;
  for (llvm::SMRange r : d.ranges) {
    const char *start = std::max(r.Start.getPointer(), windowStart);
    const char *end = std::min(r.End.getPointer(), window.end());
    if (r.isValid() && start < end)
      ranges.push_back({unsigned(start - windowStart), unsigned(end - windowStart)});
  }
  std::vector<llvm::SMFixIt> fixIts;
  for (const FixIt &f : d.fixIts)
    if (f.range.Start.getPointer() >= windowStart &&
        f.range.End.getPointer() <= window.end())
      fixIts.emplace_back(f.range, f.replacement);
  if (window.empty()) {
    llvm::SMDiagnostic(sourceMgr, d.loc, "", -1, -1, toDiagKind(d.severity),
                       d.message, "", {}, {})
        .print(nullptr, os, showColors);
    os << "\n"; // SMDiagnostic ends the line only when it shows source.
    return;
  }
  llvm::SMDiagnostic(sourceMgr, d.loc, "", lineNo, windowColumn,
                     toDiagKind(d.severity), d.message, window, ranges, fixIts)
      .print(nullptr, os, showColors);
  (void)line;
}

void TextDiagnosticPrinter::print(const Diagnostic &d) {
  if (!d.loc.isValid()) {
    sourceMgr.PrintMessage(os, llvm::SMLoc(), toDiagKind(d.severity),
                           d.message, {}, {}, showColors);
    return;
  }
  llvm::StringRef line = getLineContaining(sourceMgr, d.loc);
  if (!d.showSourceLine)
    return printExcerpt(d, line, llvm::StringRef());
  if (line.size() > MaxShownLineLength) {
    // Show a window of the line around the location.
    size_t column = d.loc.getPointer() - line.data();
    size_t start = column > MaxShownLineLength / 2
                       ? column - MaxShownLineLength / 2
                       : 0;
    return printExcerpt(d, line, line.substr(start, MaxShownLineLength));
  }
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
